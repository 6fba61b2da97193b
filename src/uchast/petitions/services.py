"""Writes of petition state: a state machine, one transaction per transition.

Every transition locks the petition row (``select_for_update``), checks the current status, stores
the deadlines it starts, records an audit entry and, where someone must be told, queues e-mail that
is sent only after commit. Refusals raise ``ActionRefused`` with a message for the person and change
nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from uchast.accounts.predicates import is_administrator, is_official
from uchast.core import audit
from uchast.core.calendar import calendar_for
from uchast.core.errors import ActionRefused
from uchast.core.files import atomic_with_files, attachment_add
from uchast.core.models import Community
from uchast.core.notifications import announce_process_opened, followers
from uchast.organisations.selectors import require_acting_as
from uchast.petitions.actions import PetitionAction
from uchast.petitions.models import (
    ANSWER_MAX_LENGTH,
    OPEN_STATUSES,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AnswerOutcome,
    Petition,
    PetitionStatus,
    RefusalReason,
    Signature,
    SignatureDisplay,
)
from uchast.petitions.notifications import notify_about
from uchast.petitions.statute import PetitionStatute
from uchast.verification.selectors import require_eligible
from uchast.verification.services import participation_forget, participation_record, participation_release


def _today() -> date:
    return timezone.localdate()


def _lock(petition: Petition) -> Petition:
    return Petition.objects.select_for_update().select_related("community").get(pk=petition.pk)


def _require_status(petition: Petition, *allowed: str) -> None:
    if petition.status not in allowed:
        raise ActionRefused(
            "wrong_status",
            _("This cannot be done now: the petition is %(status)s.") % {"status": petition.get_status_display()},
        )


def _record_and_tell(
    petition: Petition,
    *,
    action: str,
    actor: Any,
    summary: dict[str, Any] | None = None,
    recipients: list[Any],
    topic: str | None,
    subject: str,
    template: str,
) -> None:
    """A transition that someone must hear of: the audit entry, then the e-mail (sent after commit).
    Call inside the transition's transaction."""
    audit.record(action=action, actor=actor, obj=petition, community=petition.community, summary=summary)
    notify_about(petition, recipients=recipients, topic=topic, subject=subject, template=template)


def _clean_texts(title: str, text: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    text = (text or "").strip()
    if not title:
        raise ActionRefused("title_required", _("Give the petition a title."))
    if len(title) > TITLE_MAX_LENGTH:
        raise ActionRefused(
            "title_too_long",
            _("The title is too long: at most %(limit)d characters.") % {"limit": TITLE_MAX_LENGTH},
        )
    if len(text) < 30:
        raise ActionRefused("text_too_short", _("Describe the problem and your demand in at least 30 characters."))
    if len(text) > TEXT_MAX_LENGTH:
        raise ActionRefused(
            "text_too_long",
            _("The text is too long: at most %(limit)d characters.") % {"limit": TEXT_MAX_LENGTH},
        )
    return title, text


def petition_create(
    *, author: Any, community: Community, title: str, text: str, on_behalf_of: int | None = None
) -> Petition:
    """A draft only the author (and staff) can see. Refused if the author may not petition, or may
    not act for the organisation ``on_behalf_of`` (its id; None: personally)."""
    title, text = _clean_texts(title, text)
    statute = PetitionStatute.from_community(community)
    require_eligible(author, community, PetitionAction.CREATE, conditions=statute.create_conditions)
    with transaction.atomic():
        organisation = require_acting_as(author, community, on_behalf_of)
        petition = Petition.objects.create(
            community=community, author=author, title=title, text=text, on_behalf_of=organisation
        )
        audit.record(
            action="petition.created",
            actor=author,
            obj=petition,
            community=community,
            summary={"on_behalf_of": organisation.pk} if organisation else None,
        )
    return petition


def petition_update(*, petition: Petition, actor: Any, title: str, text: str) -> Petition:
    title, text = _clean_texts(title, text)
    with transaction.atomic():
        locked = _lock(petition)
        _require_status(locked, PetitionStatus.DRAFT)
        if locked.author_id != actor.pk:
            raise ActionRefused("not_author", _("Only the author can change a draft."))
        locked.title, locked.text = title, text
        locked.save(update_fields=["title", "text"])
    return locked


def petition_submit(*, petition: Petition, actor: Any) -> Petition:
    """Draft → moderation; the moderation deadline is ``petition_moderation_working_days`` working days."""
    with transaction.atomic():
        locked = _lock(petition)
        _require_status(locked, PetitionStatus.DRAFT)
        if locked.author_id != actor.pk:
            raise ActionRefused("not_author", _("Only the author can submit a petition."))
        community = locked.community
        statute = PetitionStatute.from_community(community)
        require_eligible(actor, community, PetitionAction.CREATE, conditions=statute.create_conditions)
        open_count = Petition.objects.filter(community=community, author=actor, status__in=OPEN_STATUSES).count()
        if open_count >= statute.max_open_per_author:
            raise ActionRefused(
                "too_many_open",
                _(
                    "You already have %(count)d petitions in moderation or collecting signatures; "
                    "the statute allows %(limit)d at a time."
                )
                % {"count": open_count, "limit": statute.max_open_per_author},
            )
        today = _today()
        locked.status = PetitionStatus.MODERATION
        locked.submitted_at = timezone.now()
        locked.moderation_due = calendar_for(community).add_working_days(today, statute.moderation_working_days)
        locked.save(update_fields=["status", "submitted_at", "moderation_due"])
        audit.record(
            action="petition.submitted",
            actor=actor,
            obj=locked,
            community=community,
            summary={"moderation_due": locked.moderation_due},
        )
    return locked


def petition_publish(*, petition: Petition, actor: Any) -> Petition:
    """Moderation → collecting; the collection period (calendar days) and the threshold are frozen now."""
    with transaction.atomic():
        locked = _lock(petition)
        _require_status(locked, PetitionStatus.MODERATION)
        community = locked.community
        statute = PetitionStatute.from_community(community)
        locked.status = PetitionStatus.COLLECTING
        locked.published_at = timezone.now()
        locked.moderated_by = actor
        locked.threshold = statute.threshold
        locked.collection_deadline = calendar_for(community).deadline_after_days(_today(), statute.collection_days)
        locked.save(update_fields=["status", "published_at", "moderated_by", "threshold", "collection_deadline"])
        _record_and_tell(
            locked,
            action="petition.published",
            actor=actor,
            summary={"threshold": locked.threshold, "collection_deadline": locked.collection_deadline},
            recipients=[locked.author],
            topic=None,
            subject=gettext_noop("Your petition is published: %(title)s"),
            template="petitions/email/published.txt",
        )
        announce_process_opened(kind=gettext_lazy("Petition"), title=locked.title, url=locked.get_absolute_url())
    return locked


def petition_refuse(*, petition: Petition, actor: Any, reason: str, text: str) -> Petition:
    """Moderation → refused, with a legal ground from the list and an explanation (required)."""
    if reason not in RefusalReason.values:
        raise ActionRefused("bad_reason", _("Choose a ground for refusal from the list."))
    text = (text or "").strip()
    if not text:
        raise ActionRefused("reason_required", _("Explain the refusal to the author."))
    if len(text) > 2000:
        raise ActionRefused(
            "text_too_long", _("The explanation is too long: at most %(limit)d characters.") % {"limit": 2000}
        )
    with transaction.atomic():
        locked = _lock(petition)
        _require_status(locked, PetitionStatus.MODERATION)
        locked.status = PetitionStatus.REFUSED
        locked.moderated_by = actor
        locked.refusal_reason = reason
        locked.refusal_text = text
        locked.save(update_fields=["status", "moderated_by", "refusal_reason", "refusal_text"])
        _record_and_tell(
            locked,
            action="petition.refused",
            actor=actor,
            summary={"reason": reason},
            recipients=[locked.author],
            topic=None,
            subject=gettext_noop("Your petition was not published: %(title)s"),
            template="petitions/email/refused.txt",
        )
    return locked


def _start_consideration(petition: Petition, *, as_appeal: bool) -> None:
    """Collecting → consideration, saved; the caller holds the row lock."""
    community = petition.community
    statute = PetitionStatute.from_community(community)
    calendar = calendar_for(community)
    today = _today()
    petition.status = PetitionStatus.CONSIDERATION
    petition.consideration_started_at = timezone.now()
    petition.answered_as_appeal = as_appeal
    if as_appeal:
        petition.answer_due = calendar.deadline_after_days(today, statute.appeal_answer_days)
    else:
        petition.answer_due = calendar.add_working_days(today, statute.answer_working_days)
    petition.save(update_fields=["status", "consideration_started_at", "answered_as_appeal", "answer_due"])
    # Signature collection is over: the participation register forgets who signed (the signatures,
    # which are public, stay).
    participation_forget(action=PetitionAction.SIGN, process_ids=[petition.pk])


def signature_create(
    *, petition: Petition, signer: Any, display: str = SignatureDisplay.NAME
) -> tuple[Petition, Signature]:
    """Sign once per person. The count rises by an ``F()`` update in the same transaction as the row
    and the participation register's row: the unique constraint refuses a second signature of the
    account (``already_signed``), the register one of the same person from another account or after
    deleting an account (``already_participated``), even from parallel requests; a signer without a
    person key is refused (``no_person_key``). Reaching the threshold ends collection and starts
    consideration (``petition_answer_working_days`` working days to answer)."""
    with transaction.atomic():
        locked = _lock(petition)
        community = locked.community
        _require_status(locked, PetitionStatus.COLLECTING)
        if locked.collection_deadline and _today() > locked.collection_deadline:
            raise ActionRefused("collection_over", _("Signature collection for this petition has ended."))
        statute = PetitionStatute.from_community(community)
        require_eligible(signer, community, PetitionAction.SIGN, conditions=statute.sign_conditions)
        if display not in SignatureDisplay.values:
            display = SignatureDisplay.NAME
        if display == SignatureDisplay.INITIALS and not statute.signatory_initials_allowed:
            display = SignatureDisplay.NAME
        try:
            with transaction.atomic():
                signature = Signature.objects.create(petition=locked, signer=signer, display=display)
        except IntegrityError:
            raise ActionRefused("already_signed", _("You have already signed this petition.")) from None
        participation_record(user=signer, community=community, action=PetitionAction.SIGN, process_id=locked.pk)
        Petition.objects.filter(pk=locked.pk).update(signature_count=F("signature_count") + 1)
        locked.refresh_from_db(fields=["signature_count"])
        if locked.signature_count >= locked.threshold > 0:
            _start_consideration(locked, as_appeal=False)
            _record_and_tell(
                locked,
                action="petition.threshold_reached",
                actor=None,
                summary={"signatures": locked.signature_count, "answer_due": locked.answer_due},
                recipients=[locked.author],
                topic="answers",
                subject=gettext_noop("Your petition has enough signatures: %(title)s"),
                template="petitions/email/threshold.txt",
            )
    return locked, signature


def signature_withdraw(*, petition: Petition, signer: Any) -> Petition:
    """Withdraw one's signature while the petition is still collecting."""
    with transaction.atomic():
        locked = _lock(petition)
        _require_status(locked, PetitionStatus.COLLECTING)
        deleted, _rows = Signature.objects.filter(petition=locked, signer=signer).delete()
        if not deleted:
            raise ActionRefused("not_signed", _("You have not signed this petition."))
        participation_release(user=signer, community=locked.community, action=PetitionAction.SIGN, process_id=locked.pk)
        Petition.objects.filter(pk=locked.pk).update(signature_count=F("signature_count") - 1)
        locked.refresh_from_db(fields=["signature_count"])
    return locked


def petition_close_collection(*, petition: Petition, today: date | None = None) -> Petition | None:
    """Collecting past its deadline → consideration as an ordinary appeal (below the threshold).
    Returns None when there was nothing to do (another worker did it, or not yet due)."""
    today = today or _today()
    with transaction.atomic():
        locked = _lock(petition)
        if locked.status != PetitionStatus.COLLECTING or not locked.collection_deadline:
            return None
        if today <= locked.collection_deadline:
            return None
        _start_consideration(locked, as_appeal=True)
        _record_and_tell(
            locked,
            action="petition.collection_ended",
            actor=None,
            summary={
                "signatures": locked.signature_count,
                "threshold": locked.threshold,
                "answer_due": locked.answer_due,
            },
            recipients=[locked.author],
            topic="answers",
            subject=gettext_noop("Collection ended: your petition will be answered as an appeal: %(title)s"),
            template="petitions/email/collection_ended.txt",
        )
    return locked


def petition_assign(*, petition: Petition, actor: Any, official: Any) -> Petition:
    if not (is_official(official) or is_administrator(official)):
        raise ActionRefused("not_official", _("A petition can be assigned only to an official."))
    with transaction.atomic():
        locked = _lock(petition)
        _require_status(locked, PetitionStatus.CONSIDERATION)
        locked.assigned_to = official
        locked.save(update_fields=["assigned_to"])
        _record_and_tell(
            locked,
            action="petition.assigned",
            actor=actor,
            summary={"official": official.pk},
            recipients=[official],
            topic=None,
            subject=gettext_noop("A petition is assigned to you: %(title)s"),
            template="petitions/email/assigned.txt",
        )
    return locked


def petition_answer(
    *, petition: Petition, actor: Any, outcome: str, text: str, files: list[Any] | None = None
) -> Petition:
    """Consideration → answered, with the council's decision (files attached). Tells the author and
    every signatory (their "answers"/"followed" preferences apply)."""
    if outcome not in AnswerOutcome.values:
        raise ActionRefused("bad_outcome", _("Choose the decision: supported, partly supported or not supported."))
    text = (text or "").strip()
    if len(text) < 10:
        raise ActionRefused("answer_required", _("Write the answer of the council."))
    if len(text) > ANSWER_MAX_LENGTH:
        raise ActionRefused(
            "text_too_long", _("The answer is too long: at most %(limit)d characters.") % {"limit": ANSWER_MAX_LENGTH}
        )
    with atomic_with_files():
        locked = _lock(petition)
        _require_status(locked, PetitionStatus.CONSIDERATION)
        locked.status = PetitionStatus.ANSWERED
        locked.answer_outcome = outcome
        locked.answer_text = text
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        locked.save(update_fields=["status", "answer_outcome", "answer_text", "answered_at", "answered_by"])
        for upload in files or []:
            # A bad file raises ValidationError and rolls the whole answer back.
            attachment_add(
                target=locked, upload=upload, title="", uploaded_by=actor, kinds={"pdf", "document", "image"}
            )
        _record_and_tell(
            locked,
            action="petition.answered",
            actor=actor,
            summary={"outcome": outcome, "as_appeal": locked.answered_as_appeal, "files": len(files or [])},
            recipients=[locked.author],
            topic="answers",
            subject=gettext_noop("The council answered your petition: %(title)s"),
            template="petitions/email/answered.txt",
        )
        signers = [s.signer for s in Signature.objects.filter(petition=locked).select_related("signer")]
        signer_ids = {u.pk for u in signers}
        # Followers who did not sign hear of the answer too (same topic: "followed").
        watchers = [u for u in followers(locked) if u.pk not in signer_ids]
        notify_about(
            locked,
            recipients=[u for u in [*signers, *watchers] if u.pk != locked.author_id],
            topic="followed",
            subject=gettext_noop("The council answered a petition you signed: %(title)s"),
            template="petitions/email/answered.txt",
        )
    return locked


def petition_archive(*, petition: Petition, actor: Any = None) -> Petition:
    with transaction.atomic():
        locked = _lock(petition)
        _require_status(locked, PetitionStatus.ANSWERED, PetitionStatus.REFUSED)
        locked.status = PetitionStatus.ARCHIVED
        locked.archived_at = timezone.now()
        locked.save(update_fields=["status", "archived_at"])
        audit.record(action="petition.archived", actor=actor, obj=locked, community=locked.community)
    return locked


def petition_send_reminder(*, petition: Petition, today: date | None = None) -> bool:
    """Remind the assigned official (or, if none, every official) that the answer is due soon. Once."""
    from uchast.accounts.models import Role, User

    today = today or _today()
    with transaction.atomic():
        locked = _lock(petition)
        if locked.status != PetitionStatus.CONSIDERATION or locked.reminder_sent_at or not locked.answer_due:
            return False
        statute = PetitionStatute.from_community(locked.community)
        calendar = calendar_for(locked.community)
        if calendar.working_days_between(today, locked.answer_due) > statute.reminder_working_days:
            return False
        recipients = (
            [locked.assigned_to]
            if locked.assigned_to
            else list(User.objects.filter(groups__name=Role.OFFICIAL, is_active=True))
        )
        locked.reminder_sent_at = timezone.now()
        locked.save(update_fields=["reminder_sent_at"])
        _record_and_tell(
            locked,
            action="petition.reminder_sent",
            actor=None,
            recipients=recipients,
            topic=None,
            subject=gettext_noop("Answer due soon: %(title)s"),
            template="petitions/email/reminder.txt",
        )
    return True


def petitions_tick(*, today: date | None = None) -> dict[str, int]:
    """The periodic job: end collections past their deadline, send reminders, archive old answers."""
    today = today or _today()
    closed = reminded = archived = 0
    for petition in Petition.objects.filter(status=PetitionStatus.COLLECTING, collection_deadline__lt=today):
        if petition_close_collection(petition=petition, today=today) is not None:
            closed += 1
    for petition in Petition.objects.filter(
        status=PetitionStatus.CONSIDERATION, reminder_sent_at__isnull=True, answer_due__isnull=False
    ):
        if petition_send_reminder(petition=petition, today=today):
            reminded += 1
    for petition in Petition.objects.filter(status=PetitionStatus.ANSWERED).select_related("community"):
        statute = PetitionStatute.from_community(petition.community)
        if (
            petition.answered_at
            and timezone.localdate(petition.answered_at) + timedelta(days=statute.archive_days) <= today
        ):
            petition_archive(petition=petition)
            archived += 1
    return {"closed": closed, "reminded": reminded, "archived": archived}


def anonymise_user(user: Any) -> None:
    """Account deletion: drafts nobody else has seen are deleted; signatures stay (the public list
    then shows "Deleted user", which keeps the count honest), and so do the participation register's
    rows: the person cannot sign the same petition again from a new account."""
    Petition.objects.filter(author=user, status=PetitionStatus.DRAFT).delete()
