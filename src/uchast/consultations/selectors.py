"""Reads of consultations; ``access_*`` 404 for what the person may not see."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Q, QuerySet, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from uchast.consultations.actions import ConsultationAction
from uchast.consultations.models import (
    Consultation,
    DraftVersion,
    Meeting,
    MeetingProposal,
    MeetingProposalStatus,
    MeetingRegistration,
    Phase,
    Proposal,
    Question,
    QuestionKind,
    Section,
    Statement,
    StatementVote,
    Survey,
    SurveyResponse,
)
from uchast.core.errors import ActionRefused
from uchast.core.exports import csv_text
from uchast.core.models import Comment, Community
from uchast.core.registry import ProcessCard, day_words, last_day
from uchast.core.templatetags.content import localized
from uchast.organisations.activity import ActivityItem
from uchast.verification.selectors import has_participated


def consultations_visible(community: Community, user: Any) -> QuerySet[Consultation]:
    qs = Consultation.objects.filter(community=community)
    if not user.has_perm("consultations.manage"):
        qs = qs.exclude(phase=Phase.DRAFT)
    return qs.order_by("-starts_at", "-pk")


def access_consultation(user: Any, community: Community, pk: int) -> Consultation:
    consultation = (
        Consultation.objects.select_related("community", "audience_district").filter(community=community, pk=pk).first()
    )
    if consultation is None or not user.has_perm("consultations.view_consultation", consultation):
        raise Http404
    return consultation


def access_section(user: Any, community: Community, pk: int) -> Section:
    section = Section.objects.select_related("version__consultation__community").filter(pk=pk).first()
    if section is None or community is None or section.version.consultation.community_id != community.pk:
        raise Http404
    access_consultation(user, community, section.version.consultation_id)
    return section


def access_proposal(user: Any, community: Community, pk: int) -> Proposal:
    proposal = Proposal.objects.select_related("consultation", "section").filter(pk=pk).first()
    if proposal is None:
        raise Http404
    access_consultation(user, community, proposal.consultation_id)
    return proposal


def access_statement(user: Any, community: Community, pk: int) -> Statement:
    statement = Statement.objects.select_related("consultation").filter(pk=pk).first()
    if statement is None:
        raise Http404
    access_consultation(user, community, statement.consultation_id)
    return statement


def access_survey(user: Any, community: Community, pk: int) -> Survey:
    survey = Survey.objects.select_related("consultation").filter(pk=pk).first()
    if survey is None:
        raise Http404
    access_consultation(user, community, survey.consultation_id)
    return survey


def access_meeting(user: Any, community: Community, pk: int) -> Meeting:
    meeting = Meeting.objects.select_related("consultation", "co_organiser", "proposed_by").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    access_consultation(user, community, meeting.consultation_id)
    return meeting


def meetings_of(consultation: Consultation) -> QuerySet[Meeting]:
    """A consultation's meetings (all public), with their co-organisers and proposers for the lists."""
    return consultation.meetings.select_related("co_organiser", "proposed_by").order_by("starts_at", "pk")


def access_meeting_proposal(user: Any, community: Community, pk: int) -> MeetingProposal:
    """A proposed meeting is not public: staff and its proposer see it; anyone else gets 404."""
    proposal = (
        MeetingProposal.objects.select_related("consultation", "organisation", "proposed_by", "meeting")
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404
    access_consultation(user, community, proposal.consultation_id)
    if not (user.has_perm("consultations.manage") or proposal.proposed_by_id == getattr(user, "pk", None)):
        raise Http404
    return proposal


#: The orders of :func:`meeting_proposals_visible` (a keyset page follows them): staff's, the
#: pending first (``waiting`` is 0 for them); a proposer's, the newest first.
MEETING_PROPOSALS_STAFF_ORDER = ("waiting", "created_at", "pk")
MEETING_PROPOSALS_OWN_ORDER = ("-created_at", "-pk")


def meeting_proposals_visible(consultation: Consultation, user: Any) -> QuerySet[MeetingProposal]:
    """The meeting proposals ``user`` may see in ``consultation``: every one for staff (pending
    first), their own for a proposer, none for anyone else."""
    qs = MeetingProposal.objects.filter(consultation=consultation).select_related(
        "organisation", "proposed_by", "meeting"
    )
    if user.has_perm("consultations.manage"):
        waiting = Case(When(status=MeetingProposalStatus.PENDING, then=0), default=1)
        return qs.annotate(waiting=waiting).order_by(*MEETING_PROPOSALS_STAFF_ORDER)
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(proposed_by=user).order_by(*MEETING_PROPOSALS_OWN_ORDER)


def require_permission(user: Any, permission: str, obj: Any, message: str) -> None:
    """The permission check of a view or endpoint before a resident's action, refused with a message
    the person can act on (``not_allowed``: 403 in the API; a message on the page) rather than a
    bare 403 page: a person who may not take part is told why."""
    if not user.has_perm(permission, obj):
        raise ActionRefused("not_allowed", message)


def current_version(consultation: Consultation) -> DraftVersion | None:
    return consultation.versions.order_by("-number").first()


def sections_of(version: DraftVersion | None) -> list[Section]:
    if version is None:
        return []
    return list(
        version.sections.annotate(
            n_proposals=Count("proposals", filter=Q(proposals__is_hidden=False)),
        ).order_by("position")
    )


def proposals_of_section(section: Section) -> QuerySet[Proposal]:
    # The consultation is joined for the report permission each proposal's moderation forms check.
    return section.proposals.select_related("author", "consultation", "on_behalf_of").order_by("created_at", "pk")


def earlier_versions_of(section: Section) -> list[Section]:
    """The same section (by key) in earlier versions, newest first, with their proposals kept."""
    return list(
        Section.objects.filter(
            version__consultation_id=section.version.consultation_id,
            key=section.key,
            version__number__lt=section.version.number,
        )
        .select_related("version")
        .order_by("-version__number")
    )


def next_statement(consultation: Consultation, user: Any) -> Statement | None:
    """The next visible statement this person has not voted on (oldest first)."""
    qs = consultation.statements.filter(is_hidden=False)
    if getattr(user, "is_authenticated", False):
        voted = StatementVote.objects.filter(consultation=consultation, user=user).values("statement_id")
        qs = qs.exclude(pk__in=voted)
    return qs.order_by("pk").first()


def _statements_with_counts(consultation: Consultation) -> QuerySet[Any]:
    """Statements annotated with ``agree``, ``disagree`` and ``passed`` vote counts."""
    return (
        consultation.statements.select_related("consultation")
        .annotate(
            agree=Count("votes", filter=Q(votes__value=1)),
            disagree=Count("votes", filter=Q(votes__value=-1)),
            passed=Count("votes", filter=Q(votes__value=0)),
        )
        .order_by("pk")
    )


def statements_with_counts(consultation: Consultation) -> QuerySet[Statement]:
    """The statements with their vote counts (``agree``, ``disagree``, ``passed``), hidden ones too
    (the page shows a hidden statement's reason in its place), to be read a page at a time."""
    return _statements_with_counts(consultation)


def statement_aggregates(consultation: Consultation) -> list[dict[str, Any]]:
    """Vote counts of the visible statements (the report and the API)."""
    rows = _statements_with_counts(consultation).filter(is_hidden=False)
    return [{"id": s.pk, "text": s.text, "agree": s.agree, "disagree": s.disagree, "pass": s.passed} for s in rows]


# --- Surveys -----------------------------------------------------------------------------------


@dataclass
class OptionResult:
    label: str
    count: int
    percent: float
    bar: float  # width in the SVG, 0..100


@dataclass
class QuestionResult:
    question: Question
    answered: int
    options: list[OptionResult] = field(default_factory=list)
    mean: float | None = None
    texts: int = 0


def survey_results(survey: Survey) -> list[QuestionResult]:
    """Counts per option (single, multiple), per point (scale, with mean), Borda points (ranking:
    n-1 for first place ... 0 for last) and the number of free-text answers."""
    results: list[QuestionResult] = []
    for question in survey.questions.all():
        values = list(question.answers.values_list("value", flat=True))
        result = QuestionResult(question=question, answered=len(values))
        counts: Counter[int] = Counter()
        labels: list[str] = list(question.options)
        if question.kind == QuestionKind.SINGLE:
            counts.update(int(v) for v in values)
        elif question.kind == QuestionKind.MULTIPLE:
            for v in values:
                counts.update(int(i) for i in v)
        elif question.kind == QuestionKind.SCALE:
            labels = [str(p) for p in range(question.scale_min, question.scale_max + 1)]
            counts.update(int(v) - question.scale_min for v in values)
            result.mean = round(sum(int(v) for v in values) / len(values), 2) if values else None
        elif question.kind == QuestionKind.RANKING:
            n = len(labels)
            for order in values:
                for place, option in enumerate(order):
                    counts[int(option)] += n - 1 - place
        else:
            result.texts = len(values)
        if question.kind != QuestionKind.TEXT:
            top = max(counts.values(), default=0) or 1
            total = sum(counts.values()) or 1
            for index, label in enumerate(labels):
                count = counts.get(index, 0)
                result.options.append(
                    OptionResult(label=label, count=count, percent=round(100 * count / total, 1), bar=100 * count / top)
                )
        results.append(result)
    return results


def survey_results_csv(survey: Survey) -> str:
    rows: list[list[object]] = [["question_id", "question", "kind", "option", "count_or_points", "answered"]]
    for result in survey_results(survey):
        q = result.question
        if q.kind == QuestionKind.TEXT:
            rows.append([q.pk, q.text, q.kind, "", result.texts, result.answered])
        rows.extend([q.pk, q.text, q.kind, option.label, option.count, result.answered] for option in result.options)
    return csv_text(rows)


def survey_texts_csv(survey: Survey) -> str:
    """Free-text answers for analysis, without names (a response number only)."""
    out: list[list[object]] = [["response", "question_id", "question", "answer"]]
    responses = {pk: n for n, pk in enumerate(survey.responses.order_by("pk").values_list("pk", flat=True), 1)}
    rows = (
        survey.questions.filter(kind=QuestionKind.TEXT)
        .values_list("pk", "text", "answers__response_id", "answers__value")
        .order_by("answers__response_id", "position")
    )
    for qid, text, response_id, value in rows:
        if response_id is not None:
            out.append([responses.get(response_id, ""), qid, text, value])
    return csv_text(out)


def has_answered(survey: Survey, user: Any) -> bool:
    """This account answered; for a binding survey also: the person answered from another account."""
    if not getattr(user, "is_authenticated", False):
        return False
    if SurveyResponse.objects.filter(survey=survey, user=user).exists():
        return True
    return survey.binding and has_participated(
        user, survey.consultation.community, ConsultationAction.ANSWER_SURVEY, survey.pk
    )


def is_registered(meeting: Meeting, user: Any) -> bool:
    return (
        bool(getattr(user, "is_authenticated", False))
        and MeetingRegistration.objects.filter(meeting=meeting, user=user).exists()
    )


# --- Report ------------------------------------------------------------------------------------


def participation_counts(consultation: Consultation) -> dict[str, int]:
    """People by channel: proposals online, statement voting, surveys, meetings (attended)."""
    proposers = (
        Proposal.objects.filter(consultation=consultation, author__isnull=False).values("author").distinct().count()
    )
    section_ids = [
        str(pk) for pk in Section.objects.filter(version__consultation=consultation).values_list("pk", flat=True)
    ]
    commenters = (
        Comment.objects.filter(target_type=ContentType.objects.get_for_model(Section), target_id__in=section_ids)
        .values("author")
        .distinct()
        .count()
    )
    return {
        "proposals_online": proposers,
        "section_comments": commenters,
        "statement_voters": StatementVote.objects.filter(consultation=consultation).values("user").distinct().count(),
        "survey_respondents": SurveyResponse.objects.filter(survey__consultation=consultation)
        .values("user")
        .distinct()
        .count(),
        "meeting_attendance": sum(consultation.meetings.values_list("attended_count", flat=True)),
        "meeting_proposals": Proposal.objects.filter(consultation=consultation, meeting__isnull=False).count(),
    }


def report_proposals(consultation: Consultation) -> QuerySet[Proposal]:
    return consultation.proposals.select_related("section__version", "meeting", "author").order_by(
        "section__version__number", "section__position", "created_at", "pk"
    )


def proposal_row(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.pk,
        "kind": p.kind,
        "section": p.section.heading if p.section else "",
        "version": p.section.version.number if p.section else None,
        "meeting": p.meeting.title if p.meeting else "",
        "author": (p.author.display_name if p.author else p.author_label),
        "text": "" if p.is_hidden else p.body,
        "proposed_wording": "" if p.is_hidden else p.proposed_text,
        "hidden_reason": p.hidden_reason if p.is_hidden else "",
        "supports": p.support_count,
        "answer": p.answer_status,
        "answer_reason": p.answer_reason,
    }


def survey_aggregates(consultation: Consultation) -> list[dict[str, Any]]:
    return [
        {
            "id": s.pk,
            "title": s.title,
            "responses": s.response_count,
            "questions": [
                {
                    "id": r.question.pk,
                    "text": r.question.text,
                    "kind": r.question.kind,
                    "answered": r.answered,
                    "mean": r.mean,
                    "options": [{"label": o.label, "count": o.count} for o in r.options],
                }
                for r in survey_results(s)
            ],
        }
        for s in consultation.surveys.all()
    ]


def report_json(consultation: Consultation) -> dict[str, Any]:
    opinion = getattr(consultation, "opinion", None)
    data = opinion.data if opinion is not None else {}
    return {
        "consultation": {
            "id": consultation.pk,
            "title": consultation.title,
            "starts_at": consultation.starts_at.isoformat(),
            "ends_at": consultation.ends_at.isoformat(),
            "phase": consultation.phase,
            "report_published_at": consultation.report_published_at.isoformat()
            if consultation.report_published_at
            else None,
            "summary": consultation.report_summary,
        },
        "participation": participation_counts(consultation),
        "proposals": [proposal_row(p) for p in report_proposals(consultation)],
        "surveys": survey_aggregates(consultation),
        "statements": statement_aggregates(consultation),
        "opinion_groups": [{"id": g["id"], "size": g["size"]} for g in data.get("groups", [])],
        "consensus": data.get("consensus", []),
    }


def report_csv(consultation: Consultation) -> str:
    columns = [
        "id",
        "kind",
        "version",
        "section",
        "meeting",
        "author",
        "text",
        "proposed_wording",
        "supports",
        "answer",
        "answer_reason",
        "hidden_reason",
    ]
    rows: list[list[object]] = [list(columns)]
    for p in report_proposals(consultation):
        row = proposal_row(p)
        rows.append([row[c] if row[c] is not None else "" for c in columns])
    return csv_text(rows)


def open_process_cards(community: Community, user: Any) -> list[ProcessCard]:
    """Consultations open for contributions now (an announced one is not yet), soonest end first."""
    cards = []
    for c in Consultation.objects.filter(community=community, phase=Phase.OPEN, ends_at__gt=timezone.now()).order_by(
        "ends_at"
    )[:5]:
        url = reverse("consultations:detail", args=[c.pk])
        cards.append(
            ProcessCard(
                title=localized(c, "title").text,
                lang=localized(c, "title").lang,
                url=url,
                target=c,
                kind=_("Consultation"),
                status=c.get_phase_display(),
                action=_("Have your say until %(day)s") % {"day": day_words(last_day(c.ends_at))},
                action_url=url,
            )
        )
    return cards


def organisation_activity(organisation: Any) -> list[ActivityItem]:
    """The visible proposals sent on behalf of ``organisation`` (its profile lists them)."""
    found = (
        Proposal.objects.filter(on_behalf_of=organisation, section__isnull=False)
        .filter(is_hidden=False)
        .select_related("consultation")
        .order_by("-created_at")[:50]
    )
    return [
        ActivityItem(
            _("Consultation proposal"),
            p.consultation.title,
            reverse("consultations:section", args=[p.section_id]),
            p.created_at,
        )
        for p in found
    ]


def organisation_meetings(organisation: Any) -> list[ActivityItem]:
    """The public meetings ``organisation`` co-organised (its profile lists them)."""
    found = (
        Meeting.objects.filter(co_organiser=organisation)
        .exclude(consultation__phase=Phase.DRAFT)
        .select_related("consultation")
        .order_by("-starts_at")[:50]
    )
    return [
        ActivityItem(
            _("Consultation meeting co-organised"),
            f"{m.title} ({m.consultation.title})",
            m.get_absolute_url(),
            m.starts_at,
        )
        for m in found
    ]
