"""Filing an appeal (art. 5 of the law): who, where, how to answer; registration and routing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.accounts.models import User
from uchast.appeals.actions import AppealAction
from uchast.appeals.models import (
    SUBJECT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Appeal,
    CoSigner,
    Department,
    Kind,
    Priority,
    PriorityCheck,
    RegisterCounter,
    Status,
    Topic,
)
from uchast.appeals.services.common import calendar, check_files, handlers, outside_calendar, store_files, tell, today
from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.files import atomic_with_files
from uchast.core.models import Community
from uchast.eligibility.appealterms import terms_for
from uchast.eligibility.calendar import OutsideCalendarError
from uchast.verification.selectors import require_eligible

KIND_LETTERS = {Kind.PROPOSAL: "П", Kind.APPLICATION: "З", Kind.COMPLAINT: "С"}
MAX_COSIGNERS = 50


@dataclass
class AppealDraft:
    """What the person writes. Validated as a whole by :func:`clean_draft` before anything is stored."""

    kind: str
    subject: str
    text: str
    full_name: str
    residence: str
    contact: str
    topic: str = Topic.OTHER
    displaced: bool = False
    current_address: str = ""
    publish: bool = False
    priority: str = ""
    cosigner_emails: list[str] = field(default_factory=list)


def _one_line(value: str) -> str:
    return " ".join((value or "").split())


def clean_draft(draft: AppealDraft) -> AppealDraft:
    """The draft with whitespace normalised, or a refusal naming the first thing missing."""
    d = AppealDraft(
        kind=draft.kind,
        subject=_one_line(draft.subject),
        text=(draft.text or "").strip(),
        full_name=_one_line(draft.full_name),
        residence=_one_line(draft.residence),
        contact=_one_line(draft.contact),
        topic=draft.topic if draft.topic in Topic.values else Topic.OTHER,
        displaced=bool(draft.displaced),
        current_address=_one_line(draft.current_address),
        publish=bool(draft.publish),
        priority=draft.priority or "",
        cosigner_emails=[e.strip().lower() for e in draft.cosigner_emails if e and e.strip()],
    )
    if d.kind not in Kind.values:
        raise ActionRefused("kind_required", _("Choose the kind of appeal: proposal, application or complaint."))
    if len(d.full_name.split()) < 2:
        raise ActionRefused(
            "name_required",
            _("Give your full name (surname and first name): the law does not accept anonymous appeals."),
        )
    if not d.residence:
        raise ActionRefused("residence_required", _("Give your place of residence."))
    if d.displaced and not d.current_address:
        raise ActionRefused(
            "current_address_required", _("You are displaced: give also the address where you live now.")
        )
    if not d.contact:
        raise ActionRefused("contact_required", _("Give an e-mail or another contact for the answer."))
    if not d.subject or len(d.subject) > SUBJECT_MAX_LENGTH:
        raise ActionRefused(
            "subject_required", _("Give a subject of at most %(limit)d characters.") % {"limit": SUBJECT_MAX_LENGTH}
        )
    if len(d.text) < 20 or len(d.text) > TEXT_MAX_LENGTH:
        raise ActionRefused(
            "text_length",
            _("Describe the matter in %(low)d to %(high)d characters.") % {"low": 20, "high": TEXT_MAX_LENGTH},
        )
    if d.priority and d.priority not in Priority.values:
        raise ActionRefused("bad_priority", _("Choose a priority category from the list."))
    if len(d.cosigner_emails) > MAX_COSIGNERS:
        raise ActionRefused("too_many_cosigners", _("At most %(limit)d co-signers.") % {"limit": MAX_COSIGNERS})
    return d


def register_number(community: Community, kind: str) -> str:
    """The next number in the council's register format (``UCHAST_APPEALS_REGISTER_FORMAT``).
    Call inside a transaction: the year's counter row is locked until it commits."""
    day = today()
    RegisterCounter.objects.get_or_create(community=community, year=day.year)
    counter = RegisterCounter.objects.select_for_update().get(community=community, year=day.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return str(settings.UCHAST_APPEALS_REGISTER_FORMAT).format(
        kind=KIND_LETTERS.get(Kind(kind), "З"),
        seq=counter.last,
        year=day.year,
        yy=f"{day.year % 100:02d}",
        month=f"{day.month:02d}",
        day=f"{day.day:02d}",
    )


def route_by_topic(community: Community, topic: str) -> Department | None:
    """The department whose rules name ``topic``; None leaves the appeal with the registry."""
    for department in Department.objects.filter(community=community, is_registry=False).order_by("pk"):
        if topic in (department.topics or []):
            return department
    return None


def _earlier_answer(author: Any, community: Community, topic: str, subject: str) -> Appeal | None:
    """An answered appeal of the same person on the same matter (same topic and subject): art. 8
    lets the body leave a repeated appeal unanswered, so staff must see it is one."""
    # Compared in Python: SQLite's case-insensitive match folds ASCII only, and subjects are Ukrainian.
    wanted = subject.casefold()
    answered = Appeal.objects.filter(community=community, author=author, topic=topic, status=Status.ANSWERED)
    for earlier in answered.order_by("-answered_at", "-pk").only("pk", "subject")[:200]:
        if earlier.subject.casefold() == wanted:
            return earlier
    return None


def _cosigners(emails: list[str], author: Any) -> list[Any]:
    users = []
    for email in dict.fromkeys(emails):
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ActionRefused(
                "cosigner_unknown",
                _("No account uses %(email)s: each co-signer confirms with their own account.") % {"email": email},
            )
        if user.pk != author.pk:
            users.append(user)
    return users


def appeal_file(
    *, author: Any, community: Community, draft: AppealDraft, files: list[Any] | None = None, repeated_of: Any = None
) -> Appeal:
    """Register an appeal: number, date, department by topic, terms from the calendar. Everything is
    checked before anything is written; a refusal changes nothing."""
    if not getattr(author, "is_authenticated", False):
        raise ActionRefused("anonymous", _("Anonymous appeals are not accepted: sign in to file an appeal."))
    d = clean_draft(draft)
    require_eligible(author, community, AppealAction.FILE)
    checked = check_files(list(files or []))
    cosigners = _cosigners(d.cosigner_emails, author)
    received = today()
    try:
        terms = terms_for(calendar(community), received, study_needed=False)
    except OutsideCalendarError as error:
        raise outside_calendar(error) from None
    if repeated_of is not None and (repeated_of.author_id != author.pk or repeated_of.status != Status.ANSWERED):
        repeated_of = None
    with atomic_with_files():
        appeal = Appeal.objects.create(
            community=community,
            author=author,
            kind=d.kind,
            topic=d.topic,
            subject=d.subject,
            text=d.text,
            full_name=d.full_name,
            residence=d.residence,
            displaced=d.displaced,
            current_address=d.current_address,
            contact=d.contact,
            publish=d.publish,
            priority=d.priority,
            priority_check=PriorityCheck.CLAIMED if d.priority else PriorityCheck.NONE,
            repeated_of=repeated_of or _earlier_answer(author, community, d.topic, d.subject),
            reg_number=register_number(community, d.kind),
            received_on=received,
            department=route_by_topic(community, d.topic),
            due_date=terms.answer_due,
            forward_due=terms.forward_due,
            ceiling_date=terms.ceiling,
        )
        store_files(appeal, checked, by=author)
        for user in cosigners:
            CoSigner.objects.create(appeal=appeal, user=user)
        audit.record(action="appeal.filed", obj=appeal, community=community)
        tell(appeal, [author], "registered")
        tell(appeal, cosigners, "cosign")
        tell(appeal, handlers(appeal), "assigned")
    return appeal


def cosigner_confirm(*, appeal: Appeal, user: Any) -> CoSigner:
    """The invited person joins the collective appeal with their own account (until it is answered)."""
    with transaction.atomic():
        row = CoSigner.objects.select_for_update().filter(appeal=appeal, user=user).first()
        if row is None or row.withdrawn_at is not None:  # a withdrawal is final
            raise ActionRefused("not_invited", _("You are not asked to co-sign this appeal."))
        if appeal.status == Status.ANSWERED:
            raise ActionRefused("closed", _("This appeal is already answered."), status=409)
        row.confirmed_at = timezone.now()
        row.save(update_fields=["confirmed_at"])
        audit.record(action="appeal.cosigned", obj=appeal, community=appeal.community)
    return row


def cosigner_withdraw(*, appeal: Appeal, user: Any) -> CoSigner:
    """A co-signer withdraws before the answer: no longer a party, no longer sees a private appeal."""
    with transaction.atomic():
        row = CoSigner.objects.select_for_update().filter(appeal=appeal, user=user).first()
        if row is None or not row.active:
            raise ActionRefused("not_cosigner", _("You have not co-signed this appeal."))
        if appeal.status == Status.ANSWERED:
            raise ActionRefused("closed", _("This appeal is already answered."), status=409)
        row.withdrawn_at = timezone.now()
        row.save(update_fields=["withdrawn_at"])
        audit.record(action="appeal.cosign_withdrawn", obj=appeal, community=appeal.community)
    return row


def appeal_complain(*, appeal: Appeal, user: Any, text: str) -> Appeal:
    """A complaint about the answer (art. 16): a new appeal of kind complaint, to the next level
    (the department's parent, else the registry), with the person's details carried over."""
    if appeal.author_id != getattr(user, "pk", None):
        raise ActionRefused("not_author", _("Only the person who filed the appeal can complain about its answer."))
    if appeal.status != Status.ANSWERED:
        raise ActionRefused("not_answered", _("You can complain about an answer once there is one."))
    draft = AppealDraft(
        kind=Kind.COMPLAINT,
        subject=_("Complaint about the answer to %(number)s") % {"number": appeal.reg_number},
        text=text,
        full_name=appeal.full_name,
        residence=appeal.residence,
        contact=appeal.contact,
        topic=appeal.topic,
        displaced=appeal.displaced,
        current_address=appeal.current_address,
        publish=appeal.publish,
        priority=appeal.priority,
    )
    with transaction.atomic():
        complaint = appeal_file(author=user, community=appeal.community, draft=draft)
        parent = appeal.department.parent if appeal.department else None
        Appeal.objects.filter(pk=complaint.pk).update(complaint_about=appeal, department=parent, repeated_of=None)
        audit.record(action="appeal.complained", obj=appeal, community=appeal.community)
    complaint.refresh_from_db()
    return complaint
