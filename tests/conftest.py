from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from uchast.testing.smtp import SMTPCatcher

PURE_DIRS = ("tally", "opinion", "eligibility")
TESTS_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).relative_to(TESTS_DIR).parts
        if parts and parts[0] in PURE_DIRS:
            item.add_marker(pytest.mark.pure)
        if parts and parts[0] == "browser":
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _skip_postgres_only(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("pure"):
        return
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL (runs in the PostgreSQL suite)")


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> None:
    """Rate limits and cached counters live in the cache; no test inherits another's."""
    if request.node.get_closest_marker("pure"):
        return  # pure packages run without Django (also with -p no:django)
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def community(db: Any) -> Any:
    from uchast.testing.factories import CommunityFactory, DistrictFactory

    community = CommunityFactory(slug="zoriansk")
    DistrictFactory(community=community, code="center", name_uk="Центр", name_en="Centre")
    DistrictFactory(community=community, code="stepove", name_uk="Степове", name_en="Stepove", is_occupied=True)
    return community


@pytest.fixture
def resident(db: Any) -> Any:
    from uchast.testing.factories import make_user

    return make_user(full_name="Олена Шевчук", email="olena@example.org")


@pytest.fixture
def official(db: Any) -> Any:
    from uchast.testing.factories import make_user

    return make_user("official", full_name="Андрій Мельник", email="official@example.org")


@pytest.fixture
def moderator(db: Any) -> Any:
    from uchast.testing.factories import make_user

    return make_user("moderator", email="moderator@example.org")


@pytest.fixture
def administrator(db: Any) -> Any:
    from uchast.testing.factories import make_user

    return make_user("administrator", email="admin@example.org")


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPCatcher]:
    """A real SMTP server on loopback; Django sends through it for the duration of the test."""
    with SMTPCatcher() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield server
