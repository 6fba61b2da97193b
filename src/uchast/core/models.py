"""Community, its districts and the tamper-evident audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Community(TimeStampedModel):
    """A territorial community (громада) running the platform.

    Several may share one installation later; nothing assumes there is only one row.
    ``statute`` holds the parameters the community's statute sets for each module
    (petition threshold, budget voting age, ...); modules document their own keys.
    """

    slug = models.SlugField(_("short name"), unique=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    katottg = models.CharField(
        _("KATOTTG code"),
        max_length=19,
        unique=True,
        help_text=_("Code in the Codifier of administrative-territorial units, e.g. UA14160090000030373."),
    )
    coat_of_arms = models.ImageField(_("coat of arms"), upload_to="community/", blank=True)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.CharField(_("council address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_displaced = models.BooleanField(
        _("council works in displacement"),
        default=False,
        help_text=_("The council works from another city (temporary occupation or hostilities)."),
    )
    host_city_uk = models.CharField(_("host city (Ukrainian)"), max_length=200, blank=True)
    host_city_en = models.CharField(_("host city (English)"), max_length=200, blank=True)
    holidays_are_working_days = models.BooleanField(
        _("public holidays are working days"),
        default=True,
        help_text=_("Under martial law public holidays are working days (Labour Code, art. 73)."),
    )
    statute = models.JSONField(_("statute parameters"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name_uk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_uk

    @property
    def description(self) -> str:
        return self.description_en if get_language() == "en" and self.description_en else self.description_uk

    @property
    def host_city(self) -> str:
        return self.host_city_en if get_language() == "en" and self.host_city_en else self.host_city_uk

    def statute_value(self, key: str, default: Any) -> Any:
        return self.statute.get(key, default)


class District(models.Model):
    """A territory inside the community: a starosta district (старостинський округ) or a city part."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="districts")
    code = models.SlugField(_("code"), max_length=40)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    katottg = models.CharField(_("KATOTTG code"), max_length=19, blank=True)
    is_occupied = models.BooleanField(_("temporarily occupied"), default=False)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name_uk"]
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="district_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_uk


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One state change that matters, chained to the previous entry by its hash.

    Invariant: ``entry_hash == sha256(canonical(previous_hash, fields))`` and ``previous_hash`` is
    the ``entry_hash`` of the entry with the next lower ``sequence``. Rows are never updated or
    deleted (the queryset refuses, and on PostgreSQL a trigger refuses too); ``uchast audit verify``
    recomputes the chain. Write entries only through ``uchast.core.audit.record``.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    community = models.ForeignKey(Community, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.JSONField(_("change summary"), default=dict)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # The public audit page: one community's entries, newest first, paged by sequence (keyset).
            models.Index(fields=["community", "-sequence"], name="audit_community_page_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditCheckpoint(models.Model):
    """The chain's head signed with the server's Ed25519 key (``core.checkpoints``), at least daily.

    Published for observers to keep: a checkpoint they hold makes any rewrite of the entries up to
    its sequence detectable, whoever controls this database. Rows are never changed or deleted.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"))
    entry_hash = models.CharField(_("hash"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"), unique=True)
    signature = models.CharField(max_length=100)
    public_key = models.CharField(max_length=60)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"checkpoint #{self.sequence} {self.signed_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit checkpoints are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit checkpoints are append-only.")


class AuditChainHead(models.Model):
    """The single row locked while an entry is appended, so concurrent writers cannot fork the chain."""

    name = models.CharField(max_length=20, primary_key=True, default="main")
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)


class Moderated(models.Model):
    """What every moderated contribution carries (comments, consultation proposals and statements,
    and what later modules register with ``uchast.core.moderation.register_moderated``).

    Moderation hides, never deletes: a hidden contribution keeps its text for the record and shows
    ``hidden_reason`` in its place; the decision is on the audit log. ``report_count`` is maintained
    by the moderation services (never recounted on a page).
    """

    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    report_count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class Comment(Moderated):
    """A resident's comment on any public object (a project, a section version, a petition...)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"], name="comment_target_idx")]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class ModerationReport(models.Model):
    """A person's report of a contribution to the moderators (one per person and contribution).

    Open while ``resolved_at`` is empty: hiding the contribution or dismissing its reports resolves
    them, and the moderation queue lists only contributions with open reports.
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    # A default rather than auto_now_add, so the data migration could keep the old reports' times.
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id", "reporter"], name="one_moderation_report_per_person"
            )
        ]
        indexes = [models.Index(fields=["community", "resolved_at"], name="moderation_report_open_idx")]


class UserBlock(models.Model):
    """A moderator's block: the person can read but not contribute in this community until ``until``."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks")
    reason = models.CharField(_("reason"), max_length=300)
    blocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)


class Subscription(models.Model):
    """A person follows an object (a project, a petition) and is told of its news."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "target_type", "target_id"], name="one_subscription_per_target")
        ]


class Notification(models.Model):
    """What we told a person, kept so they can see it on the site and we can prove it was sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    topic = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class Attachment(models.Model):
    """A public file attached to any object (a draft decision, a council answer, a project photo)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="attachment_target_idx")]
