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
    """A seat added by hand (staff): a person, or an organisation confirmed in the body's community."""
    from django.db import IntegrityError

    if (user is None) == (organisation is None) or role not in BodyRole.values:
        raise ActionRefused("bad_member", _("A seat is held by one person or one organisation."))
    if organisation is not None and (
        organisation.status != OrganisationStatus.CONFIRMED or organisation.community_id != body.community_id
    ):
        raise ActionRefused("not_confirmed", _("Only confirmed organisations hold seats."))
    try:
        with transaction.atomic():
            member, created = BodyMember.objects.get_or_create(
                body=body, user=user, organisation=organisation, defaults={"role": role}
            )
            if not created:
                raise ActionRefused("already_member", _("This person is already a member."), status=409)
            audit.record(
                action="body.member_added",
                actor=actor,
                obj=body,
                community=body.community,
                summary={"seat": member.pk, "organisation": member.organisation_id, "role": role},
            )
    except IntegrityError as error:  # the same seat added at the same moment
        raise ActionRefused("already_member", _("This person is already a member."), status=409) from error
    return member


def body_member_end(*, member: BodyMember, actor: Any) -> AdvisoryBody:
    """End a seat (staff): the person or organisation leaves the body; the audit log keeps who held it."""
    with transaction.atomic():
        locked = BodyMember.objects.select_for_update().select_related("body__community").filter(pk=member.pk).first()
        if locked is None:
            raise ActionRefused("not_member", _("This seat has already ended."), status=409)
        body = locked.body
        summary = {"seat": locked.pk, "organisation": locked.organisation_id, "role": locked.role}
        locked.delete()
        audit.record(action="body.member_ended", actor=actor, obj=body, community=body.community, summary=summary)
    return body


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


# ---- elections by organisations' delegates ------------------------------------------------------


class Election(models.Model):
    """Seats of a body filled by the organisations' vote: each confirmed organisation's head votes
    once for it (a database constraint), for one candidate; the most votes take the seats."""

    body = models.ForeignKey(AdvisoryBody, on_delete=models.CASCADE, related_name="elections")
    title = models.CharField(gettext_lazy("title"), max_length=300)
    seats = models.PositiveSmallIntegerField(gettext_lazy("seats"))
    closes_at = models.DateTimeField(gettext_lazy("voting closes"))
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-closes_at"]


class Candidate(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    votes = models.PositiveIntegerField(default=0)
    elected = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["election", "user"], name="candidate_once")]


class ElectionVote(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="votes")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "organisation"], name="election_one_vote_per_org")]


def election_open(
    *, body: AdvisoryBody, actor: Any, title: str, seats: int, closes_at: datetime, candidates: list[Any]
) -> Election:
    title = _text(title, "title_required", _("Give the election a title."))[:300]
    if seats < 1 or len(candidates) < seats or closes_at <= timezone.now():
        raise ActionRefused(
            "bad_election", _("An election needs at least as many candidates as seats, and a closing time ahead.")
        )
    with transaction.atomic():
        election = Election.objects.create(body=body, title=title, seats=seats, closes_at=closes_at)
        Candidate.objects.bulk_create(Candidate(election=election, user=u) for u in dict.fromkeys(candidates))
        audit.record(action="body.election_opened", actor=actor, obj=body, community=body.community)
    return election


def election_vote(
    *, election: Election, delegate: Any, organisation: Organisation, candidate: Candidate
) -> ElectionVote:
    """The organisation's one vote, cast by its head (its delegate). A second vote of the same
    organisation, by anyone, is refused by the database constraint."""
    from django.db import IntegrityError
    from django.db.models import F

    from uchast.organisations.models import MemberRole

    if candidate.election_id != election.pk:
        raise ActionRefused("bad_candidate", _("Choose a candidate of this election."))
    if organisation.status != OrganisationStatus.CONFIRMED or organisation.community_id != election.body.community_id:
        raise ActionRefused("not_confirmed", _("Only organisations confirmed in this community vote."))
    if not organisation.memberships.filter(user=delegate, role=MemberRole.HEAD).exists():
        raise ActionRefused("not_delegate", _("The organisation's vote is cast by its head."), status=403)
    try:
        with transaction.atomic():
            locked = Election.objects.select_for_update().get(pk=election.pk)
            if locked.counted_at is not None or locked.closes_at <= timezone.now():
                raise ActionRefused("closed", _("Voting in this election is closed."), status=409)
            vote = ElectionVote.objects.create(
                election=locked, organisation=organisation, candidate=candidate, delegate=delegate
            )
            Candidate.objects.filter(pk=candidate.pk).update(votes=F("votes") + 1)
            audit.record(
                action="body.election_vote",
                actor=delegate,
                obj=locked.body,
                community=locked.body.community,
                summary={"election": locked.pk, "organisation": organisation.pk, "candidate": candidate.pk},
            )
    except IntegrityError as error:
        raise ActionRefused("already_voted", _("This organisation has already voted."), status=409) from error
    return vote


def election_count(*, election: Election, actor: Any) -> list[Candidate]:
    """After closing: the candidates with the most votes take the seats (ties: the earlier
    nomination) and join the body."""
    with transaction.atomic():
        locked = Election.objects.select_for_update().select_related("body__community").get(pk=election.pk)
        if locked.counted_at is not None or locked.closes_at > timezone.now():
            raise ActionRefused("not_closed", _("The election is counted after voting closes."), status=409)
        ranked = sorted(locked.candidates.all(), key=lambda c: (-c.votes, c.pk))
        elected = ranked[: locked.seats]
        for candidate in elected:
            candidate.elected = True
            candidate.save(update_fields=["elected"])
            BodyMember.objects.get_or_create(body=locked.body, user=candidate.user, defaults={"role": BodyRole.MEMBER})
        locked.counted_at = timezone.now()
        locked.save(update_fields=["counted_at"])
        audit.record(
            action="body.election_counted",
            actor=actor,
            obj=locked.body,
            community=locked.body.community,
            summary={"election": locked.pk, "elected": [c.user_id for c in elected]},
        )
    return elected
