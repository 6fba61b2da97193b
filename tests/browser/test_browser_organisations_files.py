"""Journeys at 360 px without JavaScript-only controls, axe-core and width checked: the head gives
the organisation a logo and statute; a member attaches a document to an application and sees it
listed (the document is private: the list is on the member's page only)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser_organisations import check
from tests.organisations.conftest import announce, apply, register
from tests.organisations.test_organisations_uploads import PDF, png
from uchast.organisations import services
from uchast.organisations.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(page: Any) -> Any:
    page.set_viewport_size({"width": 360, "height": 740})
    return page


def test_logo_statute_and_a_document(phone: Any, login_as: Any, community: Any, official: Any) -> None:
    from uchast.testing.factories import make_verified_resident

    head = make_verified_resident(community, full_name="Олена Коваль", email="olena@example.org")
    organisation = services.organisation_confirm(organisation=register(community, head), actor=official)
    login_as(head)
    phone.goto(organisation.get_absolute_url())
    phone.get_by_role("link", name="Змінити логотип і статут").click()
    check(phone)
    phone.get_by_label("Новий логотип").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": png(size=(600, 400))}
    )
    phone.get_by_label("Новий статут").set_input_files(
        {"name": "statute.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    phone.get_by_role("button", name="Зберегти").click()
    expect(phone.get_by_text("Файли організації збережено.")).to_be_visible()
    check(phone)
    expect(phone.get_by_role("img", name=organisation.name)).to_be_visible()
    expect(phone.get_by_role("link", name="Завантажити статут (PDF)")).to_be_visible()
    assert Organisation.objects.get().statute

    competition = announce(community, official, [official])
    application = apply(competition, organisation, head)
    phone.goto(application.get_absolute_url())
    check(phone)
    phone.get_by_label("Документи (до 5)").set_input_files(
        [{"name": "Кошторис.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    phone.get_by_role("button", name="Додати документи").click()
    expect(phone.get_by_text("Документи додано.")).to_be_visible()
    expect(phone.get_by_role("link", name="Кошторис.pdf")).to_be_visible()
    check(phone)
