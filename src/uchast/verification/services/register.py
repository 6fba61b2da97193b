"""The participation register: one voice per person in every process that decides.

A module that lets people decide (budget ballots and supports, petition signatures, binding survey
answers) writes its row and calls :func:`participation_record` **in the same transaction**:

    with transaction.atomic():
        signature = Signature.objects.create(...)
        participation_record(user=signer, community=community, action=PetitionAction.SIGN,
                             process_id=petition.pk)

The register row is inserted under a savepoint; its primary key (process, person key) is the guard.
A second row for the same person — a parallel request, another account of the same person, the
same person back after deleting their account — hits it, and the IntegrityError becomes
``ActionRefused("already_participated")``; the caller lets it propagate, so its own writes roll
back with it. A person without a person key is refused (``no_person_key``) before anything is
written. Withdrawing (a signature, a support) releases the row (:func:`participation_release`);
when a process ends its rows are deleted (:func:`participation_forget`), which is how long the
register keeps anything (the privacy page says so).

The budget's ballots need more than yes or no (an online and a paper ballot of one person are
both kept, one flagged): they use :func:`participation_claim` and :func:`participation_switch`,
and at the voting peak the same insert inside the guarded ballot statement
(``budget.castpath.statement``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.core.errors import ActionRefused
from uchast.core.models import Community
from uchast.verification.models import Channel, Participation
from uchast.verification.selectors import person_key_of, process_key


def no_person_key() -> ActionRefused:
    return ActionRefused(
        "no_person_key",
        _(
            "To vote, sign or support, your confirmation must include your РНОКПП (or, if you have none, your "
            "passport or birth-certificate number). Add it on the confirmation page."
        ),
        status=403,
    )


def already_participated() -> ActionRefused:
    return ActionRefused(
        "already_participated",
        _(
            "You have already taken part in this, perhaps from another account or before deleting an account. "
            "One person has one voice."
        ),
        status=409,
    )


def require_person_key(user: Any, community: Community) -> str:
    """The user's person key in ``community``, or the ``no_person_key`` refusal."""
    key = person_key_of(user, community)
    if not key:
        raise no_person_key()
    return key


def participation_claim(*, process: str, person_key: str, channel: str = Channel.ONLINE) -> str | None:
    """Insert the register row (in the caller's transaction, under a savepoint). None when it was
    inserted; otherwise the channel of the row already there (the person took part already), with
    that row locked until the caller's transaction ends."""
    try:
        with transaction.atomic():
            Participation.objects.create(
                process=process, person_key=person_key, channel=channel, recorded_on=timezone.localdate()
            )
    except IntegrityError:
        # Locked, so that decisions taken on the existing row (the budget's duplicate rule) are
        # serialised per person.
        existing = (
            Participation.objects.select_for_update()
            .filter(process=process, person_key=person_key)
            .values_list("channel", flat=True)
        )
        # A row that conflicted and is gone again was released meanwhile: the caller's row stands
        # for the person; try once more.
        return existing.first() or participation_claim(process=process, person_key=person_key, channel=channel)
    return None


def participation_record(
    *, user: Any, community: Community, action: str, process_id: int | str, channel: str = Channel.ONLINE
) -> str:
    """Record that ``user`` (as their person key) takes part in the process, inside the caller's
    transaction; refuse ``no_person_key`` or ``already_participated``. Returns the person key."""
    key = require_person_key(user, community)
    if participation_claim(process=process_key(action, process_id), person_key=key, channel=channel) is not None:
        raise already_participated()
    return key


def participation_switch(*, process: str, person_key: str, channel: str) -> None:
    """The counted voice of the person moved to ``channel`` (the budget's duplicate rule)."""
    Participation.objects.filter(process=process, person_key=person_key).update(channel=channel)


def participation_release(*, user: Any, community: Community, action: str, process_id: int | str) -> bool:
    """Withdrawal (a signature, a support): the person's voice is free again. True when a row went."""
    key = person_key_of(user, community)
    if not key:
        return False
    deleted, _rows = Participation.objects.filter(process=process_key(action, process_id), person_key=key).delete()
    return bool(deleted)


def participation_forget(*, action: str, process_ids: Iterable[int | str]) -> int:
    """The processes ended (nobody can take part any more): their register rows are deleted."""
    processes = [process_key(action, process_id) for process_id in process_ids]
    deleted, _rows = Participation.objects.filter(process__in=processes).delete()
    return deleted


def participation_record_many(*, process: str, people: Iterable[tuple[str, str]], batch_size: int = 5000) -> int:
    """Bulk loads (``uchast demo --scale``): register rows for many (person key, channel) pairs of
    one process, in the caller's transaction. The primary key still guards: a person given twice
    raises IntegrityError and the caller's transaction rolls back. Returns how many rows went in."""
    today = timezone.localdate()
    rows = [
        Participation(process=process, person_key=key, channel=channel, recorded_on=today) for key, channel in people
    ]
    Participation.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
