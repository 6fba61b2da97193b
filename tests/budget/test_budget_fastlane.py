"""The ballot fast lane answers successful API casts itself and hands everything else to Django,
whose answers (and headers) it must match. Transactional: the lane sends Django's request signals,
which close connections left inside a transaction."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application
from django.db import OperationalError, connection

from uchast.accounts.models import ApiToken
from uchast.budget import services
from uchast.budget.castpath.lane import BallotFastLane
from uchast.budget.models import Ballot, BudgetCycle
from uchast.testing.factories import make_user, make_verified_resident

from .conftest import projects_by_title

pytestmark = pytest.mark.django_db(transaction=True)


def _token(user: Any) -> str:
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name="test", key_hash=ApiToken.hash_key(key))
    return key


class _Call:
    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, path: str, body: bytes, method: str = "POST", **headers: str) -> tuple[int, dict[str, str], Any]:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/json",
            **headers,
        }
        answer: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]], *args: Any) -> None:
            answer["status"], answer["headers"] = int(status.split()[0]), dict(response_headers)

        content = b"".join(self.app(environ, start_response))
        is_json = answer["headers"].get("Content-Type", "").startswith("application/json")
        return answer["status"], answer["headers"], json.loads(content) if is_json else content


@pytest.fixture
def call() -> _Call:
    return _Call(BallotFastLane(get_wsgi_application()))


def test_lane_answers_like_django_after_learning_its_headers(
    call: _Call, voting_cycle: BudgetCycle, community: Any
) -> None:
    p = projects_by_title(voting_cycle)
    url = f"/api/budget/cycles/{voting_cycle.pk}/ballot"
    body = json.dumps({"projects": [p["A1"].pk, p["B3"].pk]}).encode()
    first, second = (_token(make_verified_resident(community, email=f"{n}@example.org")) for n in ("a", "b"))
    lane = call.app
    assert not lane.headers
    status, django_headers, data = call(url, body, HTTP_AUTHORIZATION=f"Bearer {first}")
    assert status == 200 and data["replaced"] is False
    assert lane.headers  # learned from Django's answer
    status, lane_headers, data = call(url, body, HTTP_AUTHORIZATION=f"Bearer {second}")
    assert status == 200 and data["replaced"] is False
    without_length = {k: v for k, v in django_headers.items() if k != "Content-Length"}
    assert {k: v for k, v in lane_headers.items() if k != "Content-Length"} == without_length
    assert "Content-Security-Policy" in lane_headers and lane_headers["X-Content-Type-Options"] == "nosniff"
    assert Ballot.objects.filter(receipt_code=data["receipt_code"]).exists()
    # The same voter again: replaced in place.
    again = json.dumps({"projects": [p["A2"].pk]}).encode()
    status, _headers, data = call(url, again, HTTP_AUTHORIZATION=f"Bearer {second}")
    assert status == 200 and data["replaced"] is True and Ballot.objects.count() == 2


def test_lane_hands_everything_else_to_django(
    call: _Call, voting_cycle: BudgetCycle, community: Any, administrator: Any
) -> None:
    p = projects_by_title(voting_cycle)
    url = f"/api/budget/cycles/{voting_cycle.pk}/ballot"
    voter = _token(make_verified_resident(community, email="v@example.org"))
    warm = _token(make_verified_resident(community, email="w@example.org"))
    call(url, json.dumps({"projects": [p["A1"].pk]}).encode(), HTTP_AUTHORIZATION=f"Bearer {warm}")
    before = Ballot.objects.count()

    def error(status_code: int, body: Any, **headers: str) -> str:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        status, _headers, data = call(url, raw, **{"HTTP_AUTHORIZATION": f"Bearer {voter}", **headers})
        assert status == status_code, data
        return data["error"]["code"]

    assert error(400, {"projects": [p["B1"].pk, p["B2"].pk]}) == "over_budget"
    assert error(400, {"projects": [p["A1"].pk, p["A2"].pk, p["A3"].pk]}) == "too_many"
    assert error(400, {"projects": [999_999]}) == "unknown_project"
    forged = call(url, json.dumps({"projects": [p["A1"].pk]}).encode(), HTTP_AUTHORIZATION="Bearer uch_forged")
    assert forged[0] in (401, 403)  # as Django answers without the lane: no token user, no session
    assert error(403, {"projects": [p["A1"].pk]}, HTTP_AUTHORIZATION=f"Bearer {_token(make_user())}") == (
        "not_eligible"
    )
    assert call(url, b"{not json", HTTP_AUTHORIZATION=f"Bearer {voter}")[0] in (400, 422)
    assert call(url, b'{"projects": "1"}', HTTP_AUTHORIZATION=f"Bearer {voter}")[0] in (400, 422)
    assert (
        call("/api/budget/cycles/999999/ballot", b'{"projects": [1]}', HTTP_AUTHORIZATION=f"Bearer {voter}")[0] == 404
    )
    services.cycle_suspend(cycle=voting_cycle, actor=administrator, reason="Повітряна тривога")
    assert error(409, {"projects": [p["A1"].pk]}) == "suspended"
    assert Ballot.objects.count() == before
    # A host outside ALLOWED_HOSTS is refused by Django, as for any request.
    good = json.dumps({"projects": [p["A1"].pk]}).encode()
    assert call(url, good, HTTP_AUTHORIZATION=f"Bearer {voter}", HTTP_HOST="evil.example")[0] == 400
    # Other shapes never enter the lane: reads, and a session without a bearer token (CSRF applies).
    assert call(f"/api/budget/cycles/{voting_cycle.pk}", b"", method="GET")[0] == 200
    assert call(url, json.dumps({"projects": [p["A1"].pk]}).encode())[0] in (401, 403)


def test_the_wsgi_application_has_the_lane_when_budget_is_installed() -> None:
    from uchast import wsgi

    assert isinstance(wsgi.application, BallotFastLane)


# Faults in the lane are never answered by it: Django answers them (issue 13, item 3). A bare
# 500 from the lane had neither the API's error shape nor a log record.


def _fail_ballot_inserts(times: int) -> Any:
    """A database execute wrapper that fails the first ``times`` inserts of a ballot, as a dropped
    connection does (the lane's guarded statement and the ORM path alike)."""
    left = [times]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if left[0] and "budget_ballot" in sql and "insert" in sql.lower():
            left[0] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


@pytest.fixture
def warm(call: _Call, voting_cycle: BudgetCycle, community: Any) -> str:
    """The lane has learned Django's headers (so it answers casts itself); returns the ballot URL."""
    p = projects_by_title(voting_cycle)
    url = f"/api/budget/cycles/{voting_cycle.pk}/ballot"
    warm_up = _token(make_verified_resident(community, email="warm@example.org"))
    assert call(url, json.dumps({"projects": [p["A1"].pk]}).encode(), HTTP_AUTHORIZATION=f"Bearer {warm_up}")[0] == 200
    assert call.app.headers
    return url


def test_deeply_nested_body_is_djangos_clean_422(call: _Call, warm: str, community: Any) -> None:
    voter = _token(make_verified_resident(community, email="v@example.org"))
    body = b'{"projects": ' + b"[" * 5000 + b"]" * 5000 + b"}"  # under the lane's 16 KB, over json's recursion
    status, headers, data = call(warm, body, HTTP_AUTHORIZATION=f"Bearer {voter}")
    assert status == 422 and headers["Content-Type"].startswith("application/json")
    assert data["error"]["code"] == "invalid_input"


def test_transient_database_fault_in_the_lane_is_replayed_to_django(
    call: _Call, warm: str, voting_cycle: BudgetCycle, community: Any, caplog: pytest.LogCaptureFixture
) -> None:
    p = projects_by_title(voting_cycle)
    voter = _token(make_verified_resident(community, email="v@example.org"))
    before = Ballot.objects.count()
    with connection.execute_wrapper(_fail_ballot_inserts(1)):
        status, _headers, data = call(
            warm, json.dumps({"projects": [p["A2"].pk]}).encode(), HTTP_AUTHORIZATION=f"Bearer {voter}"
        )
    # Django cast it after the lane's statement failed: one ballot, the answer as documented.
    assert status == 200 and data["replaced"] is False, data
    assert Ballot.objects.count() == before + 1
    faults = [r for r in caplog.records if r.name == "uchast.budget.castpath.lane"]
    assert faults and faults[0].levelno == logging.ERROR and faults[0].exc_info


def test_lasting_database_fault_is_djangos_json_500_and_logged(
    call: _Call, warm: str, voting_cycle: BudgetCycle, community: Any, caplog: pytest.LogCaptureFixture
) -> None:
    p = projects_by_title(voting_cycle)
    voter = _token(make_verified_resident(community, email="v@example.org"))
    before = Ballot.objects.count()
    with connection.execute_wrapper(_fail_ballot_inserts(100)):
        status, headers, data = call(
            warm,
            json.dumps({"projects": [p["A2"].pk]}).encode(),
            HTTP_AUTHORIZATION=f"Bearer {voter}",
        )
    assert status == 500 and headers["Content-Type"].startswith("application/json")
    assert data["error"]["code"] == "server_error" and data["error"]["message"]
    assert Ballot.objects.count() == before
    logged = {r.name for r in caplog.records if r.levelno >= logging.ERROR}
    assert {"uchast.budget.castpath.lane", "django.request"} <= logged


def test_staff_without_a_second_factor_cannot_cast_through_the_lane_or_django(
    call: _Call, voting_cycle: BudgetCycle, community: Any
) -> None:
    """The API refuses staff who have not set up a second factor everything; the voter's statement
    tells it at the peak without another query, and the lane hands such a cast to Django (403)."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group

    p = projects_by_title(voting_cycle)
    url = f"/api/budget/cycles/{voting_cycle.pk}/ballot"
    body = json.dumps({"projects": [p["A1"].pk]}).encode()
    warm = _token(make_verified_resident(community, email="warm@example.org"))
    assert call(url, body, HTTP_AUTHORIZATION=f"Bearer {warm}")[0] == 200  # the lane has learned
    official = make_verified_resident(community, email="official-voter@example.org")
    official.groups.add(Group.objects.get_or_create(name="official")[0])
    key = _token(official)
    status, _headers, data = call(url, body, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert (status, data["error"]["code"]) == (403, "second_factor_required")
    assert Ballot.objects.count() == 1
    Authenticator.objects.create(user=official, type=Authenticator.Type.TOTP, data={"secret": "x"})
    status, _headers, data = call(url, body, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert status == 200 and Ballot.objects.count() == 2
