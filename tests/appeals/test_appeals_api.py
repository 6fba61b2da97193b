"""API of appeals: filing, following, answering (staff), published answers and statistics."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from uchast.accounts.services import api_token_create
from uchast.appeals import services
from uchast.appeals.models import AccessLog, Appeal, Status

from .conftest import make_draft

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "kind": "application",
    "topic": "aid",
    "subject": "Довідка про склад сім'ї",
    "text": "Прошу видати довідку про склад сім'ї для оформлення допомоги.",
    "full_name": "Олена Шевчук",
    "residence": "с. Калинівка, вул. Садова, 3",
    "displaced": True,
    "current_address": "м. Дніпро, вул. Робоча, 18",
    "contact": "olena@example.org",
}


def _auth(user: Any) -> dict[str, str]:
    _token, key = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_file_follow_answer_and_read(
    client: Client, resident: Any, departments: Any, social_official: Any, housing_official: Any
) -> None:
    response = client.post("/api/appeals/", PAYLOAD, content_type="application/json", **_auth(resident))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reg_number"] and body["personal"]["current_address"] == "м. Дніпро, вул. Робоча, 18"
    mine = client.get("/api/appeals/mine", **_auth(resident)).json()
    assert [a["id"] for a in mine] == [body["id"]]
    # Another department's official: 403 on answering (no existence leak: 404 first).
    other = client.post(
        f"/api/appeals/{body['id']}/answer", {"text": "Чужа відповідь на звернення."},
        content_type="application/json", **_auth(housing_official),
    )  # fmt: skip
    assert other.status_code == 404
    answer = client.post(
        f"/api/appeals/{body['id']}/answer", {"text": "Довідку надіслано вам на пошту."},
        content_type="application/json", **_auth(social_official),
    )  # fmt: skip
    assert answer.status_code == 200 and answer.json()["status"] == Status.ANSWERED
    again = client.post(
        f"/api/appeals/{body['id']}/answer", {"text": "Інша відповідь на звернення."},
        content_type="application/json", **_auth(social_official),
    )  # fmt: skip
    assert again.status_code == 409 and again.json()["error"]["code"] == "closed"
    assert client.get(f"/api/appeals/{body['id']}").status_code == 404  # private
    # The answer and the refused second answer read it; the other department never did.
    assert AccessLog.objects.filter(what__startswith="api", user=social_official).count() == 2
    assert not AccessLog.objects.filter(user=housing_official).exists()


def test_bad_input_is_refused_with_its_code(client: Client, resident: Any, departments: Any) -> None:
    response = client.post(
        "/api/appeals/", {**PAYLOAD, "contact": ""}, content_type="application/json", **_auth(resident)
    )
    assert response.status_code == 422 and response.json()["error"]["code"] == "contact_required"
    anonymous = client.post("/api/appeals/", PAYLOAD, content_type="application/json")
    assert anonymous.status_code == 401
    assert not Appeal.objects.exists()


def test_published_answers_and_statistics(
    client: Client, resident: Any, community: Any, departments: Any, social_official: Any
) -> None:
    appeal = services.appeal_file(author=resident, community=community, draft=make_draft(publish=True))
    services.appeal_answer(appeal=appeal, actor=social_official, text="Допомогу нараховано 3 грудня.")
    services.appeal_file(author=resident, community=community, draft=make_draft(subject="Інша справа"))
    published = client.get("/api/appeals/published", {"q": "допомог"}).json()
    assert [p["id"] for p in published] == [appeal.pk]
    stats = client.get("/api/appeals/statistics").json()
    assert stats["total"] == 2 and stats["answered"] == 1 and stats["answered_on_time_percent"] == 100
    assert {row["key"] for row in stats["by_topic"]} == {"aid"}
    assert "Шевчук" not in str(stats)
    public = client.get(f"/api/appeals/{appeal.pk}").json()
    assert public["personal"] is None and public["reg_number"] is None


def test_the_author_reads_their_appeal_with_a_token(
    client: Client, resident: Any, community: Any, departments: Any
) -> None:
    """A public read honours a token: the author's own (private) appeal with its personal part."""
    appeal = services.appeal_file(author=resident, community=community, draft=make_draft())
    assert client.get(f"/api/v1/appeals/{appeal.pk}").status_code == 404
    own = client.get(f"/api/v1/appeals/{appeal.pk}", **_auth(resident)).json()
    assert own["reg_number"] == appeal.reg_number
    assert own["personal"]["current_address"] == "м. Дніпро, вул. Робоча, 18, кв. 40"
    _token, reader = api_token_create(user=resident, name="no read", scopes=("participate",))
    refused = client.get(f"/api/v1/appeals/{appeal.pk}", HTTP_AUTHORIZATION=f"Bearer {reader}")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "insufficient_scope"
    bad = client.get(f"/api/v1/appeals/{appeal.pk}", HTTP_X_API_KEY="uch_unknown")
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "not_authenticated"
