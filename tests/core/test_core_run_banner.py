"""A calm first start (issue 14): `uchast run`'s banner ends with the address, where mail and task
logs go, and the demo logins, so they are the last lines a developer sees."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management.base import OutputWrapper

from uchast.core.management.commands.run import _Runserver
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_banner_ends_with_the_address_and_the_demo_logins():
    make_user(email="admin@demo.uchast.org")
    server = _Runserver()
    out = io.StringIO()
    server.stdout = OutputWrapper(out)
    server.addr, server.port, server._raw_ipv6, server.protocol = "127.0.0.1", "8000", False, "http"
    server.on_bind("8000")
    lines = out.getvalue().strip().splitlines()
    ours = lines[lines.index("Uchast is running: open http://127.0.0.1:8000/") :]
    assert f"{settings.VAR_DIR.name}/worker.log" in ours[1].replace("\\", "/")  # var/ unless UCHAST_VAR_DIR
    assert lines[-1].split()[0] == "yurii@demo.uchast.org"
    assert any("demo-uchast-2026" in line for line in lines)
