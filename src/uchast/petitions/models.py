"""Petitions to the council (Law of Ukraine "On citizens' appeals", art. 23-1) and their signatures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from uchast.core.models import Community

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 20000


class PetitionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("petition status", "draft")
    MODERATION = "moderation", pgettext_lazy("petition status", "in moderation")
    REFUSED = "refused", pgettext_lazy("petition status", "refused publication")
    COLLECTING = "collecting", pgettext_lazy("petition status", "collecting signatures")
    CONSIDERATION = "consideration", pgettext_lazy("petition status", "under consideration")
    ANSWERED = "answered", pgettext_lazy("petition status", "answered")
    ARCHIVED = "archived", pgettext_lazy("petition status", "archived")


#: Statuses anyone may see; the others only the author and staff.
PUBLIC_STATUSES = (
    PetitionStatus.COLLECTING,
    PetitionStatus.CONSIDERATION,
    PetitionStatus.ANSWERED,
    PetitionStatus.ARCHIVED,
)
#: Statuses that count against ``petition_max_open_per_author``.
OPEN_STATUSES = (PetitionStatus.MODERATION, PetitionStatus.COLLECTING)


class RefusalReason(models.TextChoices):
    """Grounds for refusing publication that the statute and the law allow."""

    OUTSIDE_COMPETENCE = "outside_competence", _("the question is outside the council's competence")
    UNLAWFUL_CALLS = "unlawful_calls", _("calls to violence, to change the constitutional order or to incite hatred")
    OFFENSIVE = "offensive", _("obscene or offensive language")
    NO_DEMAND = "no_demand", _("no clear demand or proposal addressed to the council")
    PERSONAL_DATA = "personal_data", _("discloses other people's personal data")
    DUPLICATE = "duplicate", _("repeats a petition that is already collecting signatures")
    OTHER = "other", _("other grounds set by the statute")


class AnswerOutcome(models.TextChoices):
    SUPPORTED = "supported", _("supported")
    PARTLY = "partly", _("partly supported")
    NOT_SUPPORTED = "not_supported", _("not supported")


class Petition(models.Model):
    """One electronic petition.

    Invariants: ``signature_count`` equals the number of ``Signature`` rows (both change in one
    transaction, the count with an ``F()`` update); deadlines are computed on the transition that
    starts them and stored; ``threshold`` is frozen when the petition is published, so a later
    statute change does not move the goal posts.
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="petitions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="petitions")
    # Started on behalf of an organisation (its member's choice); signatures always stay personal.
    on_behalf_of = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("on behalf of"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    text = models.TextField(_("text of the petition"), max_length=TEXT_MAX_LENGTH)
    status = models.CharField(_("status"), max_length=20, choices=PetitionStatus.choices, default=PetitionStatus.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    moderation_due = models.DateField(_("moderation deadline"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.CharField(_("reason for refusal"), max_length=30, choices=RefusalReason.choices, blank=True)
    refusal_text = models.TextField(_("explanation of the refusal"), max_length=2000, blank=True)

    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    collection_deadline = models.DateField(_("collection ends"), null=True, blank=True)
    threshold = models.PositiveIntegerField(_("signatures needed"), default=0)
    signature_count = models.PositiveIntegerField(_("signatures"), default=0)

    consideration_started_at = models.DateTimeField(_("consideration started"), null=True, blank=True)
    answered_as_appeal = models.BooleanField(_("considered as an ordinary appeal"), default=False)
    answer_due = models.DateField(_("answer deadline"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_petitions"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    answer_outcome = models.CharField(_("decision"), max_length=20, choices=AnswerOutcome.choices, blank=True)
    answer_text = models.TextField(_("answer of the council"), max_length=ANSWER_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-published_at", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "status", "-published_at"], name="petition_list_idx"),
            models.Index(fields=["status", "collection_deadline"], name="petition_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(signature_count__gte=0), name="petition_count_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("petitions:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def progress_percent(self) -> int:
        if not self.threshold:
            return 0
        return min(100, self.signature_count * 100 // self.threshold)


class SignatureDisplay(models.TextChoices):
    NAME = "name", _("my full name")
    INITIALS = "initials", _("my initials only")


class Signature(models.Model):
    """One resident's signature. Unique per (petition, signer): a second signature is impossible."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="petition_signatures")
    display = models.CharField(
        _("show on the public list"), max_length=10, choices=SignatureDisplay.choices, default=SignatureDisplay.NAME
    )
    created_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["petition", "signer"], name="one_signature_per_person")]
        # The public list of signatories pages by (created_at, id) within a petition (keyset).
        indexes = [models.Index(fields=["petition", "created_at", "id"], name="signature_page_idx")]

    def __str__(self) -> str:
        return f"signature {self.pk}"

    @property
    def public_name(self) -> str:
        name = self.signer.display_name
        if self.display == SignatureDisplay.INITIALS and not self.signer.anonymised_at:
            return " ".join(part[0] + "." for part in name.split() if part)
        return name
