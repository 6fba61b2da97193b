"""Write use cases of consultations. Each is one transaction; refusals raise ``ActionRefused``
(translated message) and change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from uchast.consultations.drafts import ParsedSection, section_key
from uchast.consultations.models import (
    NEXT_PHASE,
    Answer,
    AnswerStatus,
    Audience,
    Consultation,
    ContributionReport,
    DraftVersion,
    Meeting,
    MeetingKind,
    MeetingRegistration,
    OpinionSnapshot,
    Phase,
    Proposal,
    ProposalKind,
    ProposalSupport,
    Question,
    QuestionKind,
    Section,
    Statement,
    StatementVote,
    Survey,
    SurveyResponse,
)
from uchast.consultations.predicates import is_latest_section
from uchast.core import audit
from uchast.core.comments import comment_create
from uchast.core.errors import ActionRefused
from uchast.core.files import attachment_add
from uchast.core.models import Attachment, Comment, Community, District
from uchast.core.notifications import notify

MAX_PROPOSAL_LENGTH = 3000
MAX_WORDING_LENGTH = 10000
MAX_STATEMENT_LENGTH = 280
MAX_TEXT_ANSWER_LENGTH = 2000
MAX_REASON_LENGTH = 300
#: Debounce of the opinion map: recompute after this many new votes, or when the stored map is
#: older than this many seconds and any vote arrived since. Never on every vote.
OPINION_RECOMPUTE_VOTES = 10
OPINION_RECOMPUTE_SECONDS = 60


def _refuse_unless(permitted: bool, message: str, code: str = "not_allowed") -> None:
    if not permitted:
        raise ActionRefused(code, message)


def _clean(text: str | None, *, limit: int, empty_message: str, field: str = "") -> str:
    value = (text or "").strip()
    if not value:
        raise ActionRefused("empty", empty_message)
    if len(value) > limit:
        raise ActionRefused(
            "too_long",
            _("The text is too long: at most %(limit)d characters, you wrote %(length)d.")
            % {"limit": limit, "length": len(value)},
        )
    return value


# --- Consultation and phases -------------------------------------------------------------------


def consultation_create(
    *,
    actor: Any,
    community: Community,
    title: str,
    summary: str,
    starts_at: datetime,
    ends_at: datetime,
    responsible_name: str,
    responsible_contacts: str,
    alternatives: str = "",
    affected_groups: str = "",
    consequences: str = "",
    how_to_take_part: str = "",
    audience: str = Audience.ANYONE,
    audience_district: District | None = None,
) -> Consultation:
    _refuse_unless(actor.has_perm("consultations.manage"), _("Only officials may prepare consultations."))
    if ends_at <= starts_at:
        raise ActionRefused("dates", _("The consultation must close after it opens."))
    if audience == Audience.DISTRICT and audience_district is None:
        raise ActionRefused("district", _("Choose the district whose residents may take part."))
    if audience_district is not None and audience_district.community_id != community.pk:
        raise ActionRefused("district", _("The district is not in this community."))
    with transaction.atomic():
        consultation = Consultation.objects.create(
            community=community,
            title=title.strip(),
            summary=summary.strip(),
            alternatives=alternatives.strip(),
            affected_groups=affected_groups.strip(),
            consequences=consequences.strip(),
            how_to_take_part=how_to_take_part.strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            responsible_name=responsible_name.strip(),
            responsible_contacts=responsible_contacts.strip(),
            audience=audience,
            audience_district=audience_district if audience == Audience.DISTRICT else None,
            created_by=actor,
        )
        OpinionSnapshot.objects.create(consultation=consultation)
        audit.record(
            action="consultations.created",
            actor=actor,
            obj=consultation,
            community=community,
            summary={"title": consultation.title},
        )
    return consultation


def consultation_advance(*, actor: Any, consultation: Consultation) -> Consultation:
    """Move to the next phase (announced → open → analysis). The report is published by
    ``report_publish``. Announcing needs a draft text."""
    _refuse_unless(actor.has_perm("consultations.manage"), _("Only officials may change the phase."))
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        target = NEXT_PHASE.get(Phase(locked.phase))
        if target is None or target == Phase.REPORTED:
            raise ActionRefused("phase", _("Publish the report to finish the consultation."))
        if target == Phase.ANNOUNCED and not locked.versions.exists():
            raise ActionRefused("no_draft", _("Add the draft text before announcing the consultation."))
        old = locked.phase
        locked.phase = target
        locked.save(update_fields=["phase", "updated_at"])
        audit.record(
            action="consultations.phase_changed",
            actor=actor,
            obj=locked,
            community=locked.community,
            summary={"from": old, "to": target},
        )
    if target == Phase.ANALYSIS:
        # The final map: every vote is in.
        transaction.on_commit(lambda: _enqueue_opinion(locked.pk, force=True))
    return locked


def consultation_attachment_add(*, actor: Any, consultation: Consultation, upload: Any, title: str) -> Attachment:
    """A public file of the consultation (the full draft as PDF, an analysis, a map). Checked and
    cleaned by core (type sniffing, size limit, image metadata stripped)."""
    _refuse_unless(actor.has_perm("consultations.manage"), _("Only officials may attach files."))
    try:
        with transaction.atomic():
            attachment = attachment_add(target=consultation, upload=upload, title=title, uploaded_by=actor)
            audit.record(
                action="consultations.attachment_added",
                actor=actor,
                obj=consultation,
                community=consultation.community,
                summary={"title": attachment.title, "kind": attachment.kind},
            )
    except ValidationError as error:
        raise ActionRefused("bad_file", " ".join(error.messages)) from None
    return attachment


# --- Draft versions ----------------------------------------------------------------------------


def draft_version_publish(
    *, actor: Any, consultation: Consultation, sections: list[ParsedSection], note: str = "", source_name: str = ""
) -> DraftVersion:
    """A new version with new section versions; old versions and what was said on them stay."""
    _refuse_unless(actor.has_perm("consultations.manage"), _("Only officials may publish the draft."))
    if not sections:
        raise ActionRefused("empty_draft", _("The draft has no text. Paste it or upload a Markdown or .docx file."))
    if consultation.phase in (Phase.ANALYSIS, Phase.REPORTED):
        raise ActionRefused("phase", _("The draft cannot change after the consultation has closed."))
    with transaction.atomic():
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        number = (consultation.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = DraftVersion.objects.create(
            consultation=consultation,
            number=number,
            note=note.strip()[:300],
            source_name=source_name[:200],
            created_by=actor,
        )
        used: set[str] = set()
        rows = []
        for position, parsed in enumerate(sections, start=1):
            heading = parsed.heading or _("Preamble")
            key = section_key(heading, position)
            while key in used:
                key = f"{key}-{position}"[:80]
            used.add(key)
            rows.append(Section(version=version, position=position, key=key, heading=heading[:300], body=parsed.body))
        Section.objects.bulk_create(rows)
        audit.record(
            action="consultations.draft_published",
            actor=actor,
            obj=consultation,
            community=consultation.community,
            summary={"version": number, "sections": len(rows)},
        )
    return version


# --- Proposals and comments --------------------------------------------------------------------


def section_comment(*, author: Any, section: Section, body: str) -> Comment:
    """A plain comment on a section version (core comments: moderation, blocks, reports)."""
    return comment_create(author=author, target=section, body=body)


def proposal_create(*, author: Any, section: Section, body: str, proposed_text: str = "") -> Proposal:
    """A remark, or new wording when ``proposed_text`` is given (shown as a diff against the section)."""
    consultation = section.version.consultation
    _refuse_unless(
        author.has_perm("consultations.propose", consultation),
        _("You cannot make proposals here: the consultation is not open or you are not eligible."),
    )
    if not is_latest_section(section):
        raise ActionRefused(
            "old_version", _("This is an earlier version of the draft. Make your proposal on the current version.")
        )
    text = _clean(body, limit=MAX_PROPOSAL_LENGTH, empty_message=_("Explain your proposal before sending."))
    wording = (proposed_text or "").strip()
    if len(wording) > MAX_WORDING_LENGTH:
        raise ActionRefused("too_long", _("The proposed wording is too long."))
    if wording and wording == section.body.strip():
        raise ActionRefused("same_wording", _("The proposed wording is the same as the current text."))
    with transaction.atomic():
        proposal = Proposal.objects.create(
            consultation=consultation,
            section=section,
            kind=ProposalKind.WORDING if wording else ProposalKind.REMARK,
            author=author,
            body=text,
            proposed_text=wording,
        )
        audit.record(
            action="consultations.proposal_created",
            actor=author,
            obj=proposal,
            community=consultation.community,
            summary={"kind": proposal.kind, "section": section.pk},
        )
    return proposal


def proposal_support(*, user: Any, proposal: Proposal) -> bool:
    """Support a proposal once; False if already supported."""
    _refuse_unless(
        user.has_perm("consultations.support", proposal.consultation) and not proposal.is_hidden,
        _("You cannot support proposals here."),
    )
    if proposal.author_id == user.pk:
        raise ActionRefused("own", _("You cannot support your own proposal."))
    try:
        with transaction.atomic():
            ProposalSupport.objects.create(proposal=proposal, user=user)
            Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
    except IntegrityError:
        return False
    return True


def contribution_report(
    *, reporter: Any, reason: str, proposal: Proposal | None = None, statement: Statement | None = None
) -> bool:
    """Report a proposal or a statement to moderators; once per person. False if already reported."""
    target = proposal or statement
    if target is None:
        raise ActionRefused("no_target", _("Nothing to report."))
    _refuse_unless(reporter.has_perm("consultations.report_contribution", target.consultation), _("Sign in to report."))
    text = _clean(reason, limit=MAX_REASON_LENGTH, empty_message=_("Say what is wrong."))
    try:
        with transaction.atomic():
            ContributionReport.objects.create(proposal=proposal, statement=statement, reporter=reporter, reason=text)
            type(target).objects.filter(pk=target.pk).update(report_count=F("report_count") + 1)
    except IntegrityError:
        return False
    return True


def _hide(moderator: Any, obj: Proposal | Statement, reason: str, action: str) -> None:
    _refuse_unless(moderator.has_perm("consultations.moderate"), _("Only moderators may hide contributions."))
    text = _clean(reason, limit=MAX_REASON_LENGTH, empty_message=_("Give the reason for hiding."))
    with transaction.atomic():
        type(obj).objects.filter(pk=obj.pk).update(is_hidden=True, hidden_reason=text)
        audit.record(
            action=action, actor=moderator, obj=obj, community=obj.consultation.community, summary={"reason": text}
        )
    obj.is_hidden, obj.hidden_reason = True, text


def proposal_hide(*, moderator: Any, proposal: Proposal, reason: str) -> Proposal:
    """Hidden proposals keep their text for the record; the page shows the reason in place. The report
    still lists them (answered as not in scope by the moderation reason)."""
    _hide(moderator, proposal, reason, "consultations.proposal_hidden")
    return proposal


def statement_hide(*, moderator: Any, statement: Statement, reason: str) -> Statement:
    _hide(moderator, statement, reason, "consultations.statement_hidden")
    return statement


def proposal_answer(*, actor: Any, proposal: Proposal, status: str, reason: str) -> Proposal:
    """The council's answer; the proposer is told (topic "answers")."""
    _refuse_unless(actor.has_perm("consultations.manage"), _("Only officials may answer proposals."))
    if status not in AnswerStatus.values:
        raise ActionRefused("status", _("Choose an answer."))
    text = _clean(reason, limit=3000, empty_message=_("Give the reason for the answer."))
    consultation = proposal.consultation
    if consultation.phase not in (Phase.OPEN, Phase.ANALYSIS):
        raise ActionRefused("phase", _("Proposals are answered while the consultation is open or under analysis."))
    with transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(
            answer_status=status, answer_reason=text, answered_at=timezone.now(), answered_by=actor
        )
        proposal.refresh_from_db()
        audit.record(
            action="consultations.proposal_answered",
            actor=actor,
            obj=proposal,
            community=consultation.community,
            summary={"status": status},
        )
        if proposal.author is not None:
            notify(
                recipients=[proposal.author],
                topic="answers",
                subject=gettext_noop("Your proposal to «%(title)s» was answered"),
                template="consultations/email/proposal_answered.txt",
                context={
                    "title": consultation.title,
                    "proposal": proposal.body[:500],
                    "status": status,
                    "reason": text,
                },
                url=f"/consultations/{consultation.pk}/report/#proposal-{proposal.pk}",
            )
    return proposal


# --- Statements and the opinion map ------------------------------------------------------------


def statement_create(*, author: Any, consultation: Consultation, text: str) -> Statement:
    _refuse_unless(
        author.has_perm("consultations.add_statement", consultation),
        _("You cannot add statements: the consultation is not open or you are not eligible."),
        code="not_eligible",
    )
    value = _clean(text, limit=MAX_STATEMENT_LENGTH, empty_message=_("Write the statement before sending."))
    try:
        with transaction.atomic():
            statement = Statement.objects.create(consultation=consultation, text=value, author=author)
            audit.record(
                action="consultations.statement_created",
                actor=author,
                obj=statement,
                community=consultation.community,
                summary={},
            )
    except IntegrityError:
        raise ActionRefused("duplicate", _("This statement is already there; vote on it instead.")) from None
    return statement


def statement_vote(*, user: Any, statement: Statement, value: int) -> StatementVote:
    """Vote, or change a vote (one per person per statement, by constraint). The opinion map is
    recomputed by a task when enough has changed, never in this request."""
    consultation = statement.consultation
    _refuse_unless(
        user.has_perm("consultations.vote_statement", consultation),
        _("You cannot vote: the consultation is not open or you are not eligible."),
    )
    if statement.is_hidden:
        raise ActionRefused("hidden", _("This statement was hidden by a moderator."))
    if value not in (-1, 0, 1):
        raise ActionRefused("value", _("Choose agree, disagree or pass."))
    with transaction.atomic():
        vote, created = StatementVote.objects.update_or_create(
            statement=statement, user=user, defaults={"value": value, "consultation": consultation}
        )
        if created:
            Consultation.objects.filter(pk=consultation.pk).update(vote_count=F("vote_count") + 1)
        OpinionSnapshot.objects.get_or_create(consultation=consultation)
    transaction.on_commit(lambda: _enqueue_opinion(consultation.pk))
    return vote


def opinion_recompute_due(snapshot: OpinionSnapshot, vote_count: int, now: datetime | None = None) -> bool:
    changed = vote_count - snapshot.votes_at_compute
    if snapshot.computed_at is None:
        return vote_count > 0
    if changed >= OPINION_RECOMPUTE_VOTES:
        return True
    now = now or timezone.now()
    return changed > 0 and now - snapshot.computed_at >= timedelta(seconds=OPINION_RECOMPUTE_SECONDS)


def _enqueue_opinion(consultation_id: int, *, force: bool = False) -> None:
    from uchast.consultations.tasks import recompute_opinion_map

    if not force:
        snapshot = OpinionSnapshot.objects.filter(consultation_id=consultation_id).first()
        votes = Consultation.objects.filter(pk=consultation_id).values_list("vote_count", flat=True).first() or 0
        if snapshot is None or not opinion_recompute_due(snapshot, votes):
            return
        # One pending task per consultation at a time.
        if not cache.add(f"consultations:opinion-pending:{consultation_id}", 1, timeout=OPINION_RECOMPUTE_SECONDS):
            return
    recompute_opinion_map.enqueue(consultation_id)


# --- Surveys -----------------------------------------------------------------------------------


class SurveyInvalid(ActionRefused):
    """Field errors by question id; nothing was saved."""

    errors: dict[int, str]

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(
            "invalid_answers",
            _("Some answers need correcting. Nothing was saved."),
            details=[{"field": str(qid), "message": message} for qid, message in errors.items()],
        )
        self.errors = errors


def survey_create(*, actor: Any, consultation: Consultation, title: str, intro: str = "") -> Survey:
    _refuse_unless(actor.has_perm("consultations.manage"), _("Only officials may prepare surveys."))
    with transaction.atomic():
        return Survey.objects.create(consultation=consultation, title=title.strip(), intro=intro.strip())


def question_add(
    *,
    actor: Any,
    survey: Survey,
    kind: str,
    text: str,
    required: bool = True,
    options: list[str] | None = None,
    max_choices: int | None = None,
    scale_min: int = 1,
    scale_max: int = 5,
) -> Question:
    _refuse_unless(actor.has_perm("consultations.manage"), _("Only officials may prepare surveys."))
    if survey.response_count:
        raise ActionRefused("answered", _("People have answered this survey; its questions can no longer change."))
    if kind not in QuestionKind.values:
        raise ActionRefused("kind", _("Unknown question kind."))
    clean_options = [o.strip() for o in (options or []) if o.strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING) and len(clean_options) < 2:
        raise ActionRefused("options", _("Give at least two options."))
    if kind == QuestionKind.SCALE and scale_max <= scale_min:
        raise ActionRefused("scale", _("The top of the scale must be above its bottom."))
    with transaction.atomic():
        position = survey.questions.count() + 1
        return Question.objects.create(
            survey=survey,
            position=position,
            kind=kind,
            text=_clean(text, limit=300, empty_message=_("Write the question.")),
            required=required,
            options=clean_options if kind != QuestionKind.TEXT and kind != QuestionKind.SCALE else [],
            max_choices=max_choices if kind == QuestionKind.MULTIPLE else None,
            scale_min=scale_min,
            scale_max=scale_max,
        )


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("bool")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError(value)


def validate_answer(question: Question, raw: Any) -> Any:
    """The stored value of one answer, or ValueError with a translated message. None = no answer."""
    empty = raw is None or raw == "" or raw == []
    if empty:
        if question.required:
            raise ValueError(_("This question needs an answer."))
        return None
    n = len(question.options)
    try:
        if question.kind == QuestionKind.SINGLE:
            if isinstance(raw, list):
                raise ValueError(raw)
            choice = _as_int(raw)
            if not 0 <= choice < n:
                raise ValueError(choice)
            return choice
        if question.kind == QuestionKind.MULTIPLE:
            items = raw if isinstance(raw, list) else [raw]
            choices = sorted({_as_int(v) for v in items})
            if len(choices) != len(items) or any(not 0 <= c < n for c in choices):
                raise ValueError(items)
            if question.max_choices and len(choices) > question.max_choices:
                raise ValueError(_("Choose at most %(count)d options.") % {"count": question.max_choices}) from None
            return choices
        if question.kind == QuestionKind.SCALE:
            if isinstance(raw, list):
                raise ValueError(raw)
            point = _as_int(raw)
            if not question.scale_min <= point <= question.scale_max:
                raise ValueError(point)
            return point
        if question.kind == QuestionKind.RANKING:
            if not isinstance(raw, list):
                raise ValueError(raw)
            order = [_as_int(v) for v in raw]
            if sorted(order) != list(range(n)):
                raise ValueError(_("Give every option a different place, from 1 to %(count)d.") % {"count": n})
            return order
        if not isinstance(raw, str):
            raise ValueError(raw)
        text = raw.strip()
        if len(text) > MAX_TEXT_ANSWER_LENGTH:
            raise ValueError(_("At most %(limit)d characters.") % {"limit": MAX_TEXT_ANSWER_LENGTH})
        if not text:
            if question.required:
                raise ValueError(_("This question needs an answer."))
            return None
        return text
    except ValueError as error:
        message = error.args[0] if error.args and isinstance(error.args[0], str) and " " in error.args[0] else None
        raise ValueError(message or _("This answer is not one of the choices offered.")) from None


def survey_answer(*, user: Any, survey: Survey, answers: dict[int, Any]) -> SurveyResponse:
    """One answer set per person (unique constraint). ``answers`` maps question id to a typed value
    (see ``Answer``); every question is checked before anything is written."""
    consultation = survey.consultation
    _refuse_unless(
        user.has_perm("consultations.answer_survey", consultation),
        _("You cannot answer: the consultation is not open or you are not eligible."),
    )
    questions = list(survey.questions.all())
    errors: dict[int, str] = {}
    values: dict[int, Any] = {}
    known = {q.pk for q in questions}
    for question in questions:
        try:
            values[question.pk] = validate_answer(question, answers.get(question.pk))
        except ValueError as error:
            errors[question.pk] = str(error.args[0])
    unknown = set(answers) - known
    if unknown:
        errors.update({qid: _("No such question in this survey.") for qid in unknown})
    if errors:
        raise SurveyInvalid(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, user=user)
            Answer.objects.bulk_create(
                [Answer(response=response, question_id=qid, value=v) for qid, v in values.items() if v is not None]
            )
            Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    except IntegrityError:
        raise ActionRefused("already_answered", _("You have already answered this survey.")) from None
    return response


# --- Meetings ----------------------------------------------------------------------------------


def meeting_create(
    *,
    actor: Any,
    consultation: Consultation,
    title: str,
    kind: str,
    starts_at: datetime,
    capacity: int,
    place: str = "",
    link: str = "",
    agenda: str = "",
) -> Meeting:
    _refuse_unless(actor.has_perm("consultations.manage"), _("Only officials may plan meetings."))
    if kind == MeetingKind.IN_PERSON and not place.strip():
        raise ActionRefused("place", _("Give the address of the meeting."))
    if kind == MeetingKind.ONLINE and not link.strip():
        raise ActionRefused("link", _("Give the link to the online meeting."))
    if capacity < 1:
        raise ActionRefused("capacity", _("A meeting needs at least one place."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            consultation=consultation,
            title=title.strip(),
            kind=kind,
            starts_at=starts_at,
            capacity=capacity,
            place=place.strip(),
            link=link.strip(),
            agenda=agenda.strip(),
        )
        audit.record(
            action="consultations.meeting_planned",
            actor=actor,
            obj=meeting,
            community=consultation.community,
            summary={"kind": kind, "capacity": capacity},
        )
    return meeting


def meeting_register(*, user: Any, meeting: Meeting) -> MeetingRegistration:
    """Take a place. The capacity holds under concurrency: the counter only rises while below
    capacity (conditional UPDATE) and a check constraint backs it."""
    _refuse_unless(
        user.has_perm("consultations.register_meeting", meeting.consultation),
        _("Registration is closed."),
    )
    if meeting.starts_at <= timezone.now():
        raise ActionRefused("past", _("This meeting has already taken place."))
    try:
        with transaction.atomic():
            registration = MeetingRegistration.objects.create(meeting=meeting, user=user)
            taken = Meeting.objects.filter(pk=meeting.pk, registered_count__lt=F("capacity")).update(
                registered_count=F("registered_count") + 1
            )
            if not taken:
                raise ActionRefused("full", _("No places are left at this meeting."))
    except IntegrityError:
        raise ActionRefused("already", _("You are already registered for this meeting.")) from None
    return registration


def meeting_minutes_record(
    *, actor: Any, meeting: Meeting, minutes: str, attended: int, proposals: list[tuple[str, str]]
) -> list[Proposal]:
    """Minutes, attendance, and each proposal raised there (``(raised_by, text)``) recorded as a
    proposal of the consultation, so the report answers it like any other."""
    _refuse_unless(actor.has_perm("consultations.manage"), _("Only officials may record minutes."))
    text = _clean(minutes, limit=20000, empty_message=_("Write the minutes."))
    if attended < 0:
        raise ActionRefused("attended", _("Attendance cannot be negative."))
    consultation = meeting.consultation
    created: list[Proposal] = []
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(minutes=text, attended_count=attended)
        for raised_by, body in proposals:
            if not body.strip():
                continue
            created.append(
                Proposal.objects.create(
                    consultation=consultation,
                    meeting=meeting,
                    kind=ProposalKind.MEETING,
                    author_label=raised_by.strip()[:200],
                    body=body.strip()[:MAX_PROPOSAL_LENGTH],
                )
            )
        audit.record(
            action="consultations.minutes_recorded",
            actor=actor,
            obj=meeting,
            community=consultation.community,
            summary={"attended": attended, "proposals": len(created)},
        )
    meeting.refresh_from_db()
    return created


# --- Report ------------------------------------------------------------------------------------


def report_publish(*, actor: Any, consultation: Consultation, summary: str) -> Consultation:
    """Publish the report. Precondition: the analysis phase and every visible proposal answered."""
    _refuse_unless(actor.has_perm("consultations.manage"), _("Only officials may publish the report."))
    text = _clean(summary, limit=20000, empty_message=_("Write the summary of the report."))
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.phase != Phase.ANALYSIS:
            raise ActionRefused("phase", _("The report is published after the consultation closes for analysis."))
        unanswered = locked.proposals.filter(is_hidden=False, answer_status="").count()
        if unanswered:
            raise ActionRefused(
                "unanswered",
                _("Answer every proposal first: %(count)d still without an answer.") % {"count": unanswered},
            )
        locked.phase = Phase.REPORTED
        locked.report_summary = text
        locked.report_published_at = timezone.now()
        locked.save(update_fields=["phase", "report_summary", "report_published_at", "updated_at"])
        audit.record(
            action="consultations.report_published", actor=actor, obj=locked, community=locked.community, summary={}
        )
    return locked


# --- Personal data -----------------------------------------------------------------------------


def personal_data(user: Any) -> dict[str, Any]:
    return {
        "proposals": [
            {"consultation": p.consultation_id, "text": p.body, "wording": p.proposed_text, "answer": p.answer_status}
            for p in Proposal.objects.filter(author=user)
        ],
        "statements": list(Statement.objects.filter(author=user).values("consultation_id", "text")),
        "statement_votes": list(StatementVote.objects.filter(user=user).values("statement_id", "value")),
        "survey_responses": [
            {"survey": r.survey_id, "answers": {str(a.question_id): a.value for a in r.answers.all()}}
            for r in SurveyResponse.objects.filter(user=user).prefetch_related("answers")
        ],
        "meeting_registrations": list(
            MeetingRegistration.objects.filter(user=user).values_list("meeting_id", flat=True)
        ),
    }


def anonymise_user(user: Any) -> None:
    """Contributions stay (the report answers them); the name goes with the account. Free-text survey
    answers could identify a person, so they are removed; choices stay in the counts.
    Registrations stay so the meetings' counts remain right."""
    Answer.objects.filter(response__user=user, question__kind=QuestionKind.TEXT).delete()
