"""Advisory bodies (консультативно-дорадчі органи) of the council: members (persons or
organisations), meetings with agendas and minutes, and decisions sent to the council as proposals.

Models, services and selectors of this one topic live together: the topic is small, and the
registry and competitions files stay within their size."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.models import Community
from uchast.organisations.models import Organisation, OrganisationStatus

TEXT_MAX = 20000


class BodyKind(models.TextChoices):
    PUBLIC_COUNCIL = "public_council", gettext_lazy("public council")
    IDP_COUNCIL = "idp_council", gettext_lazy("council on internally displaced persons")
    YOUTH_COUNCIL = "youth_council", gettext_lazy("youth council")
    WORKING_GROUP = "working_group", gettext_lazy("working group")


class AdvisoryBody(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="advisory_bodies")
    name = models.CharField(gettext_lazy("name"), max_length=300)
    kind = models.CharField(gettext_lazy("kind"), max_length=20, choices=BodyKind.choices)
    description = models.TextField(gettext_lazy("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:body", args=[self.pk])


class BodyRole(models.TextChoices):
    CHAIR = "chair", pgettext_lazy("advisory body role", "chair")
    MEMBER = "member", pgettext_lazy("advisory body role", "member")


class BodyMember(models.Model):
    """A seat: held by a person or by an organisation (exactly one of the two)."""

    body = models.ForeignKey(AdvisoryBody, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    role = models.CharField(max_length=10, choices=BodyRole.choices, default=BodyRole.MEMBER)

    class Meta:
        ordering = ["role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(organisation__isnull=True))
                | (Q(user__isnull=True) & Q(organisation__isnull=False)),
                name="body_member_person_or_organisation",
            ),
            models.UniqueConstraint(fields=["body", "user"], name="body_member_person_once"),
            models.UniqueConstraint(fields=["body", "organisation"], name="body_member_organisation_once"),
        ]

    @property
    def label(self) -> str:
        if self.organisation is not None:
            return self.organisation.name
        return self.user.display_name if self.user is not None else ""


class Meeting(models.Model):
    body = models.ForeignKey(AdvisoryBody, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(gettext_lazy("date and time"))
    place = models.CharField(gettext_lazy("place"), max_length=300)
    agenda = models.TextField(gettext_lazy("agenda"))
    minutes = models.TextField(gettext_lazy("minutes"), blank=True)
    minutes_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]

    def get_absolute_url(self) -> str:
        return reverse("organisations:meeting", args=[self.pk])


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(gettext_lazy("decision"))
    sent_to_council_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]


# ---- services ------------------------------------------------------------------------------------


def _text(value: str, code: str, message: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > TEXT_MAX:
        raise ActionRefused(code, message)
    return value


def body_create(*, actor: Any, community: Community, name: str, kind: str, description: str = "") -> AdvisoryBody:
    name = _text(name, "name_required", _("Give the body a name."))[:300]
    if kind not in BodyKind.values:
        raise ActionRefused("bad_kind", _("Choose the kind of body from the list."))
    with transaction.atomic():
        body = AdvisoryBody.objects.create(community=community, name=name, kind=kind, description=description.strip())
        audit.record(action="body.created", actor=actor, obj=body, community=community)
    return body


def body_member_add(
    *, body: AdvisoryBody, actor: Any, user: Any = None, organisation: Organisation | None = None, role: str
) -> BodyMember:
    if (user is None) == (organisation is None) or role not in BodyRole.values:
        raise ActionRefused("bad_member", _("A seat is held by one person or one organisation."))
    if organisation is not None and organisation.status != OrganisationStatus.CONFIRMED:
        raise ActionRefused("not_confirmed", _("Only confirmed organisations hold seats."))
    with transaction.atomic():
        member, created = BodyMember.objects.get_or_create(
            body=body, user=user, organisation=organisation, defaults={"role": role}
        )
        if not created:
            raise ActionRefused("already_member", _("This person is already a member."), status=409)
        audit.record(action="body.member_added", actor=actor, obj=body, community=body.community)
    return member


def meeting_schedule(*, body: AdvisoryBody, actor: Any, starts_at: datetime, place: str, agenda: str) -> Meeting:
    place = _text(place, "place_required", _("Say where the meeting is held."))[:300]
    agenda = _text(agenda, "agenda_required", _("Publish the agenda of the meeting."))
    with transaction.atomic():
        meeting = Meeting.objects.create(body=body, starts_at=starts_at, place=place, agenda=agenda)
        audit.record(action="body.meeting_scheduled", actor=actor, obj=body, community=body.community)
    return meeting


def minutes_publish(*, meeting: Meeting, actor: Any, minutes: str, decisions: list[str]) -> Meeting:
    """The minutes and the decisions taken, published once, after the meeting started."""
    minutes = _text(minutes, "minutes_required", _("Write the minutes of the meeting."))
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().select_related("body__community").get(pk=meeting.pk)
        if locked.minutes_published_at is not None:
            raise ActionRefused("already_published", _("The minutes are already published."), status=409)
        if locked.starts_at > timezone.now():
            raise ActionRefused("not_held_yet", _("Minutes are published after the meeting."), status=409)
        locked.minutes, locked.minutes_published_at = minutes, timezone.now()
        locked.save(update_fields=["minutes", "minutes_published_at"])
        Decision.objects.bulk_create(Decision(meeting=locked, text=t.strip()) for t in decisions if t.strip())
        audit.record(action="body.minutes_published", actor=actor, obj=locked.body, community=locked.body.community)
    return locked


def decision_send(*, decision: Decision, actor: Any) -> Decision:
    """Send a decision to the council as a proposal (recorded; the council answers in its order)."""
    with transaction.atomic():
        locked = Decision.objects.select_for_update().select_related("meeting__body__community").get(pk=decision.pk)
        if locked.sent_to_council_at is not None:
            raise ActionRefused("already_sent", _("This decision is already sent to the council."), status=409)
        locked.sent_to_council_at = timezone.now()
        locked.save(update_fields=["sent_to_council_at"])
        body = locked.meeting.body
        audit.record(
            action="body.decision_sent",
            actor=actor,
            obj=body,
            community=body.community,
            summary={"decision": locked.pk},
        )
    return locked


def bodies_of(community: Community) -> Any:
    return AdvisoryBody.objects.filter(community=community)
