"""Appeals to the council (Law of Ukraine "On citizens' appeals") and problem reports about places."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from uchast.core.models import Community, Moderated
from uchast.verification.models import private_storage

SUBJECT_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 10000
ANSWER_MAX_LENGTH = 20000


class Department(models.Model):
    """A department (or an official's desk) of the council that answers appeals.

    ``topics`` are the topic values it handles (routing by rule); ``is_registry`` marks the general
    department that registers appeals and routes those no rule matched (it sees only those). A
    complaint about an answer goes to ``parent`` (the next level), or stays with the registry."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="appeal_departments")
    name = models.CharField(_("name"), max_length=200)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    is_registry = models.BooleanField(_("registers and routes appeals"), default=False)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="headed_departments"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="appeal_departments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    """Art. 3 of the law: the three kinds of appeals."""

    PROPOSAL = "proposal", _("proposal or remark")
    APPLICATION = "application", _("application or petition for a right")
    COMPLAINT = "complaint", _("complaint")


class Topic(models.TextChoices):
    DOCUMENTS = "documents", _("documents and certificates")
    HOUSING = "housing", _("housing and utilities")
    AID = "aid", _("social protection and aid")
    ROADS = "roads", _("roads, lighting and transport")
    SAFETY = "safety", _("shelters and safety")
    EDUCATION = "education", _("education and health")
    OTHER = "other", pgettext_lazy("appeal topic", "other")


class Priority(models.TextChoices):
    """Categories art. 20 of the law names for first-priority consideration (a selection)."""

    WAR_VETERAN = "war_veteran", _("war veteran or participant in combat")
    WAR_DISABILITY = "war_disability", _("person with a disability from the war")
    HERO = "hero", _("Hero of Ukraine")
    FAMILY_OF_FALLEN = "family_of_fallen", _("family member of a fallen defender")


class PriorityCheck(models.TextChoices):
    NONE = "", pgettext_lazy("priority check", "not claimed")
    CLAIMED = "claimed", pgettext_lazy("priority check", "claimed, not yet checked")
    CONFIRMED = "confirmed", pgettext_lazy("priority check", "confirmed")
    NOT_CONFIRMED = "not_confirmed", pgettext_lazy("priority check", "not confirmed")


class Status(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("appeal status", "registered")
    IN_WORK = "in_work", pgettext_lazy("appeal status", "in work")
    FORWARDED = "forwarded", pgettext_lazy("appeal status", "passed on to another body")
    ANSWERED = "answered", pgettext_lazy("appeal status", "answered")


#: An appeal in these statuses has its term running.
OPEN_STATUSES = (Status.REGISTERED, Status.IN_WORK)


class Appeal(models.Model):
    """One appeal. Personal fields (name, addresses, contact) are shown only to the person, the
    co-signers and the department handling it, and emptied by the retention task.

    Invariants: ``reg_number`` is unique in the community; ``due_date`` never passes
    ``ceiling_date`` (45 days); an answered appeal has ``answered_at`` and is not changed again."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="appeals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    text = models.TextField(_("text of the appeal"), max_length=TEXT_MAX_LENGTH)
    full_name = models.CharField(_("full name"), max_length=200)
    residence = models.CharField(_("place of residence"), max_length=300)
    displaced = models.BooleanField(_("internally displaced person"), default=False)
    current_address = models.CharField(_("current address"), max_length=300, blank=True)
    contact = models.CharField(_("e-mail or other contact"), max_length=200)
    publish = models.BooleanField(_("publish the appeal and answer without personal data"), default=False)
    priority = models.CharField(_("priority category"), max_length=20, choices=Priority.choices, blank=True)
    priority_check = models.CharField(max_length=20, choices=PriorityCheck.choices, blank=True)
    repeated_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats", verbose_name=_("repeats")
    )
    complaint_about = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints"
    )

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    reg_number = models.CharField(_("registration number"), max_length=40)
    received_on = models.DateField(_("registered on"))
    created_at = models.DateTimeField(auto_now_add=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals")
    study_needed = models.BooleanField(_("needs further study"), default=False)
    due_date = models.DateField(_("answer due"))
    forward_due = models.DateField(_("pass on by"))
    ceiling_date = models.DateField(_("latest possible answer day"))
    extension_reasons = models.TextField(_("reasons for the extension"), blank=True)
    forwarded_to = models.CharField(_("passed on to"), max_length=300, blank=True)
    forwarded_on = models.DateField(null=True, blank=True)
    reminder_sent_on = models.DateField(null=True, blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True)

    answer_text = models.TextField(_("answer"), max_length=ANSWER_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_on_time = models.BooleanField(null=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("rating of the answer"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["community", "reg_number"], name="appeal_reg_number_unique"),
            models.CheckConstraint(condition=models.Q(due_date__lte=models.F("ceiling_date")), name="appeal_due_45"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5), name="appeal_rating"
            ),
        ]
        indexes = [models.Index(fields=["community", "status", "due_date"], name="appeal_queue_idx")]

    def __str__(self) -> str:
        return self.reg_number

    def get_absolute_url(self) -> str:
        return reverse("appeals:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.publish and self.status == Status.ANSWERED


class RegisterCounter(models.Model):
    """The register's running number per community and year (locked while a number is taken)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="appeal_counter_unique")]


class CoSigner(models.Model):
    """A co-signer of a collective appeal: invited by the author, confirms with their own account."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="cosigners")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cosigned_appeals")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "user"], name="one_cosigner_row")]

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.withdrawn_at is None


class AppealFile(models.Model):
    """An attachment of an appeal or of its answer: private, served only through a checked view."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=private_storage, upload_to="appeals/%Y/%m/")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    of_answer = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class AccessLog(models.Model):
    """Who read an appeal with its personal data, and when: one row per read (law on personal data)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    what = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]


class ReportStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("report status", "new")
    ACCEPTED = "accepted", pgettext_lazy("report status", "accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("report status", "being fixed")
    RESOLVED = "resolved", pgettext_lazy("report status", "resolved")
    REJECTED = "rejected", pgettext_lazy("report status", "not for the council")


class ProblemReport(Moderated):
    """A public report about a place: a point (lat/lon) or an address, never a map required.

    Public content, so under core moderation (registered in ``apps.py``): a hidden report keeps its
    rows but its pages show only the moderator's public reason, never its title, text, place or photo.

    Invariant: ``metoo_count`` equals the number of ``MeToo`` rows (one transaction, ``F()``)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="problem_reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="problem_reports")
    title = models.CharField(_("what is wrong"), max_length=SUBJECT_MAX_LENGTH)
    text = models.TextField(_("details"), max_length=TEXT_MAX_LENGTH, blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("address or landmark"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW)
    metoo_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(address="") | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="report_has_place",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("appeals:report", args=[self.pk])


class ReportUpdate(models.Model):
    report = models.ForeignKey(ProblemReport, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=20, choices=ReportStatus.choices)
    text = models.TextField(max_length=2000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class MeToo(models.Model):
    """ "Me too" on a problem report: once per person (the constraint is the guard)."""

    report = models.ForeignKey(ProblemReport, on_delete=models.CASCADE, related_name="metoos")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="one_metoo_per_person")]
