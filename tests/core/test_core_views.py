from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_shows_community_in_ukrainian_by_default(client, community):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert community.name_uk in html
    assert 'lang="uk"' in html
    assert "Перейти до основного вмісту" in html
    assert "Львів" in html  # the council's host city


def test_browser_language_does_not_override_ukrainian_first(client, community):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert 'lang="uk"' in html


def test_home_in_english_after_switching_language(client, community):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'lang="en"' in html
    assert community.name_en in html
    assert "Skip to main content" in html


def test_home_without_community_explains_what_to_do(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "uchast demo" in response.content.decode()


def test_home_query_count_is_constant(client, community):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from uchast.testing.factories import DistrictFactory

    client.get("/")  # the worker memoises the served community on its first request
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    DistrictFactory.create_batch(5, community=community)
    with CaptureQueriesContext(connection) as after:
        client.get("/")
    # One query for districts, one per installed module's open processes.
    assert len(after) == len(before) <= 7


@pytest.mark.parametrize("path", ["/", "/about/", "/audit/", "/accounts/login/", "/accounts/signup/"])
def test_public_pages_answer_with_security_headers(client, community, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_url_gives_translated_404_page(client, community):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 404
    assert "Сторінку не знайдено" in response.content.decode()
    client.cookies["uchast_language"] = "en"
    response = client.get("/no-such-page/")
    assert "Page not found" in response.content.decode()


def test_csrf_failure_is_explained_not_a_500(community):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("account_login"), {"login": "x@example.org", "password": "x"})
    assert response.status_code == 403
    assert "Нічого не збережено" in response.content.decode()


def test_wrong_method_is_refused_cleanly(client, community):
    assert client.delete("/").status_code == 405


def test_audit_log_page_lists_entries(client, community, official):
    from uchast.core import audit

    audit.record(action="budget.cycle_suspended", actor=official, obj=community, community=community)
    html = client.get("/audit/").content.decode()
    assert "budget.cycle_suspended" in html


def test_static_files_are_served(client, community):
    response = client.get("/static/uchast/uchast.css")
    assert response.status_code == 200


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
