"""A petition started on behalf of an organisation: the choice, the refusal, the public byline."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.organisations.conftest import register
from uchast.core.errors import ActionRefused
from uchast.organisations import services as org_services
from uchast.organisations.models import Membership
from uchast.petitions import services
from uchast.petitions.models import Petition
from uchast.testing.factories import make_verified_resident

pytestmark = pytest.mark.django_db

TEXT = "Просимо відкрити постійний пункт юридичних консультацій для ВПО з громади у Дніпрі."


@pytest.fixture
def organisation(petition_community: Any, author: Any, official: Any) -> Any:
    return org_services.organisation_confirm(organisation=register(petition_community, author), actor=official)


def test_member_starts_a_petition_for_the_organisation_through_the_form(
    client: Any, author: Any, organisation: Any, moderator: Any
) -> None:
    client.force_login(author)
    form_page = client.get(reverse("petitions:create")).content.decode()
    assert "ГО «Зорянські переселенці»" in form_page  # the choice is offered
    response = client.post(
        reverse("petitions:create"),
        {"title": "Пункт юридичних консультацій", "text": TEXT, "on_behalf_of": organisation.pk},
    )
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.on_behalf_of == organisation and petition.author == author
    services.petition_publish(petition=services.petition_submit(petition=petition, actor=author), actor=moderator)
    client.logout()
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "Олена Шевчук від імені ГО «Зорянські переселенці»" in page
    profile = client.get(organisation.get_absolute_url()).content.decode()
    assert "Пункт юридичних консультацій" in profile  # listed in the organisation's activity


def test_no_choice_for_someone_outside_the_organisation(
    client: Any, petition_community: Any, organisation: Any
) -> None:
    outsider = make_verified_resident(petition_community, email="outsider@example.org")
    client.force_login(outsider)
    assert "ГО «Зорянські переселенці»" not in client.get(reverse("petitions:create")).content.decode()
    response = client.post(
        reverse("petitions:create"), {"title": "Чужа назва", "text": TEXT, "on_behalf_of": organisation.pk}
    )
    petition = Petition.objects.get()  # the unknown field is ignored: the petition is personal
    assert response.status_code == 302 and petition.on_behalf_of is None
    with pytest.raises(ActionRefused) as error:
        services.petition_create(
            author=outsider, community=petition_community, title="Т", text=TEXT, on_behalf_of=organisation.pk
        )
    assert error.value.code == "not_member"


def test_community_may_switch_acting_on_behalf_off(petition_community: Any, author: Any, organisation: Any) -> None:
    petition_community.statute = {**petition_community.statute, "organisations_act_on_behalf": False}
    petition_community.save()
    with pytest.raises(ActionRefused) as error:
        services.petition_create(
            author=author, community=petition_community, title="Т", text=TEXT, on_behalf_of=organisation.pk
        )
    assert error.value.code == "not_member"


def test_signatures_stay_personal(collecting: Any, organisation: Any, author: Any) -> None:
    """A member signs as a person: the signature has no organisation at all."""
    from uchast.petitions.models import Signature

    assert {f.name for f in Signature._meta.get_fields()}.isdisjoint({"on_behalf_of", "organisation"})
    assert Membership.objects.filter(user=author).exists()
