"""Editing a draft, refusing, assigning and archiving petitions through the API (issue 18): the
pages' services and permissions, the staff scope for staff, each refusal with its code."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from uchast.accounts.services import api_token_create
from uchast.core.models import AuditEntry
from uchast.petitions import services
from uchast.petitions.models import Petition, PetitionStatus
from uchast.testing.factories import make_verified_resident

pytestmark = pytest.mark.django_db

TEXT = "Просимо облаштувати безбар'єрний вхід до центру надання адміністративних послуг."


def staff_key(user: Any) -> str:
    return api_token_create(user=user, name="test", scopes=("read", "staff"), second_factor_recent=True)[1]


def resident_key(user: Any) -> str:
    return api_token_create(user=user, name="test")[1]


def call(path: str, key: str | None, body: Any = None, method: str = "post") -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    send = getattr(Client(), method)
    return send(f"/api/v1/petitions{path}", json.dumps(body or {}), content_type="application/json", **headers)


def refused(response: Any, status: int, code: str) -> bool:
    return response.status_code == status and response.json()["error"]["code"] == code


def audited(action: str, actor: Any, petition: Petition) -> AuditEntry:
    return AuditEntry.objects.get(action=action, actor=actor, object_id=str(petition.pk))


@pytest.fixture
def draft(petition_community: Any, author: Any) -> Petition:
    return services.petition_create(author=author, community=petition_community, title="Пандус до ЦНАП", text=TEXT)


@pytest.fixture
def in_moderation(draft: Petition, author: Any) -> Petition:
    return services.petition_submit(petition=draft, actor=author)


@pytest.fixture
def considered(collecting: Petition, petition_community: Any) -> Petition:
    for _ in range(3):  # the statute's threshold
        petition, _signature = services.signature_create(
            petition=collecting, signer=make_verified_resident(petition_community)
        )
    assert petition.status == PetitionStatus.CONSIDERATION
    return petition


def test_author_edits_the_draft(draft: Petition, author: Any, resident: Any) -> None:
    changed = {"title": "Пандус і кнопка виклику до ЦНАП", "text": TEXT + " І кнопку виклику."}
    response = call(f"/{draft.pk}", resident_key(author), changed, method="put")
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert (draft.title, draft.text) == (changed["title"], changed["text"])
    assert call(f"/{draft.pk}", None, changed, method="put").status_code == 401
    # Someone else's draft is not shown to them at all.
    assert refused(call(f"/{draft.pk}", resident_key(resident), changed, method="put"), 404, "not_found")
    assert refused(call(f"/{draft.pk}", resident_key(author), {"title": "x" * 201, "text": TEXT}, method="put"), 422,
                   "invalid_input")  # fmt: skip
    services.petition_submit(petition=draft, actor=author)
    # Submitted: no longer a draft the author may change.
    assert refused(call(f"/{draft.pk}", resident_key(author), changed, method="put"), 403, "forbidden")


def test_moderator_refuses(in_moderation: Petition, moderator: Any, official: Any, author: Any) -> None:
    refusal = {"reason": "no_demand", "text": "Сформулюйте вимогу до ради."}
    assert refused(call(f"/{in_moderation.pk}/refuse", resident_key(moderator), refusal), 403, "insufficient_scope")
    assert refused(call(f"/{in_moderation.pk}/refuse", staff_key(official), refusal), 403, "forbidden")
    bad = call(f"/{in_moderation.pk}/refuse", staff_key(moderator), {**refusal, "reason": "dislike"})
    assert refused(bad, 422, "invalid_input")
    blank = call(f"/{in_moderation.pk}/refuse", staff_key(moderator), {**refusal, "text": "  "})
    assert refused(blank, 422, "reason_required")
    response = call(f"/{in_moderation.pk}/refuse", staff_key(moderator), refusal)
    assert response.status_code == 200 and response.json()["status"] == PetitionStatus.REFUSED
    in_moderation.refresh_from_db()
    assert in_moderation.refusal_reason == "no_demand" and in_moderation.moderated_by == moderator
    assert audited("petition.refused", moderator, in_moderation).summary == {"reason": "no_demand"}
    assert refused(call(f"/{in_moderation.pk}/refuse", staff_key(moderator), refusal), 409, "wrong_status")


def test_assign_to_an_official(considered: Petition, official: Any, moderator: Any, author: Any) -> None:
    assign = {"official": official.pk}
    assert refused(call(f"/{considered.pk}/assign", staff_key(moderator), assign), 403, "forbidden")
    assert refused(call(f"/{considered.pk}/assign", resident_key(official), assign), 403, "insufficient_scope")
    assert refused(call(f"/{considered.pk}/assign", staff_key(official), {"official": author.pk}), 422, "not_official")
    assert refused(call(f"/{considered.pk}/assign", staff_key(official), {"official": 999999}), 422, "not_official")
    assert refused(call("/999999/assign", staff_key(official), assign), 404, "not_found")
    response = call(f"/{considered.pk}/assign", staff_key(official), assign)
    assert response.status_code == 200, response.content
    considered.refresh_from_db()
    assert considered.assigned_to == official
    assert audited("petition.assigned", official, considered).summary == {"official": official.pk}


def test_assign_only_under_consideration(collecting: Petition, official: Any) -> None:
    response = call(f"/{collecting.pk}/assign", staff_key(official), {"official": official.pk})
    assert refused(response, 409, "wrong_status")


def test_archive(considered: Petition, official: Any, moderator: Any) -> None:
    assert refused(call(f"/{considered.pk}/archive", staff_key(official)), 409, "wrong_status")
    services.petition_answer(
        petition=considered, actor=official, outcome="supported", text="Пандус встановлять до кінця року."
    )
    assert refused(call(f"/{considered.pk}/archive", staff_key(moderator)), 403, "forbidden")
    assert refused(call(f"/{considered.pk}/archive", resident_key(official)), 403, "insufficient_scope")
    response = call(f"/{considered.pk}/archive", staff_key(official))
    assert response.status_code == 200 and response.json()["status"] == PetitionStatus.ARCHIVED
    considered.refresh_from_db()
    assert considered.status == PetitionStatus.ARCHIVED and considered.archived_at
    audited("petition.archived", official, considered)


def read(pk: int, key: str | None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return Client().get(f"/api/v1/petitions/{pk}", **headers)


def test_a_token_reads_a_petition_not_yet_public(petition_community: Any, author: Any, moderator: Any) -> None:
    """A public read honours a token: the author reads their draft, and staff (a staff-scoped token)
    the petition waiting for moderation, which the public does not see."""
    petition = services.petition_create(
        author=author, community=petition_community, title="Безбар'єрний ЦНАП", text=TEXT
    )
    assert read(petition.pk, None).status_code == 404
    own = read(petition.pk, resident_key(author))
    assert own.status_code == 200 and own.json()["status"] == PetitionStatus.DRAFT
    services.petition_submit(petition=petition, actor=author)
    assert read(petition.pk, staff_key(moderator)).status_code == 200
    assert read(petition.pk, None).status_code == 404
    assert refused(read(petition.pk, "uch_revoked"), 401, "not_authenticated")
