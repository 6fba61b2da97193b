"""A competition's applications (``views.competitions.competition``): a keyset page of the
applications the visitor may see (one filter, not a rule per row), the same queries at any size."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from uchast.core import pagination
from uchast.organisations import selectors
from uchast.organisations.models import Application, LegalForm, Membership, Organisation, OrganisationStatus
from uchast.testing.factories import make_verified_resident, sign_in_reauthenticated
from uchast.testing.pages import assert_keyset_list

pytestmark = pytest.mark.django_db


def _grow(competition: Any, start: int, count: int) -> list[Organisation]:
    organisations = Organisation.objects.bulk_create(
        Organisation(community=competition.community, name=f"ГО «Громада {n:02d}»", edrpou=f"{n:08d}",
                     legal_form=LegalForm.PUBLIC_ORGANISATION, registered_on=timezone.localdate(),
                     areas="Допомога переселенцям", email=f"go{n}@example.org", status=OrganisationStatus.CONFIRMED)
        for n in range(start, start + count)
    )  # fmt: skip
    for organisation in organisations:  # one by one: submitted_at orders them
        Application.objects.create(competition=competition, organisation=organisation,
                                   title=f"Програма {organisation.edrpou[-2:]}", goals="Цілі", activities="Заходи",
                                   schedule="2027", own_total=0, requested_total=100_00)  # fmt: skip
    return organisations


def _titles(response: Any) -> list[str]:
    return [a.title for a in response.context["applications"].items]


def test_applications_are_a_keyset_page_with_constant_queries(
    client: Client, competition: Any, official: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    sign_in_reauthenticated(client, official)
    response, _ = assert_keyset_list(
        client,
        competition.get_absolute_url(),
        grow=lambda start, count: _grow(competition, start, count),
        page="applications",
        label=lambda a: a.title,
        first=["Програма 00", "Програма 01", "Програма 02"],
        then=["Програма 03", "Програма 04", "Програма 05"],
    )
    assert "Програма 03" not in response.content.decode()


def test_ranked_applications_come_first_once_published(
    client: Client, competition: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    _grow(competition, 0, 5)
    for rank, edrpou in enumerate(("00000004", "00000002"), start=1):
        Application.objects.filter(organisation__edrpou=edrpou).update(rank=rank)
    competition.results_published_at = timezone.now()
    competition.save(update_fields=["results_published_at"])
    url = competition.get_absolute_url()
    response = client.get(url)
    assert _titles(response) == ["Програма 04", "Програма 02", "Програма 00"]
    assert _titles(client.get(url + response.context["applications"].next_url)) == ["Програма 01", "Програма 03"]


def test_before_the_results_a_member_sees_only_their_organisations_applications(
    client: Client, community: Any, competition: Any
) -> None:
    organisations = _grow(competition, 0, 3)
    member = make_verified_resident(community, email="member@example.org")
    Membership.objects.create(organisation=organisations[1], user=member)
    assert [a.title for a in selectors.visible_applications(member, competition)] == ["Програма 01"]
    sign_in_reauthenticated(client, member)
    assert _titles(client.get(competition.get_absolute_url())) == ["Програма 01"]
    assert _titles(Client().get(competition.get_absolute_url())) == []
