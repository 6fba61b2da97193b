"""One voice per person in a budget cycle: the participation register is the gate, whichever
account, method or channel the person uses (issue 12, items 1-2)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from uchast.budget import services
from uchast.budget.models import Ballot, BallotStatus, BudgetCycle, DuplicateRule, Phase
from uchast.core.errors import ActionRefused
from uchast.testing.factories import make_user, make_verified_resident, sign_in_reauthenticated
from uchast.verification import services as verification
from uchast.verification.demo import demo_rnokpp
from uchast.verification.identity import person_key_for
from uchast.verification.models import OidcProvider, Participation
from uchast.verification.oidc import _grant_from_claims

from .conftest import projects_by_title

pytestmark = pytest.mark.django_db

BIRTH = date(1990, 5, 17)
NUMBER = demo_rnokpp(BIRTH, 77)


def _counted(cycle: BudgetCycle) -> int:
    return Ballot.objects.filter(cycle=cycle, status=BallotStatus.COUNTED).count()


# --- One person verified by two methods on two accounts ---------------------------------------


def _by_census(community: Any, official: Any, user: Any) -> None:
    verification.census_import(
        community=community,
        actor=official,
        data=f"number,kind,birth_date,basis\n{NUMBER},rnokpp,{BIRTH},census\n".encode(),
    )
    verification.census_claim(user=user, community=community, kind="rnokpp", number=NUMBER, birth_date=BIRTH)


def _by_document(community: Any, official: Any, user: Any) -> None:
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    scan = BytesIO()
    Image.new("RGB", (40, 30), (200, 200, 200)).save(scan, format="PNG")
    submission = verification.document_submit(
        user=user,
        community=community,
        document_kind="idp_certificate",
        number_kind="idp_certificate",
        number=f"0312-2024-{user.pk:05d}",
        birth_date=BIRTH,
        district=None,
        upload=SimpleUploadedFile("d.png", scan.getvalue(), content_type="image/png"),
        person_kind="rnokpp",
        person_number=NUMBER,
    )
    verification.document_approve(submission=submission, actor=official)


def _by_oidc(community: Any, official: Any, user: Any) -> None:
    provider, _created = OidcProvider.objects.get_or_create(
        community=community,
        slug="bank",
        defaults={
            "name": "Bank",
            "issuer": "https://id.example.org",
            "client_id": "uchast",
            "client_secret_env": "UCHAST_TEST_SECRET",
            "claims_map": {"document_number": "drfo"},
            "identity_kind": "rnokpp",
        },
    )
    _grant_from_claims(
        user=user, community=community, provider=provider, claims={"drfo": NUMBER, "birthdate": BIRTH.isoformat()}
    )


def _by_code(community: Any, official: Any, user: Any) -> None:
    _batch, codes = verification.code_batch_create(
        community=community, actor=official, label="hub", size=1, expires_on=timezone.localdate() + timedelta(days=3)
    )
    verification.code_redeem(
        user=user,
        community=community,
        code=codes[0],
        birth_date=BIRTH,
        person_kind="rnokpp",
        person_number=" ".join(NUMBER),
    )


METHODS = {"census": _by_census, "document": _by_document, "oidc": _by_oidc, "code": _by_code}


@pytest.mark.parametrize(
    ("first", "second"), [*itertools.combinations(METHODS, 2), ("code", "code"), ("document", "document")]
)
def test_two_accounts_of_one_person_by_any_two_methods_have_one_voice(
    voting_cycle: BudgetCycle, community: Any, official: Any, first: str, second: str
) -> None:
    p = projects_by_title(voting_cycle)
    one, two = make_user(email="one@example.org"), make_user(email="two@example.org")
    METHODS[first](community, official, one)
    services.ballot_cast(cycle=voting_cycle, user=one, project_ids=[p["A1"].pk])
    try:
        METHODS[second](community, official, two)
    except ActionRefused as refused:  # the same identity number again: refused at verification already
        assert refused.code == "identity_in_use"
    else:
        with pytest.raises(ActionRefused) as refused_vote:
            services.ballot_cast(cycle=voting_cycle, user=two, project_ids=[p["A2"].pk])
        assert refused_vote.value.code == "already_participated"
        assert refused_vote.value.status == 409
    assert _counted(voting_cycle) == Ballot.objects.filter(cycle=voting_cycle).count() == 1
    assert list(Participation.objects.values_list("person_key", flat=True)) == [person_key_for("rnokpp", NUMBER)]


def test_without_a_person_key_nobody_votes(voting_cycle: BudgetCycle, community: Any) -> None:
    p = projects_by_title(voting_cycle)
    voter = make_verified_resident(community, email="nokey@example.org", person_key="")
    with pytest.raises(ActionRefused) as refused:
        services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["A1"].pk])
    assert refused.value.code == "no_person_key" and refused.value.status == 403
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_the_same_account_replaces_its_ballot(voting_cycle: BudgetCycle, community: Any) -> None:
    p = projects_by_title(voting_cycle)
    voter = make_verified_resident(community, email="again@example.org")
    first = services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["A1"].pk])
    second = services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["A2"].pk])
    assert second.replaced and second.ballot.pk == first.ballot.pk and Participation.objects.count() == 1


# --- Online and paper: the cycle's duplicate rule ----------------------------------------------


def _paper(cycle: BudgetCycle, official: Any, position: int, number: str, project: Any) -> Ballot:
    batch = cycle.paper_batches.first() or services.paper_batch_create(
        cycle=cycle, actor=official, number="P", place="ЦНАП"
    )
    return services.paper_ballot_enter(
        batch=batch,
        actor=official,
        position=position,
        identity_kind="rnokpp",
        identity_number=number,
        project_ids=[project.pk],
    )


@pytest.mark.parametrize(
    ("rule", "online_first", "counted"),
    [
        (DuplicateRule.FIRST, True, "online"),
        (DuplicateRule.FIRST, False, "paper"),
        (DuplicateRule.PAPER, True, "paper"),
        (DuplicateRule.PAPER, False, "paper"),
        (DuplicateRule.ONLINE, True, "online"),
        (DuplicateRule.ONLINE, False, "online"),
    ],
)
def test_online_and_paper_of_one_person_the_rule_says_which_counts(
    voting_cycle: BudgetCycle, community: Any, official: Any, rule: str, online_first: bool, counted: str
) -> None:
    BudgetCycle.objects.filter(pk=voting_cycle.pk).update(duplicate_rule=rule)
    voting_cycle.refresh_from_db()
    p = projects_by_title(voting_cycle)
    voter = make_verified_resident(community, email="both@example.org", person_key=person_key_for("rnokpp", NUMBER))
    steps = [
        lambda: services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["A1"].pk]),
        lambda: _paper(voting_cycle, official, 1, NUMBER, p["A2"]),
    ]
    for step in steps if online_first else reversed(steps):
        step()
    ballots = {("paper" if b.is_paper else "online"): b.status for b in Ballot.objects.filter(cycle=voting_cycle)}
    assert ballots == {
        counted: BallotStatus.COUNTED,
        ("online" if counted == "paper" else "paper"): BallotStatus.FLAGGED,  # kept for the commission
    }
    assert Participation.objects.get().channel == counted
    # A third ballot of the same person (paper again) is flagged whatever the rule.
    assert _paper(voting_cycle, official, 2, NUMBER, p["A3"]).status == BallotStatus.FLAGGED
    assert _counted(voting_cycle) == 1


def test_paper_needs_a_person_number(voting_cycle: BudgetCycle, official: Any) -> None:
    p = projects_by_title(voting_cycle)
    batch = services.paper_batch_create(cycle=voting_cycle, actor=official, number="P", place="ЦНАП")
    with pytest.raises(ActionRefused) as refused:
        services.paper_ballot_enter(
            batch=batch,
            actor=official,
            position=1,
            identity_kind="idp_certificate",
            identity_number="0312-2024-00417",
            project_ids=[p["A1"].pk],
        )
    assert refused.value.code == "identity_number"
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_links_are_erased_at_close_and_the_register_at_publication(
    voting_cycle: BudgetCycle, community: Any, official: Any, administrator: Any
) -> None:
    p = projects_by_title(voting_cycle)
    voter = make_verified_resident(community, email="v@example.org")
    services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p["A1"].pk])
    first = _paper(voting_cycle, official, 1, NUMBER, p["A2"])
    services.paper_check_enter(batch=first.batch, actor=administrator, position=1, project_ids=[p["A2"].pk])
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)
    # Paper entry closed with voting, so no link is needed any more: both tokens are gone.
    assert not Ballot.objects.filter(voter_token__isnull=False).exists()
    assert not Ballot.objects.exclude(person_token="").exists()
    with pytest.raises(ActionRefused) as refused:
        _paper(voting_cycle, official, 2, NUMBER, p["A3"])
    assert refused.value.code == "phase_closed"
    assert Participation.objects.count() == 2  # "took part", until publication
    services.cycle_count(cycle=voting_cycle)
    services.cycle_publish(cycle=voting_cycle, actor=administrator)
    assert not Participation.objects.exists()


# --- Deletion and return; supports; petitions ---------------------------------------------------


def _support_cycle(community: Any, administrator: Any, author: Any) -> Any:
    from .conftest import dates_around, make_category, submitted_project

    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="Підтримки",
        year=2026,
        dates=dates_around(timezone.now(), "submission"),
        support_threshold=5,
    )
    services.cycle_advance(cycle=cycle)
    return submitted_project(cycle, author, make_category(cycle, administrator), "Сквер", 50_000)


def _petition(community: Any, author: Any, moderator: Any) -> Any:
    from uchast.petitions import services as petitions

    community.statute = {**(community.statute or {}), "petition_threshold": 100, "petition_collection_days": 30}
    community.save()
    petition = petitions.petition_create(
        author=author,
        community=community,
        title="Відкрити пункт видачі гуманітарної допомоги",
        text="Просимо відкрити постійний пункт видачі допомоги з графіком роботи у вихідні дні.",
    )
    petition = petitions.petition_submit(petition=petition, actor=author)
    return petitions.petition_publish(petition=petition, actor=moderator)


def test_deletion_and_return_cannot_vote_sign_or_support_again(
    client: Any,
    voting_cycle: BudgetCycle,
    community: Any,
    official: Any,
    administrator: Any,
    moderator: Any,
    author: Any,
) -> None:
    """The attack of issue 12: vote, sign, support, delete the account, sign up again, claim the same
    census entry — nothing more is counted."""
    from django.urls import reverse

    from uchast.petitions import services as petitions
    from uchast.petitions.models import Petition

    p = projects_by_title(voting_cycle)
    project = _support_cycle(community, administrator, author)
    petition = _petition(community, author, moderator)
    first = make_user(email="first@example.org")
    _by_census(community, official, first)
    services.ballot_cast(cycle=voting_cycle, user=first, project_ids=[p["A1"].pk])
    petitions.signature_create(petition=petition, signer=first)
    services.project_support(project=project, user=first)
    sign_in_reauthenticated(client, first)  # account deletion asks for the password again
    assert client.post(reverse("accounts:delete"), {"confirm": "ВИДАЛИТИ"}).status_code == 302
    first.refresh_from_db()
    assert first.anonymised_at is not None and not first.is_active

    back = make_user(email="back@example.org")
    verification.census_claim(user=back, community=community, kind="rnokpp", number=NUMBER, birth_date=BIRTH)
    for attempt in (
        lambda: services.ballot_cast(cycle=voting_cycle, user=back, project_ids=[p["A2"].pk]),
        lambda: petitions.signature_create(petition=petition, signer=back),
        lambda: services.project_support(project=project, user=back),
    ):
        with pytest.raises(ActionRefused) as refused:
            attempt()
        assert refused.value.code == "already_participated"
    assert _counted(voting_cycle) == 1
    assert Petition.objects.get(pk=petition.pk).signature_count == 1
    project.refresh_from_db()
    # Collection is undecided: deleting the account took its support off the count (as before), and
    # the register still holds the person's row, so the voice is not given a second time.
    assert project.supports == 0


def test_supports_one_per_person_and_withdrawal_frees_the_voice(
    community: Any, administrator: Any, author: Any
) -> None:
    project = _support_cycle(community, administrator, author)
    key = person_key_for("rnokpp", NUMBER)
    one = make_verified_resident(community, email="s1@example.org", person_key=key)
    two = make_verified_resident(community, email="s2@example.org", person_key=key)
    services.project_support(project=project, user=one)
    with pytest.raises(ActionRefused) as refused:
        services.project_support(project=project, user=two)
    assert refused.value.code == "already_participated"
    services.project_support_withdraw(project=project, user=one)
    assert services.project_support(project=project, user=two).supports == 1
    # The author's own second account is the author.
    alias = make_verified_resident(
        community, email="alias@example.org", person_key=person_key_for("rnokpp", "3206513580")
    )
    author_key = person_key_for("rnokpp", "3206513580")
    verification.verification_grant(
        user=author, community=community, method="test", basis="idp", person_key=author_key, birth_date=BIRTH
    )
    with pytest.raises(ActionRefused) as own:
        services.project_support(project=project, user=alias)
    assert own.value.code == "own_project"


def test_petition_signatures_one_per_person(community: Any, author: Any, moderator: Any) -> None:
    from uchast.petitions import services as petitions

    petition = _petition(community, author, moderator)
    key = person_key_for("rnokpp", NUMBER)
    one = make_verified_resident(community, email="p1@example.org", person_key=key, birth_date=BIRTH)
    two = make_verified_resident(community, email="p2@example.org", person_key=key, birth_date=BIRTH)
    petitions.signature_create(petition=petition, signer=one)
    with pytest.raises(ActionRefused) as same:
        petitions.signature_create(petition=petition, signer=one)
    assert same.value.code == "already_signed"
    with pytest.raises(ActionRefused) as other:
        petitions.signature_create(petition=petition, signer=two)
    assert other.value.code == "already_participated"
    petitions.signature_withdraw(petition=petition, signer=one)
    petition, _signature = petitions.signature_create(petition=petition, signer=two)
    assert petition.signature_count == 1
    nokey = make_verified_resident(community, email="p3@example.org", person_key="", birth_date=BIRTH)
    with pytest.raises(ActionRefused) as refused:
        petitions.signature_create(petition=petition, signer=nokey)
    assert refused.value.code == "no_person_key"
