"""A resident's proved connection to the community (the *basis*), independent of where they live."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from uchast.core.files import PrivateStorage
from uchast.core.models import Community, District


class Basis(models.TextChoices):
    REGISTERED = "registered", _("registered address in the community")
    IDP = "idp", _("IDP certificate naming the community")
    CENSUS = "census", _("listed in the council's census extract")
    IN_PERSON = "in_person", _("checked in person at an IDP hub or ЦНАП")
    PROVIDER = "provider", _("confirmed by an identity provider")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    ACTIVE = "active", _("in force")
    REJECTED = "rejected", _("rejected")
    REVOKED = "revoked", _("revoked")
    SUPERSEDED = "superseded", _("replaced by a renewal")


class Verification(models.Model):
    """One verification of one person in one community.

    Invariants (database constraints): at most one *active* verification per person and community;
    an identity (keyed hash of the identity number) backs at most one active verification per
    community, so a second account cannot reuse someone's identity. No identity number is stored,
    only ``identity_key`` = HMAC(IDENTITY_HASH_KEY, kind:number), and the person key derived from the
    person number (``person_key``; the same for one human whichever method proved them). History is
    kept: renewal marks the old row ``superseded``; revocation keeps the row with its reason.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verifications")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="verifications")
    method = models.CharField(_("method"), max_length=40)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    identity_key = models.CharField(max_length=64, blank=True, db_index=True)
    #: The person key (``verification.identity.person_key_for``): what the participation register
    #: records. Empty when the method proved no person number; such a verification cannot decide.
    person_key = models.CharField(max_length=64, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_by_label = models.CharField(_("verified by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=Q(status="active"),
                name="one_active_verification_per_person",
            ),
            models.UniqueConstraint(
                fields=["user", "community"],
                condition=Q(status="pending"),
                name="one_pending_verification_per_person",
            ),
            models.UniqueConstraint(
                fields=["community", "identity_key"],
                condition=Q(status="active") & ~Q(identity_key=""),
                name="one_active_verification_per_identity",
            ),
        ]
        # The staff queue's keyset pages, newest first: a city's 150,000 confirmations were read
        # whole and sorted for every page without it.
        indexes = [models.Index(fields=["community", "-created_at", "-id"], name="verification_newest")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.basis}:{self.status}"


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


class MethodSetting(models.Model):
    """Per-community switch of one verification method (methods are on unless switched off)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(_("method"), max_length=40)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "method"], name="one_setting_per_method")]

    def __str__(self) -> str:
        return f"{self.method}:{self.enabled}"


class DocumentKind(models.TextChoices):
    IDP_CERTIFICATE = "idp_certificate", _("IDP certificate (довідка ВПО)")
    REGISTRATION = "registration", _("passport page or extract with the registered address")


class DocumentSubmission(models.Model):
    """A scan waiting for staff review; the file is deleted when the decision is made.

    The document number is never stored: only ``Verification.identity_key`` (its keyed hash).
    """

    verification = models.OneToOneField(Verification, on_delete=models.CASCADE, related_name="document")
    document_kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    number_kind = models.CharField(max_length=20)
    file = models.FileField(storage=private_storage, upload_to="verification/%Y/%m/", blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"document:{self.verification_id}"


class CensusEntry(models.Model):
    """One person of the council's census extract, as a keyed hash only."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    identity_key = models.CharField(max_length=64)
    birth_date = models.DateField()
    basis = models.CharField(max_length=20, choices=Basis.choices)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: Claims that named this entry's number with another birth date; at the limit the entry locks
    #: (``locked_at``) and no claim passes until staff unlock it on the census page.
    failed_claims = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "identity_key"], name="one_census_entry_per_identity")
        ]

    def __str__(self) -> str:
        return f"census:{self.pk}"


class CensusImport(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"census-import:{self.pk}"


class CodeBatch(models.Model):
    """A printed sheet of one-time codes handed out in person (IDP hub, ЦНАП)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(_("label"), max_length=120)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices, default=Basis.IN_PERSON)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    expires_on = models.DateField(_("codes valid until"))
    #: The resident must give their person number when redeeming (without it the confirmation
    #: proves the basis but cannot vote, sign or support until the number is added).
    number_required = models.BooleanField(_("the resident must enter their person number"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label


class OneTimeCode(models.Model):
    """A code as its keyed hash; ``redeemed_by`` set once, by a conditional UPDATE."""

    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code:{self.pk}"


class OidcProvider(models.Model):
    """An OpenID Connect identity provider (ID.GOV.UA / BankID-style). The client secret is read
    from the environment variable named here, never stored in the database."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=40)
    name = models.CharField(_("name"), max_length=120)
    issuer = models.URLField(_("issuer"))
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret_env = models.CharField(_("environment variable with the client secret"), max_length=100)
    scopes = models.CharField(_("scopes"), max_length=200, default="openid profile")
    #: our field -> claim path (dots for nested claims): birth_date, katottg, document_number
    claims_map = models.JSONField(_("claims map"), default=dict, blank=True)
    identity_kind = models.CharField(_("kind of the document number claim"), max_length=20, default="rnokpp")
    validity_days = models.PositiveIntegerField(_("validity in days"), default=365)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "slug"], name="one_provider_per_slug")]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    """How a participation was given; the budget's duplicate rule compares them."""

    ONLINE = "online", _("online")
    PAPER = "paper", _("on paper")


class Participation(models.Model):
    """The participation register: one row per (process, person key), the one gate for one voice
    per person in every process that decides (ballots online and on paper, signatures, supports,
    binding survey answers). The primary key *is* the pair, so the database refuses a second row
    even from parallel requests of two accounts of one person, or of a person who deleted their
    account and came back.

    A row holds no user, no ballot and no time finer than the day: ``process`` names the process
    (``"budget.vote:12"``, see ``verification.register.process_key``), ``person_key`` is the bare
    keyed hash, ``channel`` says online or on paper (the budget's duplicate rule needs it). Rows
    survive account deletion and are deleted when their process ends (``participation_forget``).
    """

    pk = models.CompositePrimaryKey("process", "person_key")
    process = models.CharField(max_length=80)
    person_key = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    recorded_on = models.DateField()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participation register")

    def __str__(self) -> str:
        return f"{self.process}:{self.channel}"
