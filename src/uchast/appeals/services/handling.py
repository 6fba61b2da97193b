"""Handling an appeal by the council: routing, priority, forwarding, extension, answer, rating."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.accounts.predicates import is_official
from uchast.appeals.models import ANSWER_MAX_LENGTH, Appeal, Department, PriorityCheck, Status
from uchast.appeals.services.common import (
    calendar,
    check_files,
    handlers,
    lock,
    outside_calendar,
    require_open,
    store_files,
    tell,
    today,
)
from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.files import atomic_with_files
from uchast.eligibility.appealterms import ExtensionRefused, answer_due, validate_extension
from uchast.eligibility.calendar import OutsideCalendarError


def require_handler(appeal: Appeal, actor: Any) -> None:
    """Only an official of the department handling the appeal (the registry's while unrouted) acts on it."""
    if not (is_official(actor) and actor in handlers(appeal)):
        raise ActionRefused(
            "not_handler", _("Only an official of the department handling this appeal can do this."), status=403
        )


def appeal_route(*, appeal: Appeal, actor: Any, department: Department, study_needed: bool) -> Appeal:
    """Route by hand to ``department`` and set whether the matter needs study (15 days → one month).
    The term never shrinks below one already told to the person, and an extension is kept."""
    if department.community_id != appeal.community_id:
        raise ActionRefused("bad_department", _("Choose a department of this council."))
    with transaction.atomic():
        locked = lock(appeal)
        require_open(locked)
        require_handler(locked, actor)
        locked.department = department
        locked.status = Status.IN_WORK
        if not locked.extension_reasons:
            locked.study_needed = study_needed
            try:
                due = answer_due(calendar(locked.community), locked.received_on, study_needed=study_needed)
            except OutsideCalendarError as error:
                raise outside_calendar(error) from None
            locked.due_date = max(due, locked.due_date) if not study_needed else due
        locked.save(update_fields=["department", "status", "study_needed", "due_date"])
        audit.record(
            action="appeal.routed",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"department": department.name, "study_needed": study_needed, "due": locked.due_date},
        )
        tell(locked, handlers(locked), "assigned")
    return locked


def appeal_check_priority(*, appeal: Appeal, actor: Any, confirmed: bool) -> Appeal:
    """Staff check the claimed priority category (documents seen in the register of veterans etc.)."""
    with transaction.atomic():
        locked = lock(appeal)
        require_open(locked)
        require_handler(locked, actor)
        if not locked.priority:
            raise ActionRefused("no_priority", _("The person did not claim a priority category."))
        locked.priority_check = PriorityCheck.CONFIRMED if confirmed else PriorityCheck.NOT_CONFIRMED
        locked.save(update_fields=["priority_check"])
        audit.record(
            action="appeal.priority_checked",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"confirmed": confirmed},
        )
    return locked


def appeal_forward(*, appeal: Appeal, actor: Any, body: str, on: date | None = None) -> Appeal:
    """Pass the appeal on to the competent body (art. 7): within five days of receipt, with notice."""
    body = " ".join((body or "").split())
    if len(body) < 3:
        raise ActionRefused("body_required", _("Name the body the appeal is passed on to."))
    day = on or today()
    with transaction.atomic():
        locked = lock(appeal)
        require_open(locked)
        require_handler(locked, actor)
        if day > locked.forward_due:
            raise ActionRefused(
                "forward_too_late",
                _("The five days to pass this appeal on ended on %(day)s; answer it yourselves.")
                % {"day": locked.forward_due.strftime("%d.%m.%Y")},
            )
        locked.status, locked.forwarded_to, locked.forwarded_on = Status.FORWARDED, body[:300], day
        locked.save(update_fields=["status", "forwarded_to", "forwarded_on"])
        audit.record(action="appeal.forwarded", actor=actor, obj=locked, community=locked.community)
        tell(locked, [locked.author], "forwarded")
    return locked


EXTENSION_MESSAGES = {
    "reasons_required": _("Give the reasons for the extension (at least 20 characters): the person is told them."),
    "not_later": _("The new term must be later than the current one."),
}


def appeal_extend(*, appeal: Appeal, actor: Any, new_due: date, reasons: str) -> Appeal:
    """Extend the term with reasons, at most to 45 days in total (art. 20), and tell the person."""
    with transaction.atomic():
        locked = lock(appeal)
        require_open(locked)
        require_handler(locked, actor)
        try:
            due = validate_extension(
                calendar(locked.community),
                received=locked.received_on,
                current_due=locked.due_date,
                new_due=new_due,
                reasons=reasons,
            )
        except ExtensionRefused as refused:
            if refused.code == "over_45_days" and refused.ceiling:
                message = _("The law allows at most 45 days in total: the latest day is %(day)s.") % {
                    "day": refused.ceiling.strftime("%d.%m.%Y")
                }
            else:
                message = str(EXTENSION_MESSAGES[refused.code])
            raise ActionRefused(refused.code, message) from None
        except OutsideCalendarError as error:
            raise outside_calendar(error) from None
        locked.due_date, locked.extension_reasons = due, " ".join(reasons.split())
        locked.reminder_sent_on = None
        locked.save(update_fields=["due_date", "extension_reasons", "reminder_sent_on"])
        audit.record(
            action="appeal.extended", actor=actor, obj=locked, community=locked.community, summary={"due": due}
        )
        tell(locked, [locked.author], "extended")
    return locked


def appeal_answer(*, appeal: Appeal, actor: Any, text: str, files: list[Any] | None = None) -> Appeal:
    """The answer, signed off by an official of the handling department; closes the case."""
    text = (text or "").strip()
    if len(text) < 20 or len(text) > ANSWER_MAX_LENGTH:
        raise ActionRefused(
            "answer_length",
            _("Write an answer of %(low)d to %(high)d characters.") % {"low": 20, "high": ANSWER_MAX_LENGTH},
        )
    checked = check_files(list(files or []))
    with atomic_with_files():
        locked = lock(appeal)
        require_open(locked)
        require_handler(locked, actor)
        now = timezone.now()
        locked.status, locked.answer_text, locked.answered_at, locked.answered_by = Status.ANSWERED, text, now, actor
        locked.answered_on_time = timezone.localdate(now) <= locked.due_date
        locked.save(update_fields=["status", "answer_text", "answered_at", "answered_by", "answered_on_time"])
        store_files(locked, checked, by=actor, of_answer=True)
        audit.record(action="appeal.answered", actor=actor, obj=locked, community=locked.community)
        parties = [locked.author, *[c.user for c in locked.cosigners.select_related("user") if c.active]]
        tell(locked, parties, "answered")
    return locked


def appeal_rate(*, appeal: Appeal, user: Any, rating: int) -> Appeal:
    """The person rates the answer, 1 to 5 (may change their mind)."""
    if appeal.author_id != getattr(user, "pk", None):
        raise ActionRefused("not_author", _("Only the person who filed the appeal can rate its answer."))
    if appeal.status != Status.ANSWERED:
        raise ActionRefused("not_answered", _("You can rate an answer once there is one."))
    if rating not in range(1, 6):
        raise ActionRefused("bad_rating", _("Rate from 1 to 5."))
    with transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(rating=rating)
        audit.record(action="appeal.rated", obj=appeal, community=appeal.community)
    appeal.rating = rating
    return appeal
