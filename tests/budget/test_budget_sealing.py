"""Sealed ballots (issue 12, items 3 and 5): the commission key and its shares, the server key, the
count that opens the ballots, the refusals of bad shares, and the count closed before publication."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from uchast.budget import services
from uchast.budget.models import (
    Ballot,
    BallotChoice,
    BallotStatus,
    BudgetCycle,
    CategoryResult,
    Custody,
    Phase,
    Project,
)
from uchast.budget.sealing import open_choices, server_private_key
from uchast.core.errors import ActionRefused
from uchast.core.models import AuditEntry
from uchast.sharing import Share, format_share, parse_share
from uchast.testing.factories import make_verified_resident

from .conftest import COMMISSION, admitted_cycle, open_voting, opened, projects_by_title

pytestmark = pytest.mark.django_db


def _vote(cycle: BudgetCycle, community: Any, count: int = 3) -> list[str]:
    p = projects_by_title(cycle)
    receipts = []
    for i in range(count):
        voter = make_verified_resident(community, email=f"s{i}@example.org")
        chosen = [p["A1"].pk, p["B3"].pk] if i % 2 else [p["A2"].pk]
        receipts.append(services.ballot_cast(cycle=cycle, user=voter, project_ids=chosen).ballot.receipt_code)
    return receipts


def _state(cycle: BudgetCycle) -> tuple[Any, ...]:
    """What a refused count must leave as it was."""
    return (
        CategoryResult.objects.filter(category__cycle=cycle).count(),
        AuditEntry.objects.filter(action="budget.counted").count(),
        sorted(Project.objects.filter(cycle=cycle).values_list("pk", "votes", "status")),
        sorted((str(b.pk), bytes(b.sealed or b""), b.status) for b in Ballot.objects.filter(cycle=cycle)),
    )


def _refused(code: str, cycle: BudgetCycle, shares: list[str]) -> str:
    before = _state(cycle)
    with pytest.raises(ActionRefused) as refusal:
        services.cycle_count(cycle=BudgetCycle.objects.get(pk=cycle.pk), shares=shares)
    assert refusal.value.code == code, refusal.value.message
    assert _state(cycle) == before
    return refusal.value.message


def _closed(cycle: BudgetCycle, administrator: Any) -> BudgetCycle:
    services.cycle_set_phase(cycle=cycle, phase=Phase.RESULTS, actor=administrator)
    return BudgetCycle.objects.get(pk=cycle.pk)


def test_server_key_ballots_are_sealed_and_counted(
    voting_cycle: BudgetCycle, community: Any, administrator: Any
) -> None:
    assert voting_cycle.custody == Custody.SERVER
    # Entering voting recorded the public key the server key gives.
    assert voting_cycle.seal_public_key == bytes(server_private_key(voting_cycle.pk).public_key).hex()
    _vote(voting_cycle, community)
    assert not BallotChoice.objects.exists()
    assert len({bytes(b.sealed) for b in Ballot.objects.all()}) == 3  # an ephemeral key per ballot
    cycle = _closed(voting_cycle, administrator)
    with override_settings(BUDGET_SEAL_KEY="another-" + "k" * 40):
        _refused("server_key_changed", cycle, [])
    services.cycle_count(cycle=cycle)
    p = projects_by_title(cycle)
    assert (p["A1"].votes, p["A2"].votes, p["B3"].votes) == (1, 2, 1)


def test_commission_key_shares_are_shown_once_and_never_stored(
    community: Any, administrator: Any, official: Any, author: Any
) -> None:
    cycle = admitted_cycle(community, administrator, official, author)
    staff = Client()
    staff.force_login(administrator)
    url = reverse("budget:cycle_key", args=[cycle.pk])
    refused = staff.post(url, {"k-members": "Олена\nОлена\nІгор", "k-threshold": 2})
    assert refused.status_code == 400 and refused.context["key_form"].non_field_errors()
    response = staff.post(url, {"k-members": "\n".join(COMMISSION), "k-threshold": 3})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    texts = [s.text for s in response.context["key"].shares]
    page = response.content.decode()
    assert len(texts) == 5 and all(t in page for t in texts) and all(m in page for m in COMMISSION)
    cycle.refresh_from_db()
    assert (cycle.custody, cycle.seal_threshold, cycle.seal_members) == (Custody.COMMISSION, 3, COMMISSION)
    # Nowhere on the server: not in any row, the audit log included; the manage page never shows them.
    from .test_budget_adversary import _rows

    values = [v for rows in _rows().values() for row in rows for v in row]
    compact = {t.replace(" ", "") for t in texts} | {t.split("-")[3] for t in texts}
    assert not [v for v in values if any(t in v.replace(" ", "") for t in compact)]
    assert not any(t in staff.get(reverse("budget:manage", args=[cycle.pk])).content.decode() for t in texts)
    # Once voting opens the key is fixed.
    open_voting(cycle)
    with pytest.raises(ActionRefused) as refusal:
        services.cycle_commission_key(cycle=cycle, actor=administrator, threshold=2, members=COMMISSION[:3])
    assert refusal.value.code == "seal_fixed"


@pytest.mark.parametrize(
    ("threshold", "members", "code"),
    [(1, COMMISSION, "bad_threshold"), (6, COMMISSION, "bad_threshold"), (2, ["А", "Б", "А"], "members_repeated")],
)
def test_commission_key_refusals(
    community: Any, administrator: Any, official: Any, author: Any, threshold: int, members: list[str], code: str
) -> None:
    cycle = admitted_cycle(community, administrator, official, author)
    with pytest.raises(ActionRefused) as refusal:
        services.cycle_commission_key(cycle=cycle, actor=administrator, threshold=threshold, members=members)
    assert refusal.value.code == code
    cycle.refresh_from_db()
    assert cycle.custody == Custody.SERVER and not cycle.seal_public_key


def test_bad_shares_are_refused_and_change_nothing(
    commission_cycle: tuple[BudgetCycle, list[str]],
    community: Any,
    administrator: Any,
    official: Any,
    author: Any,
) -> None:
    cycle, shares = commission_cycle
    _vote(cycle, community)
    # Without the shares, even with the server key and every setting, nothing opens a ballot.
    for ballot in Ballot.objects.all():
        with pytest.raises(ActionRefused):
            open_choices(server_private_key(cycle.pk), ballot.sealed)
    cycle = _closed(cycle, administrator)
    # A share of another cycle (a real one, with its own commission key).
    other = admitted_cycle(community, administrator, official, author)
    foreign = services.cycle_commission_key(cycle=other, actor=administrator, threshold=3, members=COMMISSION)
    with translation.override("en"):
        message = _refused("share_other_cycle", cycle, [shares[0], foreign.shares[1].text, shares[2]])
    assert f"no. {other.pk}" in message
    # A typo (one character of the value changed).
    text = shares[1]
    position = text.index("-", text.index("-", text.index("-") + 1) + 1) + 3
    typo = text[:position] + ("A" if text[position] != "A" else "B") + text[position + 1 :]
    _refused("share_mistyped", cycle, [shares[0], typo, shares[2]])
    _refused("share_malformed", cycle, [shares[0], "мій пароль", shares[2]])
    # A well-formed share with a correct check that is not one of this cycle's (e.g. of a key made
    # before this one): its digest is not the cycle's.
    _scope, genuine = parse_share(shares[1])
    forged = format_share(cycle.pk, Share(index=genuine.index, value=genuine.value + 1, threshold=3))
    _refused("share_wrong", cycle, [shares[0], forged, shares[2]])
    _refused("share_repeated", cycle, [shares[0], shares[0], shares[2]])
    _refused("share_repeated", cycle, [shares[3], shares[3].lower().replace(" ", ""), shares[1]])
    _refused("too_few_shares", cycle, [shares[0], shares[4]])
    _refused("too_few_shares", cycle, [])
    # Any three open it.
    services.cycle_count(cycle=cycle, shares=[shares[3], "", shares[1], shares[4]])
    assert CategoryResult.objects.filter(category__cycle=cycle).count() == 2


def test_share_refusals_are_explained_in_ukrainian_and_english(
    commission_cycle: tuple[BudgetCycle, list[str]], administrator: Any
) -> None:
    cycle = _closed(commission_cycle[0], administrator)
    shares = commission_cycle[1]
    for language, words in (("en", "entered twice"), ("uk", "двічі")):
        with translation.override(language):
            assert words in _refused("share_repeated", cycle, [shares[0], shares[0], shares[1]])
    for language, words in (("en", "shares are needed"), ("uk", "потрібно")):
        with translation.override(language):
            assert words in _refused("too_few_shares", cycle, [shares[0]])


def test_members_enter_shares_on_the_manage_page(
    commission_cycle: tuple[BudgetCycle, list[str]], community: Any, administrator: Any
) -> None:
    cycle, shares = commission_cycle
    _vote(cycle, community)
    cycle = _closed(cycle, administrator)
    staff = Client()
    staff.force_login(administrator)
    page = staff.get(reverse("budget:manage", args=[cycle.pk]))
    assert "u-share_3" in page.content.decode() and "u-share_4" not in page.content.decode()
    url = reverse("budget:cycle_count", args=[cycle.pk])
    refused = staff.post(url, {"u-share_1": shares[0], "u-share_2": shares[0], "u-share_3": shares[2]})
    assert refused.status_code == 400 and refused["Cache-Control"] == "no-store"
    assert refused.context["unseal_form"].non_field_errors()
    assert not CategoryResult.objects.exists()
    done = staff.post(url, {"u-share_1": shares[4], "u-share_2": shares[2], "u-share_3": shares[1]})
    assert done.status_code == 302
    assert CategoryResult.objects.filter(category__cycle=cycle).count() == 2


def test_unseal_command_reads_shares_from_a_file_or_stdin(
    commission_cycle: tuple[BudgetCycle, list[str]], community: Any, administrator: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    cycle, shares = commission_cycle
    _vote(cycle, community)
    cycle = _closed(cycle, administrator)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{shares[0]}\n\n{shares[1]}\n"))
    with pytest.raises(CommandError, match="too_few_shares"):
        call_command("budget", "unseal", str(cycle.pk))
    with pytest.raises(CommandError, match="no budget cycle"):
        call_command("budget", "unseal", "999999")
    assert not CategoryResult.objects.exists()
    path = tmp_path / "shares.txt"
    path.write_text("\n".join([shares[2], shares[0], shares[3]]) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("budget", "unseal", str(cycle.pk), "--shares", str(path), stdout=out)
    assert "sha256" in out.getvalue() and CategoryResult.objects.filter(category__cycle=cycle).count() == 2


def test_replacement_before_close_keeps_working_on_a_commission_key(
    commission_cycle: tuple[BudgetCycle, list[str]], community: Any, administrator: Any
) -> None:
    cycle, shares = commission_cycle
    p = projects_by_title(cycle)
    voter = make_verified_resident(community, email="again@example.org")
    first = services.ballot_cast(cycle=cycle, user=voter, project_ids=[p["A1"].pk])
    second = services.ballot_cast(
        cycle=cycle, user=voter, project_ids=[p["A3"].pk], expected_receipt=first.ballot.receipt_code
    )
    assert second.replaced and Ballot.objects.count() == 1
    cycle = _closed(cycle, administrator)
    services.cycle_count(cycle=cycle, shares=shares[:3])
    p = projects_by_title(cycle)
    assert (p["A1"].votes, p["A3"].votes) == (0, 1)


# --- Item 5: the count is closed before it is published ---------------------------------------


def test_paper_entry_closes_with_voting(voting_cycle: BudgetCycle, official: Any, administrator: Any) -> None:
    p = projects_by_title(voting_cycle)
    batch = services.paper_batch_create(cycle=voting_cycle, actor=official, number="1", place="ЦНАП")
    services.paper_ballot_enter(
        batch=batch,
        actor=official,
        position=1,
        identity_kind="id_card",
        identity_number="111222333",
        project_ids=[p["A1"].pk],
    )
    assert opened(Ballot.objects.get()) == {p["A1"].pk}
    _closed(voting_cycle, administrator)
    batch.refresh_from_db()
    with pytest.raises(ActionRefused) as refusal:
        services.paper_batch_create(cycle=batch.cycle, actor=official, number="2", place="ЦНАП")
    assert refusal.value.code == "phase_closed"
    with pytest.raises(ActionRefused) as refusal:
        services.paper_ballot_enter(
            batch=batch,
            actor=official,
            position=2,
            identity_kind="id_card",
            identity_number="444555666",
            project_ids=[p["A1"].pk],
        )
    assert refusal.value.code == "phase_closed"
    assert Ballot.objects.count() == 1
    # The second entry goes on until the count, then closes too.
    services.paper_check_enter(batch=batch, actor=administrator, position=1, project_ids=[p["A1"].pk])
    services.cycle_count(cycle=batch.cycle)
    with pytest.raises(ActionRefused) as refusal:
        services.paper_check_enter(batch=batch, actor=administrator, position=2, project_ids=[p["A1"].pk])
    assert refusal.value.code == "check_closed"


def test_publication_refuses_a_file_that_is_not_the_count(
    voting_cycle: BudgetCycle, community: Any, administrator: Any
) -> None:
    receipts = _vote(voting_cycle, community)
    cycle = _closed(voting_cycle, administrator)
    services.cycle_count(cycle=cycle)
    result = CategoryResult.objects.filter(category__cycle=cycle).order_by("pk").first()
    assert result is not None
    honest = result.pabulib
    # A file changed after the count (its stored checksum no longer matches the audit log).
    CategoryResult.objects.filter(pk=result.pk).update(pabulib=honest.replace("VOTES", "VOTES\n", 1))
    with pytest.raises(ActionRefused) as refusal:
        services.cycle_publish(cycle=cycle, actor=administrator)
    assert refusal.value.code == "file_changed"
    CategoryResult.objects.filter(pk=result.pk).update(pabulib=honest)
    # A counted ballot that is not in the files (39 in the file, 40 counted).
    ballot = Ballot.objects.get(receipt_code=receipts[0])
    Ballot.objects.filter(pk=ballot.pk).update(status=BallotStatus.REJECTED)
    with pytest.raises(ActionRefused) as refusal:
        services.cycle_publish(cycle=cycle, actor=administrator)
    assert refusal.value.code == "count_outdated"
    assert BudgetCycle.objects.get(pk=cycle.pk).results_published_at is None
    Ballot.objects.filter(pk=ballot.pk).update(status=BallotStatus.COUNTED)
    services.cycle_publish(cycle=cycle, actor=administrator)
    counted = AuditEntry.objects.filter(action="budget.counted").order_by("-sequence").first()
    assert counted is not None and counted.summary["sha256"][result.category.name] == result.sha256
    assert counted.summary["ballots"] == 3
    page = Client().get(reverse("budget:results", args=[cycle.pk])).content.decode()
    assert result.sha256 in page and "sha256sum" in page


def test_opening_many_ballots_in_threads_keeps_their_order_and_refuses_a_foreign_one() -> None:
    """A count opens ballots in parts, one thread per core: the result is in the ballots' order,
    and one ballot the key cannot open refuses the whole count by its code."""
    from nacl.public import PrivateKey, SealedBox

    from uchast.budget.sealing import _plaintext, open_many

    key = PrivateKey.generate()
    box = SealedBox(key.public_key)
    choices = [[n % 97, 100 + n % 13] for n in range(2500)]  # more than one part of 1,000
    sealed = [bytes(box.encrypt(_plaintext(ids))) for ids in choices]
    assert open_many(key, sealed) == [sorted(ids) for ids in choices]
    foreign = bytes(SealedBox(PrivateKey.generate().public_key).encrypt(_plaintext([1])))
    with pytest.raises(ActionRefused) as refused:
        open_many(key, [*sealed[:1500], foreign, *sealed[1500:]])
    assert refused.value.code == "unreadable_ballot"
