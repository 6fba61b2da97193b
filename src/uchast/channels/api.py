"""A person's inbox and channels through the API (issue 18, "everything scriptable"), and staff
announcements: the same services, permissions and audit entries as the pages (``views*.py``).

Mounted by the assembly at ``/channels/``. Everything here is the caller's own (``channels.view_inbox``,
``channels.change_channels``) except announcements (``channels.send_announcement`` and a token with
the ``staff`` scope).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status

from uchast.accounts.apiauth import AUTHENTICATED, require_scope
from uchast.accounts.models import NOTIFICATION_TOPICS
from uchast.channels import calendars, push, services, telegram
from uchast.channels.announcements import announcement_send
from uchast.channels.models import Announcement, PushSubscription, TelegramLink, TelegramLinkCode
from uchast.core.api.errors import require_permission
from uchast.core.api.operations import SIGNED_IN_ERRORS, SIGNED_IN_ITEM_ERRORS, WRITE_ERRORS, lazy_text
from uchast.core.api.pagination import PageIn, page
from uchast.core.errors import ActionRefused
from uchast.core.models import Notification
from uchast.core.notifications import unread_count
from uchast.core.web import UchastRequest

router = Router(tags=["inbox and channels"], auth=AUTHENTICATED)


ChannelName = Literal["email", "telegram", "push"]
EmailModeName = Literal["immediate", "daily", "weekly", "off"]


def _private(response: HttpResponse) -> None:
    """Secrets meant for one person (a link code, a calendar address) are kept by no cache."""
    response["Cache-Control"] = "no-store"


# --- Inbox --------------------------------------------------------------------------------------


class InboxItemOut(Schema):
    id: int
    topic: str
    subject: str
    body: str
    url: str
    created_at: datetime
    read: bool

    @staticmethod
    def resolve_read(item: Notification) -> bool:
        return item.read_at is not None


class InboxOut(Schema):
    unread: int
    items: list[InboxItemOut]


class ReadAllOut(Schema):
    marked: int
    unread: int


@router.get(
    "/inbox",
    response={200: InboxOut, **SIGNED_IN_ERRORS},
    summary=lazy_text(gettext_lazy("My inbox, newest first, and how many items are unread")),
)
def inbox(request: UchastRequest, paging: Query[PageIn]) -> InboxOut:
    require_permission(request, "channels.view_inbox")
    items = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    return InboxOut(unread=unread_count(request.user), items=page(items, paging))


@router.post(
    "/inbox/{notification_id}/read",
    response={200: InboxItemOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Open an inbox item: mark it read")),
)
def open_item(request: UchastRequest, notification_id: int) -> Notification:
    require_permission(request, "channels.view_inbox")
    services.notification_mark_read(user=request.user, notification_id=notification_id)
    return Notification.objects.get(pk=notification_id, user=request.user)


@router.post(
    "/inbox/read",
    response={200: ReadAllOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Mark everything in my inbox as read")),
)
def read_all(request: UchastRequest) -> ReadAllOut:
    require_permission(request, "channels.view_inbox")
    marked = services.notification_mark_read(user=request.user)
    return ReadAllOut(marked=marked, unread=unread_count(request.user))


# --- Where news reaches me ----------------------------------------------------------------------


class ChannelSettingsOut(Schema):
    email_mode: str
    topic_channels: dict[str, list[str]]


class ChannelSettingsIn(Schema):
    email_mode: EmailModeName = Field(..., description="How e-mail is grouped: immediate, daily, weekly or off.")
    topic_channels: dict[str, list[ChannelName]] = Field(
        default_factory=dict,
        description="Channels per kind of news (answers, followed, new_processes, announcements); "
        "a kind left out keeps its channels.",
    )


def _settings_out(user: Any) -> ChannelSettingsOut:
    row = services.settings_of(user)
    return ChannelSettingsOut(
        email_mode=row.email_mode, topic_channels={topic: row.channels_for(topic) for topic in NOTIFICATION_TOPICS}
    )


@router.get(
    "/settings",
    response={200: ChannelSettingsOut, **SIGNED_IN_ERRORS},
    summary=lazy_text(gettext_lazy("Where my news reaches me")),
)
def get_settings(request: UchastRequest) -> ChannelSettingsOut:
    require_permission(request, "channels.change_channels")
    return _settings_out(request.user)


@router.put(
    "/settings",
    response={200: ChannelSettingsOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Choose the channels for each kind of news and how e-mail is grouped")),
)
def update_settings(request: UchastRequest, payload: ChannelSettingsIn) -> ChannelSettingsOut:
    require_permission(request, "channels.change_channels")
    if set(payload.topic_channels) - set(NOTIFICATION_TOPICS):
        raise ActionRefused(
            "invalid_input", _("Unknown notification topic."), status=422, details=[{"field": "topic_channels"}]
        )
    current = _settings_out(request.user).topic_channels
    chosen = {topic: list(payload.topic_channels.get(topic, current[topic])) for topic in NOTIFICATION_TOPICS}
    services.channel_settings_update(user=request.user, topic_channels=chosen, email_mode=payload.email_mode)
    return _settings_out(request.user)


# --- Telegram -----------------------------------------------------------------------------------


class TelegramOut(Schema):
    enabled: bool
    linked: bool
    bot_username: str


class TelegramCodeOut(Schema):
    code: str
    command: str  # what to send the bot
    link: str  # opens the bot with the code filled in ("" when the bot's name is not configured)
    expires_at: datetime


def _telegram_state(user: Any) -> TelegramOut:
    return TelegramOut(
        enabled=telegram.enabled(),
        linked=TelegramLink.objects.filter(user=user).exists(),
        bot_username=settings.TELEGRAM_BOT_USERNAME,
    )


@router.get(
    "/telegram",
    response={200: TelegramOut, **SIGNED_IN_ERRORS},
    summary=lazy_text(gettext_lazy("Whether my account is linked to Telegram")),
)
def telegram_status(request: UchastRequest) -> TelegramOut:
    require_permission(request, "channels.change_channels")
    return _telegram_state(request.user)


@router.post(
    "/telegram/code",
    response={201: TelegramCodeOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Start linking Telegram: a one-time code for the bot")),
)
def telegram_link_code(request: UchastRequest, response: HttpResponse) -> Status[TelegramCodeOut]:
    """The code is shown once (only its hash is kept) and works for 30 minutes; asking again
    replaces it."""
    require_permission(request, "channels.change_channels")
    if not telegram.enabled():
        raise ActionRefused("telegram_off", _("The Telegram bot is not set up on this site yet."), status=409)
    code = telegram.link_code_create(user=request.user)
    bot = settings.TELEGRAM_BOT_USERNAME
    _private(response)
    return Status(
        201,
        TelegramCodeOut(
            code=code,
            command=f"/start {code}",
            link=f"https://t.me/{bot}?start={code}" if bot else "",
            expires_at=TelegramLinkCode.objects.get(user=request.user).expires_at,
        ),
    )


@router.delete(
    "/telegram",
    response={200: TelegramOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Unlink Telegram")),
)
def telegram_unlink(request: UchastRequest) -> TelegramOut:
    require_permission(request, "channels.change_channels")
    telegram.telegram_unlink(user=request.user)
    return _telegram_state(request.user)


# --- Browser notifications and the personal calendar --------------------------------------------


class PushKeysIn(Schema):
    p256dh: str = Field(..., max_length=200)
    auth: str = Field(..., max_length=100)


class PushSubscriptionIn(Schema):
    """What the browser's ``PushSubscription.toJSON()`` gives."""

    endpoint: str = Field(..., max_length=1000)
    keys: PushKeysIn


class PushOut(Schema):
    devices: int  # browsers subscribed for this account


@router.post(
    "/push",
    response={201: PushOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Subscribe a browser to notifications")),
)
def push_subscribe(request: UchastRequest, payload: PushSubscriptionIn) -> Status[PushOut]:
    require_permission(request, "channels.change_channels")
    push.push_subscribe(
        user=request.user, endpoint=payload.endpoint, p256dh=payload.keys.p256dh, auth=payload.keys.auth
    )
    return Status(201, PushOut(devices=PushSubscription.objects.filter(user=request.user).count()))


@router.delete(
    "/push",
    response={200: PushOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Switch browser notifications off on every device")),
)
def push_off(request: UchastRequest) -> PushOut:
    require_permission(request, "channels.change_channels")
    push.push_unsubscribe(user=request.user)
    return PushOut(devices=PushSubscription.objects.filter(user=request.user).count())


class CalendarOut(Schema):
    url: str  # secret: whoever has it reads my deadlines


@router.get(
    "/calendar",
    response={200: CalendarOut, **SIGNED_IN_ERRORS},
    summary=lazy_text(gettext_lazy("The secret address of my calendar feed")),
)
def calendar_url(request: UchastRequest, response: HttpResponse) -> CalendarOut:
    require_permission(request, "channels.change_channels")
    _private(response)
    return CalendarOut(url=calendars.personal_url(request.user))


@router.post(
    "/calendar/reset",
    response={200: CalendarOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Give my calendar feed a new address; the old one stops working")),
)
def calendar_reset(request: UchastRequest, response: HttpResponse) -> CalendarOut:
    require_permission(request, "channels.change_channels")
    calendars.calendar_reset(user=request.user)
    _private(response)
    return CalendarOut(url=calendars.personal_url(request.user))


# --- Staff announcements ------------------------------------------------------------------------


class StaffAnnouncementIn(Schema):
    subject: str = Field(..., max_length=200)
    body: str = Field(..., max_length=5000)
    district_code: str = Field("", max_length=40, description="Only residents of this district (code).")
    basis: str = Field("", max_length=20, description="Only residents on this basis of residence.")


class StaffAnnouncementOut(Schema):
    id: int
    subject: str
    body: str
    district_code: str
    basis: str
    recipients: int
    created_at: datetime


def _announcer(request: UchastRequest) -> Any:
    require_permission(request, "channels.send_announcement")
    require_scope(request, "staff")
    if request.community is None:
        raise Http404
    return request.community


@router.post(
    "/announcements",
    response={201: StaffAnnouncementOut, **WRITE_ERRORS},
    summary=lazy_text(gettext_lazy("Send an announcement to residents who opted in (staff)")),
)
def send_announcement(request: UchastRequest, payload: StaffAnnouncementIn) -> Status[Announcement]:
    community = _announcer(request)
    announcement = announcement_send(
        actor=request.user,
        community=community,
        subject=payload.subject,
        body=payload.body,
        district_code=payload.district_code,
        basis=payload.basis,
    )
    return Status(201, announcement)


@router.get(
    "/announcements",
    response={200: list[StaffAnnouncementOut], **SIGNED_IN_ITEM_ERRORS},
    summary=lazy_text(gettext_lazy("Announcements sent, newest first (staff)")),
)
def list_announcements(request: UchastRequest, paging: Query[PageIn]) -> list[Announcement]:
    community = _announcer(request)
    return page(Announcement.objects.filter(community=community).order_by("-created_at", "-pk"), paging)
