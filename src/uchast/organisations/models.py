"""Civil-society organisations (ІГС), their members, and partnership competitions (конкурси для ІГС).

Money is integer kopiykas. Invariants that must hold under concurrency are constraints: one
membership per person and organisation, one application per organisation and competition, one score
per member, application and criterion, one conflict declaration per member and application.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from uchast.core.files import private_storage
from uchast.core.models import Community, District, Moderated
from uchast.core.timeline import Timeline
from uchast.organisations.scoring import MEAN, TRIMMED_MEAN

NAME_MAX_LENGTH = 300
TEXT_MAX_LENGTH = 10000


class LegalForm(models.TextChoices):
    PUBLIC_ORGANISATION = "public_organisation", _("public organisation")
    PUBLIC_UNION = "public_union", _("public union")
    CHARITY = "charity", _("charitable organisation")
    OTHER = "other", _("other non-profit")


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("organisation status", "awaiting confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("organisation status", "confirmed")
    REFUSED = "refused", pgettext_lazy("organisation status", "refused")


class Organisation(Moderated):
    """Moderated: a hidden profile shows the reason in place of its areas of work and description."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    edrpou = models.CharField(_("EDRPOU code"), max_length=8)
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    registered_on = models.DateField(_("date of state registration"))
    areas = models.CharField(_("areas of work"), max_length=500)
    description = models.TextField(_("about the organisation"), blank=True)
    districts = models.ManyToManyField(District, blank=True, related_name="+", verbose_name=_("districts served"))
    works_with_idps = models.BooleanField(_("works with displaced people"), default=False)
    email = models.EmailField(_("contact e-mail"))
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    # Public: shown on the profile and in the registry (under a random name: not guessable while pending).
    logo = models.ImageField(_("logo"), upload_to="organisations/logos/", blank=True)
    # Private storage, served by a checked view: public once the organisation is confirmed.
    statute = models.FileField(_("statute"), storage=private_storage, upload_to="organisations/statutes/", blank=True)
    status = models.CharField(max_length=20, choices=OrganisationStatus.choices, default=OrganisationStatus.PENDING)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "edrpou"], name="org_unique_edrpou_per_community"),
        ]
        # An organisation named exactly (``selectors.confirmed_organisation``: a seat, a co-organiser)
        # is found by this index, as the unique constraint finds one by its code; the registry's pages
        # (confirmed ones by name) read it in order too.
        indexes = [models.Index(fields=["community", "status", "name"], name="org_community_status_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.status == OrganisationStatus.CONFIRMED


class MemberRole(models.TextChoices):
    HEAD = "head", pgettext_lazy("organisation role", "head")
    MEMBER = "member", pgettext_lazy("organisation role", "member")


class Membership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_memberships")
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "created_at"]
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="org_one_membership")]


class Invitation(models.Model):
    """An e-mailed invitation; only the token's hash is stored (the link is in the e-mail only)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )


# ---- partnership competitions ----------------------------------------------------------------


class Phase(models.TextChoices):
    ANNOUNCED = "announced", pgettext_lazy("competition phase", "announced")
    APPLICATIONS = "applications", pgettext_lazy("competition phase", "accepting applications")
    REVIEW = "review", pgettext_lazy("competition phase", "review by the commission")
    RESULTS = "results", pgettext_lazy("competition phase", "results published")
    SUSPENDED = "suspended", pgettext_lazy("competition phase", "suspended")


class Aggregation(models.TextChoices):
    MEAN = MEAN, _("mean of the members' scores")
    TRIMMED_MEAN = TRIMMED_MEAN, _("mean without the highest and the lowest score")


TIMELINE: Timeline[Phase] = Timeline(
    order=(Phase.ANNOUNCED, Phase.APPLICATIONS, Phase.REVIEW, Phase.RESULTS),
    starts=((Phase.APPLICATIONS, "applications_open_at"), (Phase.REVIEW, "applications_close_at")),
    suspended=Phase.SUSPENDED,
    messages={"dates_out_of_order": _("Applications must close after they open.")},
)


class Competition(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="competitions")
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    description = models.TextField(_("description"))
    priorities = models.TextField(_("priorities"))
    budget = models.BigIntegerField(_("budget, kopiykas"))
    max_per_programme = models.BigIntegerField(_("limit per programme, kopiykas"))
    min_own_percent = models.PositiveSmallIntegerField(_("minimum own contribution, %"), default=10)
    min_registered_months = models.PositiveSmallIntegerField(_("registered at least, months"), default=6)
    eligibility_rules = models.TextField(_("other eligibility rules"), blank=True)
    aggregation = models.CharField(_("aggregation of scores"), max_length=20, choices=Aggregation.choices)
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    status = models.CharField(max_length=20, choices=Phase.choices, default=Phase.ANNOUNCED)
    suspended_from = models.CharField(max_length=20, blank=True)
    suspension_reason = models.TextField(blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)
    #: When the winners' reports are due (optional; the winners are reminded, staff see them overdue).
    interim_report_due = models.DateField(_("interim report due"), null=True, blank=True)
    final_report_due = models.DateField(_("final report due"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-applications_open_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gt=0) & Q(max_per_programme__gt=0) & Q(min_own_percent__lte=100),
                name="competition_sane_money",
            ),
            models.CheckConstraint(
                condition=Q(applications_close_at__gt=models.F("applications_open_at")), name="competition_dates_order"
            ),
            models.CheckConstraint(
                condition=Q(interim_report_due__isnull=True)
                | Q(final_report_due__isnull=True)
                | Q(interim_report_due__lt=models.F("final_report_due")),
                name="competition_report_dates_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("organisations:competition", args=[self.pk])

    def report_due(self, kind: str) -> Any:
        """The due date of the ``kind`` report (``ReportKind``), or None."""
        return self.interim_report_due if kind == ReportKind.INTERIM else self.final_report_due


class Criterion(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("criterion"), max_length=300)
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]


class CommissionKind(models.TextChoices):
    STAFF = "staff", _("council staff")
    PUBLIC = "public", _("public council representative")


class CommissionMember(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="commission")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=CommissionKind.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["competition", "user"], name="commission_one_seat")]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("application status", "submitted")
    ELIGIBLE = "eligible", pgettext_lazy("application status", "eligible")
    INELIGIBLE = "ineligible", pgettext_lazy("application status", "ineligible")
    WINNER = "winner", pgettext_lazy("application status", "funded")
    NOT_FUNDED = "not_funded", pgettext_lazy("application status", "not funded")


class Application(Moderated):
    """Moderated: a hidden application shows the reason in place of its goals, activities and timeline."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(_("programme title"), max_length=NAME_MAX_LENGTH)
    goals = models.TextField(_("goals"))
    activities = models.TextField(_("activities"))
    schedule = models.TextField(_("timeline of the programme"))
    own_total = models.BigIntegerField(_("own contribution, kopiykas"))
    requested_total = models.BigIntegerField(_("requested, kopiykas"))
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    ineligibility_reason = models.TextField(blank=True)
    final_score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("competition application")
        verbose_name_plural = _("competition applications")
        ordering = ["rank", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "organisation"], name="application_one_per_organisation"),
            models.CheckConstraint(condition=Q(own_total__gte=0) & Q(requested_total__gt=0), name="application_money"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("organisations:application", args=[self.pk])


class ApplicationDocument(models.Model):
    """A document attached to an application (PDF or office document): never public, served only
    to the organisation's members, staff and the competition's commission by a checked view."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=private_storage, upload_to="organisations/applications/%Y/%m/")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def get_absolute_url(self) -> str:
        return reverse("organisations:document", args=[self.application_id, self.pk])


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="lines")
    item = models.CharField(_("item"), max_length=300)
    own_amount = models.BigIntegerField(_("own, kopiykas"))
    requested_amount = models.BigIntegerField(_("requested, kopiykas"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(own_amount__gte=0) & Q(requested_amount__gte=0), name="budget_line_not_negative"
            ),
        ]


class ConflictDeclaration(models.Model):
    """A commission member's declared conflict of interest: they never score this application."""

    member = models.ForeignKey(CommissionMember, on_delete=models.CASCADE, related_name="conflicts")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    note = models.TextField(_("nature of the conflict"))
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "application"], name="conflict_once")]


class Score(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(CommissionMember, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["member_id", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "member", "criterion"], name="score_once"),
        ]


class ReportKind(models.TextChoices):
    INTERIM = "interim", pgettext_lazy("report kind", "interim")
    FINAL = "final", pgettext_lazy("report kind", "final")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("report status", "awaiting review")
    ACCEPTED = "accepted", pgettext_lazy("report status", "accepted")
    RETURNED = "returned", pgettext_lazy("report status", "returned for changes")


class Report(Moderated):
    """Moderated: a hidden report shows the reason in place of its text."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    text = models.TextField(_("what was done"))
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    staff_note = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("programme report")
        verbose_name_plural = _("programme reports")
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="report_one_per_kind")]

    def get_absolute_url(self) -> str:
        return f"{self.application.get_absolute_url()}#report-{self.pk}"


class ReminderStage(models.TextChoices):
    DUE_SOON = "due_soon", pgettext_lazy("report reminder", "due soon")
    OVERDUE = "overdue", pgettext_lazy("report reminder", "overdue")


class ReportReminder(models.Model):
    """A reminder sent to a winner's members about one report, once per stage (the constraint makes
    the periodic job idempotent, even when two runs overlap)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="report_reminders")
    kind = models.CharField(max_length=10, choices=ReportKind.choices)
    stage = models.CharField(max_length=10, choices=ReminderStage.choices)
    due = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "kind", "stage"], name="report_reminder_once"),
        ]


class ReportSpending(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="spending")
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="+")
    spent = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "line"], name="spending_once_per_line"),
            models.CheckConstraint(condition=Q(spent__gte=0), name="spending_not_negative"),
        ]


class ReportPhoto(models.Model):
    """A photo of a report (re-encoded without metadata), kept private and served by a checked view:
    to everyone once staff accepted the report, until then to the organisation's members and staff."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(storage=private_storage, upload_to="organisations/reports/%Y/%m/")
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def get_absolute_url(self) -> str:
        return reverse("organisations:report_photo", args=[self.report_id, self.pk])


# Advisory bodies' tables live in ``bodies.py`` (one small topic in one file); imported here so
# Django finds them with the app's models.
from uchast.organisations.bodies import (  # noqa: E402, F401
    AdvisoryBody,
    BodyMember,
    Candidate,
    Decision,
    Election,
    ElectionVote,
    Meeting,
)
