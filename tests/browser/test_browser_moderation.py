"""One moderation for every contribution, in the browser: a resident reports a comment, a proposal and
a statement; a moderator finds them in /moderation/, hides each with a reason (shown in its place)
and restores each. axe on every page; at 360 px no page is wider than the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from uchast.testing.browser import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = """# Про Програму підтримки ВПО

## Житло
Компенсація оренди протягом шести місяців.
"""


def _fits_the_phone(page) -> None:
    """At 360 px the page scrolls only downwards: nothing is wider than the viewport."""
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide at {width[1]} px"
    page.set_viewport_size({"width": 390, "height": 844})


def _visit(page, url: str) -> None:
    page.goto(url)
    assert_accessible(page)


def _open_consultation(community, official):
    from uchast.consultations import services
    from uchast.consultations.drafts import sections_from_markdown

    now = timezone.now()
    consultation = services.consultation_create(
        actor=official,
        community=community,
        title="Про Програму підтримки ВПО",
        summary="Коротко про проєкт.",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=10),
        responsible_name="Андрій Мельник",
        responsible_contacts="rada@example.org",
    )
    services.draft_version_publish(actor=official, consultation=consultation, sections=sections_from_markdown(DRAFT))
    for _ in range(2):  # announced, open
        consultation = services.consultation_advance(actor=official, consultation=consultation)
    return consultation


def _report(page, field_id: str, reason: str) -> None:
    """Open the "Report" disclosure that holds ``field_id``, give the reason, send."""
    actions = page.locator("details.moderation-actions", has=page.locator(f"#{field_id}"))
    actions.locator("summary").click()
    actions.locator(f"#{field_id}").fill(reason)
    actions.locator("form[action$='/report/'] button[type=submit]").click()


def test_report_hide_and_restore_a_comment_a_proposal_and_a_statement(page, login_as, community, official, moderator):
    from uchast.consultations import services
    from uchast.core.models import ModerationReport
    from uchast.testing.factories import make_verified_resident

    author = make_verified_resident(community, email="author@example.org", full_name="Автор Коментарів")
    reporter = make_verified_resident(community, email="reporter@example.org", full_name="Уважна Мешканка")
    consultation = _open_consultation(community, official)
    section = consultation.versions.get().sections.get()
    comment = services.section_comment(author=author, section=section, body="Образливий коментар.")
    proposal = services.proposal_create(author=author, section=section, body="Образлива пропозиція.")
    statement = services.statement_create(author=author, consultation=consultation, text="Образливе твердження.")
    section_url = f"/consultations/sections/{section.pk}/"
    statements_url = f"/consultations/{consultation.pk}/statements/"

    # The resident reports each where it was posted.
    login_as(reporter)
    _visit(page, section_url)
    _report(page, f"report-comment-{comment.pk}", "Образа в коментарі")
    assert_accessible(page)
    _report(page, f"report-proposal-{proposal.pk}", "Образа в пропозиції")
    _visit(page, statements_url)
    _report(page, f"report-statement-{statement.pk}-card", "Образа у твердженні")
    assert ModerationReport.objects.filter(resolved_at__isnull=True).count() == 3
    _fits_the_phone(page)

    # The moderator finds the three in the queue and hides each with a reason.
    login_as(moderator)
    _visit(page, "/moderation/")
    _fits_the_phone(page)
    reasons = {
        f"comment-{comment.pk}": "Мова ворожнечі (коментар)",
        f"proposal-{proposal.pk}": "Мова ворожнечі (пропозиція)",
        f"statement-{statement.pk}": "Мова ворожнечі (твердження)",
    }
    for anchor in reasons:
        href = page.locator(f"#queue-{anchor} a").first.get_attribute("href")
        # A comment is linked by its permalink, which finds the page of comments showing it.
        assert href == f"/comments/{comment.pk}/" if anchor.startswith("comment-") else href.endswith(f"#{anchor}")
    for anchor, reason in reasons.items():
        card = page.locator(f"#queue-{anchor}")
        card.locator("form[action$='/hide/'] input[name=reason]").fill(reason)
        card.locator("form[action$='/hide/'] button[type=submit]").click()
        assert page.url.endswith("/moderation/")
        expect(page.locator(f"#queue-{anchor}")).to_have_count(0)
    assert_accessible(page)
    assert not ModerationReport.objects.filter(resolved_at__isnull=True).exists()

    # Each shows its reason in its place; the moderator restores each there.
    for url, anchors in (
        (section_url, [f"comment-{comment.pk}", f"proposal-{proposal.pk}"]),
        (statements_url, [f"statement-{statement.pk}"]),
    ):
        _visit(page, url)
        _fits_the_phone(page)
        for anchor in anchors:
            item = page.locator(f"#{anchor}")
            assert reasons[anchor] in item.inner_text()
            item.locator("form[action$='/restore/'] button").click()
            item = page.locator(f"#{anchor}")
            assert reasons[anchor] not in item.inner_text()
        assert_accessible(page)
    page.goto(section_url)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Образливий коментар.", use_inner_text=True)
    expect(page.locator(f"#proposal-{proposal.pk}")).to_contain_text("Образлива пропозиція.", use_inner_text=True)
    page.goto(statements_url)
    expect(page.locator(f"#statement-{statement.pk}")).to_contain_text("Образливе твердження.", use_inner_text=True)
