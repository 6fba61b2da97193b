"""Offline and light (issue 14): manifest, service worker, the offline page, sign-out clearing the
kept pages, and static files fingerprinted and compressed by whitenoise's manifest storage."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_manifest_names_the_community_and_every_page_links_it(community) -> None:
    response = Client().get(reverse("core:manifest"))
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["name"] == community.name and data["start_url"] == "/" and data["display"] == "standalone"
    assert Client().get(data["icons"][0]["src"]).status_code == 200
    page = Client().get(reverse("core:about")).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page and "sw-register.js" in page


def test_service_worker_is_served_from_the_root_and_never_queues(community) -> None:
    response = Client().get("/sw.js")
    assert response.status_code == 200 and response["Cache-Control"] == "no-cache"
    assert response["Content-Type"].startswith("application/javascript")
    script = response.content.decode()
    assert '"/static/uchast/uchast.css"' in script and '"/offline/?sent=1"' in script
    assert "Ви офлайн" in script and "You are offline" in script
    # Private pages are never kept, and nothing sent is stored for later (no queue, no sync).
    assert '"/accounts/", "/me/"' in script and "no-store" in script
    assert "sync" not in script.lower() and "indexeddb" not in script.lower()


def test_offline_pages_say_plainly_what_happened(community) -> None:
    page = Client().get(reverse("core:offline") + "?sent=1").content.decode()
    assert "Нічого не надіслано" in page
    assert "збережена копія" not in page
    assert "Сторінки, які ви тут читали" in Client().get(reverse("core:offline")).content.decode()


def test_sign_out_clears_what_the_browser_kept(community) -> None:
    client = Client()
    client.force_login(make_user(email="shared-phone@example.org"))
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302 and response["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in Client().get(reverse("core:about"))


def test_static_files_are_fingerprinted_and_compressed(tmp_path: Path) -> None:
    """The production storage: every file gets a content hash in its name and a .gz beside it, and
    whitenoise serves the hashed name compressed, cached for good."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        hashed = [p.name for p in (tmp_path / "uchast").glob("uchast.*.css")]
        assert any(re.fullmatch(r"uchast\.[0-9a-f]{12}\.css", name) for name in hashed), hashed
        name = next(n for n in hashed if re.fullmatch(r"uchast\.[0-9a-f]{12}\.css", n))
        assert (tmp_path / "uchast" / f"{name}.gz").exists()
        from django.templatetags.static import static
        from whitenoise.middleware import WhiteNoiseMiddleware

        assert static("uchast/uchast.css") == f"/static/uchast/{name}"
        middleware = WhiteNoiseMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
        request = RequestFactory().get(f"/static/uchast/{name}", HTTP_ACCEPT_ENCODING="gzip")
        response = middleware(request)
        assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
        assert "immutable" in response["Cache-Control"]
        body = b"".join(response.streaming_content)
        assert b".site-header" in gzip.decompress(body)
