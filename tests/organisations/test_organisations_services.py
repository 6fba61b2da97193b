from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.organisations.conftest import announce, apply, close_applications, register
from uchast.core.errors import ActionRefused
from uchast.core.models import AuditEntry
from uchast.organisations import selectors, services
from uchast.organisations.models import (
    ApplicationStatus,
    MemberRole,
    Membership,
    OrganisationStatus,
    Phase,
    ReportStatus,
    Score,
)
from uchast.testing.factories import make_user, make_verified_resident

pytestmark = pytest.mark.django_db


def refused(code: str, fn: Any, *args: Any, **kwargs: Any) -> ActionRefused:
    with pytest.raises(ActionRefused) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value.message
    return info.value


# ---- registry --------------------------------------------------------------------------------------


def test_register_makes_a_pending_organisation_with_its_head(community: Any, head: Any) -> None:
    org = register(community, head)
    assert org.status == OrganisationStatus.PENDING
    assert Membership.objects.get(organisation=org).role == MemberRole.HEAD
    assert AuditEntry.objects.filter(action="organisation.registered").exists()


def test_bad_edrpou_is_refused_with_a_clear_message(community: Any, head: Any) -> None:
    error = refused("bad_edrpou", register, community, head, edrpou="43005390")
    assert "контрольна цифра" in error.message
    refused("bad_edrpou", register, community, head, edrpou="4300539")


def test_same_code_twice_is_refused(community: Any, head: Any) -> None:
    register(community, head)
    other = make_verified_resident(community, email="x@example.org")
    refused("edrpou_taken", register, community, other, name="Інша")


def test_unverified_resident_cannot_register(community: Any) -> None:
    refused("not_eligible", register, community, make_user())


def test_refusal_needs_a_reason_and_is_told(community: Any, head: Any, official: Any) -> None:
    org = register(community, head)
    refused("reason_required", services.organisation_refuse, organisation=org, actor=official, reason=" ")
    org = services.organisation_refuse(organisation=org, actor=official, reason="Статут не відповідає")
    assert org.status == OrganisationStatus.REFUSED and org.refusal_reason == "Статут не відповідає"
    assert head.notifications.filter(body__contains="Статут не відповідає").exists()
    refused("already_decided", services.organisation_confirm, organisation=org, actor=official)


def test_invitation_by_email_and_acceptance(organisation: Any, head: Any, smtp_server: Any) -> None:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        _inv, token = services.invitation_send(
            organisation=organisation, actor=head, email="Ivan@Example.org", role="member"
        )
    body = smtp_server.body(smtp_server.wait_for("ivan@example.org")[0])
    assert f"/organisations/invitations/{token}/" in body and "«Зорянські переселенці»" in body
    wrong = make_user(email="someone@example.org")
    refused("wrong_account", services.invitation_accept, token=token, user=wrong)
    ivan = make_user(email="ivan@example.org")
    services.invitation_accept(token=token, user=ivan)
    assert Membership.objects.filter(organisation=organisation, user=ivan, role="member").exists()
    refused("used_token", services.invitation_accept, token=token, user=ivan)
    refused("invalid_token", services.invitation_accept, token="nope", user=ivan)


def test_only_the_head_invites(organisation: Any) -> None:
    member = make_user()
    Membership.objects.create(organisation=organisation, user=member)
    refused(
        "not_head", services.invitation_send, organisation=organisation, actor=member, email="a@b.org", role="member"
    )


def test_acting_as_choices(organisation: Any, head: Any, community: Any) -> None:
    assert selectors.acting_as_choices(head, community) == [organisation]
    assert selectors.require_acting_as(head, community, organisation.pk) == organisation
    assert selectors.require_acting_as(head, community, None) is None
    refused("not_member", selectors.require_acting_as, make_user(), community, organisation.pk)
    community.statute = {selectors.STATUTE_KEY: False}
    community.save()
    assert selectors.acting_as_choices(head, community) == []
    refused("not_member", selectors.require_acting_as, head, community, organisation.pk)


def test_pending_organisation_cannot_be_acted_for(community: Any, head: Any) -> None:
    org = register(community, head)
    refused("not_member", selectors.require_acting_as, head, community, org.pk)


# ---- competitions ----------------------------------------------------------------------------------


def test_application_with_a_budget_table(competition: Any, organisation: Any, head: Any) -> None:
    assert competition.status == Phase.APPLICATIONS
    application = apply(competition, organisation, head)
    assert application.lines.count() == 2
    refused("already_applied", apply, competition, organisation, head)


def test_shares_not_adding_up_are_refused_clearly(competition: Any, organisation: Any, head: Any) -> None:
    error = refused(
        "table_requested_mismatch",
        services.application_submit,
        competition=competition,
        organisation=organisation,
        actor=head,
        values={
            "title": "т",
            "goals": "г",
            "activities": "а",
            "schedule": "р",
            "own_total": 1000_00,
            "requested_total": 9000_00,
        },
        lines=[("Оренда", 1000_00, 0), ("Юристи", 0, 8000_00)],
    )
    assert "8 000.00" in error.message and "9 000.00" in error.message
    refused("table_own_share_too_small", apply, competition, organisation, head, own=1_00, requested=50_000_00)
    refused("table_over_limit", apply, competition, organisation, head, own=20_000_00, requested=60_000_01)


def test_late_application_is_refused(
    community: Any, official: Any, commission: Any, organisation: Any, head: Any
) -> None:
    competition = announce(community, official, commission)
    close_applications(competition)
    refused("deadline_passed", apply, competition, organisation, head)


def test_not_yet_open(community: Any, official: Any, commission: Any, organisation: Any, head: Any) -> None:
    competition = announce(community, official, commission, open_days=2, close_days=10)
    assert competition.status == Phase.ANNOUNCED
    refused("not_open_yet", apply, competition, organisation, head)


def test_suspended_competition_refuses_and_resumes(
    competition: Any, official: Any, organisation: Any, head: Any
) -> None:
    refused("reason_required", services.competition_suspend, competition=competition, actor=official, reason="")
    competition = services.competition_suspend(competition=competition, actor=official, reason="Зміни в бюджеті")
    assert competition.status == Phase.SUSPENDED and competition.suspended_from == Phase.APPLICATIONS
    error = refused("suspended", apply, competition, organisation, head)
    assert "Зміни в бюджеті" in error.message
    now = timezone.now()
    # Dates do not move a suspended competition.
    assert services.competition_sync_phase(competition=competition).status == Phase.SUSPENDED
    competition = services.competition_resume(
        competition=competition,
        actor=official,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=5),
    )
    assert competition.status == Phase.APPLICATIONS
    apply(competition, organisation, head)


def test_young_organisation_is_not_eligible(competition: Any, community: Any, head: Any, official: Any) -> None:
    org = register(community, head, registered_on=timezone.localdate() - timedelta(days=100), edrpou="14360570")
    org = services.organisation_confirm(organisation=org, actor=official)
    refused("registered_too_recently", apply, competition, org, head)


def test_member_of_a_pending_organisation_cannot_apply(competition: Any, community: Any, head: Any) -> None:
    org = register(community, head, edrpou="14360570", registered_on=date(2015, 1, 1))
    refused("not_confirmed", apply, competition, org, head)


@pytest.fixture
def in_review(competition: Any, organisation: Any, head: Any, community: Any, official: Any) -> Any:
    first = apply(competition, organisation, head)
    other_head = make_verified_resident(community, email="other@example.org")
    other = services.organisation_confirm(
        organisation=register(community, other_head, name="БО «Світанок»", edrpou="14360570"), actor=official
    )
    second = apply(competition, other, other_head, own=5_000_00, requested=45_000_00)
    competition = close_applications(competition)
    return competition, first, second


def _values(competition: Any, a: int, b: int) -> dict[int, int]:
    first, second = competition.criteria.all()
    return {first.pk: a, second.pk: b}


def test_conflict_of_interest_excludes_scoring(in_review: Any, commission: Any, official: Any) -> None:
    competition, first, _second = in_review
    services.application_set_eligibility(application=first, actor=official, eligible=True)
    member = commission[1]
    services.scores_submit(application=first, member_user=member, values=_values(competition, 7, 8))
    services.conflict_declare(application=first, member_user=member, note="Я член правління цієї ГО")
    assert not Score.objects.filter(application=first, member__user=member).exists()  # removed
    refused(
        "conflict_of_interest",
        services.scores_submit,
        application=first,
        member_user=member,
        values=_values(competition, 7, 8),
    )
    assert AuditEntry.objects.filter(action="competition.conflict_declared").exists()


def test_outsider_and_out_of_range_scores(in_review: Any, official: Any) -> None:
    competition, first, _second = in_review
    services.application_set_eligibility(application=first, actor=official, eligible=True)
    refused(
        "not_commission",
        services.scores_submit,
        application=first,
        member_user=make_user(),
        values=_values(competition, 1, 1),
    )
    refused(
        "score_out_of_range",
        services.scores_submit,
        application=first,
        member_user=official,
        values=_values(competition, 11, 1),
    )
    refused("all_criteria", services.scores_submit, application=first, member_user=official, values={})


def test_scoring_is_refused_outside_review(competition: Any, organisation: Any, head: Any, official: Any) -> None:
    application = apply(competition, organisation, head)
    refused(
        "wrong_phase",
        services.scores_submit,
        application=application,
        member_user=official,
        values=_values(competition, 1, 1),
    )


def test_results_published_with_money_line(in_review: Any, commission: Any, official: Any) -> None:
    competition, first, second = in_review
    refused("unchecked", services.results_publish, competition=competition, actor=official)
    services.application_set_eligibility(application=first, actor=official, eligible=True)
    services.application_set_eligibility(application=second, actor=official, eligible=True)
    refused("unscored", services.results_publish, competition=competition, actor=official)
    for member, (a, b) in zip(commission, [(9, 9), (8, 7), (3, 2)], strict=True):
        services.scores_submit(application=first, member_user=member, values=_values(competition, a, b))
    for member in commission:
        services.scores_submit(application=second, member_user=member, values=_values(competition, 10, 10))
    competition = services.results_publish(competition=competition, actor=official)
    assert competition.status == Phase.RESULTS
    first.refresh_from_db()
    second.refresh_from_db()
    # second: 20 for all; first: mean of 18, 15, 5 = 12.667. Budget 100 000: 45 000 + 50 000 fit.
    assert (second.rank, second.status) == (1, ApplicationStatus.WINNER)
    assert (first.rank, first.final_score, first.status) == (2, Decimal("12.667"), ApplicationStatus.WINNER)
    table = selectors.score_table(first)
    assert sorted(total for _m, _s, total in table) == [5, 15, 18]


def test_ineligible_needs_reason_and_is_not_ranked(in_review: Any, commission: Any, official: Any) -> None:
    competition, first, second = in_review
    refused("reason_required", services.application_set_eligibility, application=first, actor=official, eligible=False)
    services.application_set_eligibility(application=first, actor=official, eligible=False, reason="Немає статуту")
    services.application_set_eligibility(application=second, actor=official, eligible=True)
    services.scores_submit(application=second, member_user=official, values=_values(competition, 5, 5))
    refused(
        "not_eligible_application",
        services.scores_submit,
        application=first,
        member_user=official,
        values=_values(competition, 5, 5),
    )
    services.results_publish(competition=competition, actor=official)
    first.refresh_from_db()
    assert first.rank is None and first.status == ApplicationStatus.INELIGIBLE


def test_reports_filed_returned_and_accepted(in_review: Any, official: Any, head: Any) -> None:
    competition, first, second = in_review
    services.application_set_eligibility(application=first, actor=official, eligible=True)
    services.application_set_eligibility(application=second, actor=official, eligible=False, reason="Борги")
    services.scores_submit(application=first, member_user=official, values=_values(competition, 5, 5))
    services.results_publish(competition=competition, actor=official)
    line = first.lines.first()
    refused(
        "bad_spending",
        services.report_submit,
        application=first,
        actor=head,
        kind="interim",
        text="Зроблено",
        spending=[(999999, 1)],
    )
    report = services.report_submit(
        application=first, actor=head, kind="interim", text="Зроблено", spending=[(line.pk, 3000_00)]
    )
    refused(
        "already_reported",
        services.report_submit,
        application=first,
        actor=head,
        kind="interim",
        text="Знову",
        spending=[],
    )
    refused("reason_required", services.report_decide, report=report, actor=official, accept=False)
    report = services.report_decide(report=report, actor=official, accept=False, note="Додайте фото")
    assert report.status == ReportStatus.RETURNED
    report = services.report_submit(
        application=first, actor=head, kind="interim", text="Додали", spending=[(line.pk, 3000_00)]
    )
    report = services.report_decide(report=report, actor=official, accept=True)
    assert report.status == ReportStatus.ACCEPTED
    refused("not_winner", services.report_submit, application=second, actor=head, kind="final", text="x", spending=[])
