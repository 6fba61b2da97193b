"""A consultation proposal sent on behalf of an organisation; supports stay personal."""

from __future__ import annotations

from typing import Any

import pytest

from tests.organisations.conftest import register
from uchast.consultations import services
from uchast.consultations.models import Proposal
from uchast.core.errors import ActionRefused
from uchast.organisations import services as org_services
from uchast.testing.factories import make_verified_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(community: Any, voter: Any, official: Any) -> Any:
    return org_services.organisation_confirm(organisation=register(community, voter), actor=official)


def test_member_proposes_for_the_organisation_through_the_form(
    client: Any, consultation: Any, voter: Any, organisation: Any
) -> None:
    section = consultation.versions.get().sections.get(position=2)
    client.force_login(voter)
    url = f"/consultations/sections/{section.pk}/"
    assert organisation.name in client.get(url).content.decode()
    response = client.post(f"{url}propose/", {"body": "Подовжити строк до року.", "on_behalf_of": organisation.pk})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.on_behalf_of == organisation
    client.logout()
    assert "Тарас Кравець від імені ГО «Зорянські переселенці»" in client.get(url).content.decode()
    assert consultation.title in client.get(organisation.get_absolute_url()).content.decode()


def test_outsider_is_refused(consultation: Any, community: Any, organisation: Any) -> None:
    outsider = make_verified_resident(community, email="outsider@example.org")
    section = consultation.versions.get().sections.get(position=2)
    with pytest.raises(ActionRefused) as error:
        services.proposal_create(author=outsider, section=section, body="Текст", on_behalf_of=organisation.pk)
    assert error.value.code == "not_member"
    assert not Proposal.objects.exists()
