"""A resident's proved connection to the community (the *basis*), independent of where they live."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from uchast.core.models import Community, District


class Basis(models.TextChoices):
    REGISTERED = "registered", _("registered address in the community")
    IDP = "idp", _("IDP certificate naming the community")
    CENSUS = "census", _("listed in the council's census extract")
    IN_PERSON = "in_person", _("checked in person at an IDP hub or ЦНАП")
    PROVIDER = "provider", _("confirmed by an identity provider")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    ACTIVE = "active", _("active")
    REJECTED = "rejected", _("rejected")
    REVOKED = "revoked", _("revoked")
    SUPERSEDED = "superseded", _("replaced by a renewal")


class Verification(models.Model):
    """One verification of one person in one community.

    Invariants (database constraints): at most one *active* verification per person and community;
    an identity (keyed hash of the identity number) backs at most one active verification per
    community, so a second account cannot reuse someone's identity. No identity number is stored,
    only ``identity_key`` = HMAC(IDENTITY_HASH_KEY, kind:number). History is kept: renewal marks
    the old row ``superseded``; revocation keeps the row with its reason.
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
                fields=["community", "identity_key"],
                condition=Q(status="active") & ~Q(identity_key=""),
                name="one_active_verification_per_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.basis}:{self.status}"
