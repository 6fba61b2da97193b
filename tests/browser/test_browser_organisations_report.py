"""A winner files its interim report at 360 px (what was done, spending per budget line), staff accept
it, and the public sees it on the application's page; axe-core and width checked on every page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.organisations.conftest import announce, apply, close_applications, register
from uchast.organisations import services
from uchast.organisations.models import Report, ReportStatus
from uchast.testing.browser import assert_fits_phone
from uchast.testing.factories import make_verified_resident

pytestmark = pytest.mark.django_db(transaction=True)


def check(page: Any) -> None:
    assert_fits_phone(page)


def test_file_a_report_and_have_it_accepted(page: Any, login_as: Any, community: Any, official: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    competition = announce(community, official, [official])
    head = make_verified_resident(community, email="head@example.org")
    organisation = services.organisation_confirm(organisation=register(community, head), actor=official)
    application = apply(competition, organisation, head)
    competition = close_applications(competition)
    services.application_set_eligibility(application=application, actor=official, eligible=True)
    services.scores_submit(
        application=application, member_user=official, values={c.pk: 8 for c in competition.criteria.all()}
    )
    services.results_publish(competition=competition, actor=official)
    rent, lawyers = application.lines.order_by("pk")

    login_as(head)
    page.goto(application.get_absolute_url())
    check(page)
    expect(page.get_by_label("Вид звіту")).to_have_value("interim")  # not "Поскаржитися" (the moderation word)
    page.get_by_label("Що зроблено").fill("Проведено 40 юридичних консультацій для переселенців у Дніпрі.")
    page.get_by_label(f"Витрачено на «{rent.item}», грн").fill("2500")
    page.get_by_label(f"Витрачено на «{lawyers.item}», грн").fill("18000.50")
    page.get_by_role("button", name="Подати звіт").click()
    expect(page.get_by_text("Звіт подано.")).to_be_visible()
    check(page)
    report = Report.objects.get()
    assert (report.status, report.kind) == (ReportStatus.SUBMITTED, "interim")
    assert sorted(report.spending.values_list("spent", flat=True)) == [2500_00, 18000_50]

    login_as(official)
    page.goto(application.get_absolute_url())
    page.get_by_label("прийняти").check()
    page.get_by_role("button", name="Зберегти рішення").click()
    expect(page.get_by_text("Рішення щодо звіту збережено.")).to_be_visible()
    check(page)
    assert Report.objects.get().status == ReportStatus.ACCEPTED

    page.context.clear_cookies()
    page.goto(application.get_absolute_url())
    expect(page.get_by_text("Проведено 40 юридичних консультацій")).to_be_visible()
    check(page)
