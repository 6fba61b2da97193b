"""People and their roles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff and organisation roles, stored as Django groups of the same name.

    Every signed-in person is a resident; these roles are added on top.
    """

    OFFICIAL = "official", _("official")
    MODERATOR = "moderator", _("moderator")
    ADMINISTRATOR = "administrator", _("administrator")
    ORGANISATION = "organisation", _("organisation representative")


NOTIFICATION_TOPICS: dict[str, Any] = {
    "answers": _("Answers to my proposals, petitions and projects"),
    "followed": _("News of processes and projects I follow"),
    "new_processes": _("New consultations, petitions and budget cycles"),
    "announcements": _("Announcements of the council"),
}


def default_notification_preferences() -> dict[str, bool]:
    return {"answers": True, "followed": True, "new_processes": False, "announcements": False}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("Django admin access"), default=False, help_text=_("Can open the technical admin site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    preferred_language = models.CharField(_("language"), max_length=8, default="uk")
    notification_preferences = models.JSONField(_("notification preferences"), default=default_notification_preferences)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.anonymised_at:
            return str(_("Deleted user"))
        return self.full_name or self.email.split("@", 1)[0]

    def wants_notification(self, topic: str) -> bool:
        return bool(self.notification_preferences.get(topic, default_notification_preferences().get(topic)))


#: What a token may do (issue 18): ``read`` reads what its owner may see, ``participate`` acts as a
#: resident (sign, vote, propose), ``staff`` acts in its owner's staff role (needs a recent second factor
#: to create). A token never does more than its owner may.
TOKEN_SCOPES = ("read", "participate", "staff")
TOKEN_DAYS = 90


def token_expiry() -> Any:
    return timezone.now() + timedelta(days=TOKEN_DAYS)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once on creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("token name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    scopes = models.CharField(_("scopes"), max_length=60, default="read participate")
    expires_at = models.DateTimeField(_("expires"), default=token_expiry)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes.split()

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "uch_" + secrets.token_urlsafe(32)


class ThrottleCounter(models.Model):
    """One fixed-window attempt counter of ``uchast.accounts.throttle`` when the cache is not Redis.

    ``bucket`` names the scope, the kind of limit, a keyed hash of who or what is counted and the
    window, so a row is only ever incremented (one ``INSERT ... ON CONFLICT DO UPDATE``, atomic in
    every worker) and deleted once ``expires_at`` (Unix seconds) has passed.
    """

    bucket = models.CharField(max_length=160, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return self.bucket
