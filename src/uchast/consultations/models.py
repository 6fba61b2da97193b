"""Consultations on draft decisions (КМУ resolution 996): draft sections by version, proposals with
answers, surveys, statement voting with an opinion map, meetings, and the published report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from uchast.core.models import Community, District, Moderated, TimeStampedModel


class Phase(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("consultation phase", "in preparation")
    ANNOUNCED = "announced", pgettext_lazy("consultation phase", "announced")
    OPEN = "open", pgettext_lazy("consultation phase", "open")
    ANALYSIS = "analysis", pgettext_lazy("consultation phase", "analysis")
    REPORTED = "reported", pgettext_lazy("consultation phase", "report published")


#: The only moves allowed between phases, in order.
NEXT_PHASE = {
    Phase.DRAFT: Phase.ANNOUNCED,
    Phase.ANNOUNCED: Phase.OPEN,
    Phase.OPEN: Phase.ANALYSIS,
    Phase.ANALYSIS: Phase.REPORTED,
}


class Audience(models.TextChoices):
    ANYONE = "anyone", _("anyone concerned")
    VERIFIED = "verified", _("verified residents")
    DISTRICT = "district", _("verified residents of one district")


class Consultation(TimeStampedModel):
    """One consultation; the announcement fields follow КМУ resolution 996, item 12."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("subject"), max_length=300)
    summary = models.TextField(_("the draft decision in brief"))
    # Optional English versions, shown under the English interface (issue 14).
    title_en = models.CharField(_("subject in English"), max_length=300, blank=True)
    summary_en = models.TextField(_("the draft decision in brief, in English"), blank=True)
    alternatives = models.TextField(_("alternatives considered"), blank=True)
    affected_groups = models.TextField(_("who is affected"), blank=True)
    consequences = models.TextField(_("expected consequences"), blank=True)
    how_to_take_part = models.TextField(_("how to take part"), blank=True)
    starts_at = models.DateTimeField(_("opens"))
    ends_at = models.DateTimeField(_("closes"))
    responsible_name = models.CharField(_("responsible official"), max_length=200)
    responsible_contacts = models.CharField(_("contacts"), max_length=300)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.DRAFT)
    audience = models.CharField(
        _("who may take part"), max_length=20, choices=Audience.choices, default=Audience.ANYONE
    )
    audience_district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    report_summary = models.TextField(_("report summary"), blank=True)
    report_published_at = models.DateTimeField(_("report published"), null=True, blank=True)
    # Maintained by services (F() updates), never recounted on a page.
    vote_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="consultation_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(audience="district") | Q(audience_district__isnull=False),
                name="consultation_district_audience_has_district",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.pk])


class DraftVersion(models.Model):
    """One version of the draft text. A new version never changes an old one."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    source_name = models.CharField(_("source file"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["consultation", "-number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"], name="draft_version_unique")]

    def __str__(self) -> str:
        return f"v{self.number}"


class Section(models.Model):
    """A section *version*: comments and proposals point here and stay readable after a new version.

    ``key`` identifies the same section across versions (its position-independent slug)."""

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    key = models.SlugField(max_length=80, allow_unicode=True)
    heading = models.CharField(_("heading"), max_length=300)
    body = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="section_position_unique")]

    def __str__(self) -> str:
        return self.heading

    def get_absolute_url(self) -> str:
        return reverse("consultations:section", args=[self.pk])

    @property
    def community(self) -> Community:
        return self.version.consultation.community

    @property
    def consultation(self) -> Consultation:
        return self.version.consultation


class ProposalKind(models.TextChoices):
    REMARK = "remark", _("proposal")
    WORDING = "wording", _("new wording")
    MEETING = "meeting", _("raised at a meeting")


class AnswerStatus(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    PARTLY = "partly", _("partly accepted")
    REJECTED = "rejected", _("rejected")
    OUT_OF_SCOPE = "out_of_scope", _("not in the scope of the draft")


class Proposal(Moderated):
    """A proposal the report must answer: a remark or new wording on a section version, or one
    raised at a meeting (then ``author`` may be empty and ``author_label`` names who raised it).
    Moderated by core moderation; a hidden one stays in the report with its hiding reason."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="proposals")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals")
    meeting = models.ForeignKey("Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="proposals")
    kind = models.CharField(max_length=20, choices=ProposalKind.choices, default=ProposalKind.REMARK)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(_("raised by"), max_length=200, blank=True)
    # Sent on behalf of an organisation (its member's choice, shown publicly); supports stay personal.
    on_behalf_of = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_proposals",
        verbose_name=_("on behalf of"),
    )
    body = models.TextField(_("proposal"), max_length=3000)
    proposed_text = models.TextField(_("proposed wording"), blank=True, max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)
    support_count = models.PositiveIntegerField(default=0)
    answer_status = models.CharField(_("answer"), max_length=20, choices=AnswerStatus.choices, blank=True)
    answer_reason = models.TextField(_("reason"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="wording") | ~Q(proposed_text=""), name="wording_proposal_has_text"
            ),
        ]
        # A section's proposals in order, paged by (created_at, id) (keyset).
        indexes = [models.Index(fields=["section", "created_at", "id"], name="proposal_section_page_idx")]

    def __str__(self) -> str:
        return f"proposal {self.pk}"

    def get_absolute_url(self) -> str:
        """Where it was posted: its section, else its meeting (proposals raised there)."""
        if self.section_id:
            return reverse("consultations:section", args=[self.section_id]) + f"#proposal-{self.pk}"
        return reverse("consultations:meeting", args=[self.meeting_id]) + f"#proposal-{self.pk}"


class ProposalSupport(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_person")]


class Statement(Moderated):
    """A short statement participants vote agree / disagree / pass on (moderated by core moderation;
    a hidden one leaves the opinion map)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="statements")
    text = models.CharField(_("statement"), max_length=280)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["consultation", "text"], name="statement_text_unique")]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return reverse("consultations:statements", args=[self.consultation_id]) + f"#statement-{self.pk}"


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("agree")
    DISAGREE = -1, _("disagree")
    PASS = 0, _("pass / unsure")


class StatementVote(models.Model):
    """One vote per person per statement; voting again changes it (unique constraint)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "user"], name="one_vote_per_statement"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_value_valid"),
        ]
        indexes = [models.Index(fields=["consultation", "user"], name="statement_vote_voter_idx")]


class OpinionSnapshot(models.Model):
    """The latest computed opinion map of a consultation (participants by pseudonym only)."""

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="opinion")
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    votes_at_compute = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)


class Survey(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    # Binding answers count once per person (the participation register, keyed on the person, not
    # the account). Set before the consultation opens, frozen after (services.surveys).
    binding = models.BooleanField(_("binding: one answer per person"), default=False)
    response_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    SCALE = "scale", _("scale")
    RANKING = "ranking", _("ranking")
    TEXT = "text", _("free text")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    options = models.JSONField(_("options"), default=list, blank=True)
    max_choices = models.PositiveSmallIntegerField(_("at most this many choices"), null=True, blank=True)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)

    class Meta:
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One answer set per person per survey (unique constraint)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="one_response_per_person")]


class Answer(models.Model):
    """``value``: option index (single), list of indexes (multiple), int (scale), list of option
    indexes best first (ranking), or text."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]


class MeetingKind(models.TextChoices):
    ONLINE = "online", _("online")
    IN_PERSON = "in_person", _("in person")


class MeetingPlan(models.Model):
    """What a meeting is: shared by the meeting and the proposal of one (one set of fields, one
    validation: ``services.meetings.meeting_plan_clean``)."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("format"), max_length=20, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    link = models.URLField(_("link"), blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    agenda = models.TextField(_("agenda"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class Meeting(MeetingPlan):
    """A public meeting of a consultation, run by the council, perhaps with a co-organising
    organisation. A Meeting is always public: a meeting an organisation's member proposes waits in
    :class:`MeetingProposal` and becomes a Meeting only when staff accept it."""

    # PROTECT, as a proposal's ``on_behalf_of``: who organised a public meeting is part of the public
    # record and must not vanish (SET_NULL would rewrite it silently); organisations are refused,
    # not deleted, in normal work.
    co_organiser = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_organised_meetings",
        verbose_name=_("co-organiser"),
    )
    # The member who proposed it on behalf of ``co_organiser`` (empty when staff planned it).
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="meetings")
    minutes = models.TextField(_("minutes"), blank=True)
    registered_count = models.PositiveIntegerField(default=0)
    attended_count = models.PositiveIntegerField(_("people attended"), default=0)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_count__lte=models.F("capacity")), name="meeting_not_over_capacity"
            ),
            models.CheckConstraint(
                condition=Q(proposed_by__isnull=True) | Q(co_organiser__isnull=False),
                name="meeting_proposed_on_behalf",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("consultations:meeting", args=[self.pk])

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.registered_count, 0)


class MeetingProposalStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("meeting proposal", "awaiting the council's decision")
    ACCEPTED = "accepted", pgettext_lazy("meeting proposal", "accepted")
    DECLINED = "declined", pgettext_lazy("meeting proposal", "declined")


class MeetingProposal(MeetingPlan):
    """A meeting an organisation's member proposes for an open consultation, on behalf of the
    organisation. Not public: only staff and the proposer see it. Accepting creates the public
    :class:`Meeting` (``meeting``, co-organised by ``organisation``); declining keeps the reason the
    proposer is told. A separate table rather than a status on Meeting, so that every reader of
    meetings (pages, lists, calendars, open data, registration) needs no filter to stay public."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="meeting_proposals")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="consultation_meeting_proposals",
        verbose_name=_("on behalf of"),
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=MeetingProposalStatus.choices, default=MeetingProposalStatus.PENDING
    )
    decline_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="proposal")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="accepted", meeting__isnull=False)
                | (~Q(status="accepted") & Q(meeting__isnull=True)),
                name="meeting_proposal_accepted_has_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="meeting_proposal_declined_has_reason",
            ),
        ]


class MeetingRegistration(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_registration_per_person")]
