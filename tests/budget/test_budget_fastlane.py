"""The ballot fast lane answers successful API casts itself and hands everything else to Django,
whose answers (and headers) it must match. Transactional: the lane sends Django's request signals,
which close connections left inside a transaction."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.wsgi import get_wsgi_application

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
