"""``uchast demo --scale``: a sliver of a scale builds data the services' invariants hold on (counters,
the participation register, valid ballots, person keys, an intact audit chain), on SQLite and on
PostgreSQL (this module runs in both suites)."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from uchast.accounts.models import User
from uchast.budget.models import Ballot, BallotStatus, BudgetCycle, Phase, Project
from uchast.budget.sealing import open_choices, server_private_key
from uchast.budget.services.voting import validate_selection
from uchast.consultations.models import Consultation, Proposal, ProposalSupport, StatementVote
from uchast.core.audit import verify_chain
from uchast.core.models import AuditEntry
from uchast.petitions.models import Petition, PetitionStatus, Signature
from uchast.verification.models import Participation, Verification, VerificationStatus

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _choices(cycle: BudgetCycle, ballot: Ballot) -> list[int]:
    """A generated ballot is sealed like a cast one; the generated cycles keep a server key."""
    assert ballot.sealed and not ballot.choices.exists()
    return open_choices(server_private_key(cycle.pk), ballot.sealed)


def _budget_consistent(cycle: BudgetCycle) -> None:
    ballots = Ballot.objects.filter(cycle=cycle).prefetch_related("choices")
    register = Counter(
        Participation.objects.filter(process=f"budget.vote:{cycle.pk}").values_list("channel", flat=True)
    )
    if cycle.results_published_at is None:
        counted = Counter("paper" if b.is_paper else "online" for b in ballots if b.status == BallotStatus.COUNTED)
        assert register == counted and sum(counted.values()) > 0  # one register row per counted ballot
        assert all(b.voter_token for b in ballots if not b.is_paper)
        assert len({b.person_token for b in ballots}) == len(ballots)  # one ballot per person
    else:
        assert not register  # forgotten on publication, as cycle_publish does
        assert not ballots.exclude(voter_token=None).exists() and not ballots.exclude(person_token="").exists()
        votes = Counter(pk for b in ballots for pk in _choices(cycle, b))
        assert {p.pk: p.votes for p in cycle.projects.all()} == {p.pk: votes[p.pk] for p in cycle.projects.all()}
    if cycle.status == Phase.VOTING:
        for ballot in ballots:  # every ballot obeys its categories' rules, as a cast would check
            validate_selection(cycle, _choices(cycle, ballot), memoised=False)


def test_a_sliver_of_scale_is_consistent(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo", scale=1, scale_fraction=0.03)
    assert "Built in" in capsys.readouterr().out

    generated = User.objects.filter(email__endswith="@scale.demo.uchast.org")
    assert generated.count() == 45
    verified = Verification.objects.filter(user__in=generated, status=VerificationStatus.ACTIVE)
    assert verified.count() > 30 and not verified.filter(person_key="").exists()

    scale_cycles = BudgetCycle.objects.filter(title__contains="районні проєкти")
    assert {c.status for c in scale_cycles} == {Phase.IMPLEMENTATION, Phase.VOTING}
    assert Project.objects.filter(cycle__in=scale_cycles).count() >= 12
    for cycle in scale_cycles:
        _budget_consistent(cycle)
    # One entry per paper ballot: the demo's, entered one by one, and the generated ones.
    paper = Ballot.objects.filter(is_paper=True).count()
    assert AuditEntry.objects.filter(action="budget.paper_ballot_entered").count() == paper
    assert AuditEntry.objects.filter(action="verification.granted").count() >= verified.count()

    for petition in Petition.objects.annotate(rows=Count("signatures")):
        assert petition.signature_count == petition.rows
        if petition.status == PetitionStatus.COLLECTING:
            assert Participation.objects.filter(process=f"petition.sign:{petition.pk}").count() == petition.rows
    top = Petition.objects.filter(author__email__endswith="@scale.demo.uchast.org").order_by("pk").first()
    assert top is not None and top.status == PetitionStatus.CONSIDERATION  # reached the threshold for real
    assert AuditEntry.objects.filter(action="petition.threshold_reached", object_id=str(top.pk)).exists()
    assert Signature.objects.filter(petition=top).count() == top.threshold

    for consultation in Consultation.objects.all():
        assert consultation.vote_count == StatementVote.objects.filter(consultation=consultation).count()
    for proposal in Proposal.objects.annotate(rows=Count("supports")):
        assert proposal.support_count == proposal.rows
    assert ProposalSupport.objects.exists()

    report = verify_chain()
    assert report.ok, report.reason


def test_scale_refuses_nonsense() -> None:
    with pytest.raises(CommandError):
        call_command("demo", scale=1, scale_fraction=0)
    with pytest.raises(CommandError):
        call_command("demo", scale=-1)
