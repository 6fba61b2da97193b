from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from uchast.testing.smtp import SMTPCatcher

PURE_DIRS = ("tally", "opinion", "eligibility", "sharing")
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

    from uchast.core import memo

    cache.clear()
    memo.clear()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files (public and private) go to a fresh temporary folder, never into ./var."""
    if request.node.get_closest_marker("pure"):
        return
    settings = request.getfixturevalue("settings")
    base = tmp_path_factory.mktemp("uploads")
    settings.MEDIA_ROOT = base / "media"
    settings.PRIVATE_MEDIA_ROOT = base / "private"
    settings.UCHAST_OPEN_DATA_DIR = base / "open-data"


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    by_marker = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return by_marker or bool({"live_server", "transactional_db"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _audit_log_flushable_on_sqlite(request: pytest.FixtureRequest) -> Iterator[None]:
    """A transactional test ends with a flush; on SQLite that is a DELETE, which the audit log's
    append-only trigger rightly aborts (PostgreSQL TRUNCATEs, which row triggers do not see).
    Empty the log with the trigger lifted for that moment only, then put the trigger back."""
    if request.node.get_closest_marker("pure") or not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so its flush runs after our teardown
    yield
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")
            cursor.execute("DELETE FROM core_auditentry")
            cursor.execute(
                "CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
                "BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only'); END;"
            )


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
