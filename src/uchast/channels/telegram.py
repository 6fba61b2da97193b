"""The Telegram bot: linking by one-time code, commands, and the Telegram channel's sender.

One handler serves both modes: the webhook view (production) and ``uchast telegram_poll``
(development). Each update is handled once (``TelegramUpdate`` keeps its id) inside one
transaction together with the bot's reply: if Telegram cannot be reached the whole update is
rolled back and handled again when Telegram delivers it again, so nothing is lost or doubled.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from telegram import Bot

from uchast.channels.models import TelegramLink, TelegramLinkCode, TelegramUpdate
from uchast.channels.senders import Batch, Permanent, language_of
from uchast.core.models import Notification
from uchast.core.notifications import follow
from uchast.core.registry import ProcessCard, registry
from uchast.core.selectors import current_community

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a phone screen and typed
CODE_LIFETIME = timedelta(minutes=30)


def enabled() -> bool:
    return bool(settings.TELEGRAM_BOT_TOKEN)


def make_bot() -> Bot:
    return Bot(settings.TELEGRAM_BOT_TOKEN, base_url=settings.TELEGRAM_API_URL)


def send_text(chat_id: int, text: str) -> None:
    """Send one message; raises if Telegram cannot be reached or refuses."""

    async def send() -> None:
        async with make_bot() as bot:
            await bot.send_message(chat_id=chat_id, text=text, disable_web_page_preview=True)

    run_async(send)


def run_async(make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine from sync code, also where this thread already runs an event loop (an ASGI
    worker's thread, a test driving a browser): then in a short-lived thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def link_code_create(*, user: Any) -> str:
    """A new one-time code for the profile (the previous one stops working). Shown once."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    with transaction.atomic():
        TelegramLinkCode.objects.filter(user=user).delete()
        TelegramLinkCode.objects.create(user=user, code_hash=_hash(code), expires_at=timezone.now() + CODE_LIFETIME)
    return code


def telegram_unlink(*, user: Any) -> bool:
    deleted, _ = TelegramLink.objects.filter(user=user).delete()
    return deleted > 0


def _link(chat_id: int, code: str) -> Any | None:
    row = (
        TelegramLinkCode.objects.select_for_update()
        .select_related("user")
        .filter(code_hash=_hash(code), expires_at__gt=timezone.now())
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    user = row.user
    row.delete()
    TelegramLink.objects.filter(chat_id=chat_id).exclude(user=user).delete()  # a chat serves one account
    TelegramLink.objects.update_or_create(user=user, defaults={"chat_id": chat_id})
    return user


def _cards(user: Any) -> list[ProcessCard]:
    community = current_community()
    cards: list[ProcessCard] = []
    if community is not None:
        for provider in registry.open_process_providers:
            cards.extend(provider(community, user or AnonymousUser()))
    return cards


def _absolute(url: str) -> str:
    return settings.UCHAST_BASE_URL.rstrip("/") + url if url.startswith("/") else url


def _card(user: Any, args: list[str]) -> ProcessCard | None:
    cards = _cards(user)
    if len(args) == 1 and args[0].isdigit() and 1 <= int(args[0]) <= len(cards):
        return cards[int(args[0]) - 1]
    return None


def _help(chat_id: int, user: Any, args: list[str]) -> str:
    return _(
        "Commands:\n/processes — open processes and their deadlines\n/go N — the link to take part in "
        "process N\n/follow N — follow process N\n/unlink — stop messages from this bot\n/help — this list"
    )


def _start(chat_id: int, user: Any, args: list[str]) -> str:
    if not args:
        return _(
            "Hello! To receive notifications here, open your profile on the site, get a code and send it "
            "here as: /start CODE"
        )
    linked = _link(chat_id, args[0])
    if linked is None:
        return _("This code is not valid or has expired. Get a new one in your profile on the site.")
    with translation.override(language_of(linked)):
        return _("Your account is linked. The news you chose will come here.") + "\n\n" + _help(chat_id, linked, [])


def _processes(chat_id: int, user: Any, args: list[str]) -> str:
    cards = _cards(user)
    if not cards:
        return _("Nothing is open for participation right now.")
    lines = [_("Open now:")]
    for number, card in enumerate(cards, start=1):
        deadline = f"; {card.action or card.deadline_text}" if (card.action or card.deadline_text) else ""
        lines.append(f"{number}. {card.kind}: {card.title} — {card.status}{deadline}")
    lines.append(_("Send /go N for the link, /follow N to follow."))
    return "\n".join(lines)


def _go(chat_id: int, user: Any, args: list[str]) -> str:
    card = _card(user, args)
    if card is None:
        return _("There is no process with that number. Send /processes for the list.")
    return _("%(title)s: %(url)s\nYou take part on the site, after signing in.") % {
        "title": card.title,
        "url": _absolute(card.url),
    }


def _follow(chat_id: int, user: Any, args: list[str]) -> str:
    if user is None:
        return _("Link your account first: get a code in your profile on the site.")
    card = _card(user, args)
    if card is None or card.target is None:
        return _("There is no process with that number. Send /processes for the list.")
    if not follow(user, card.target):
        return _("You already follow “%(title)s”.") % {"title": card.title}
    return _("You now follow “%(title)s”. Its news will come here if you chose Telegram for it.") % {
        "title": card.title
    }


def _unlink(chat_id: int, user: Any, args: list[str]) -> str:
    if user is None:
        return _("This chat is not linked to an account.")
    TelegramLink.objects.filter(chat_id=chat_id).delete()
    return _("This chat is unlinked. The bot will send you nothing more.")


COMMANDS: dict[str, Callable[[int, Any, list[str]], str]] = {
    "/start": _start,
    "/help": _help,
    "/processes": _processes,
    "/go": _go,
    "/follow": _follow,
    "/unlink": _unlink,
}


def reply_for(chat_id: int, text: str, language_code: str) -> str:
    """What the bot answers ``text`` from ``chat_id``, in the linked person's language (else the
    Telegram app's: Ukrainian for uk, English otherwise)."""
    link = TelegramLink.objects.select_related("user").filter(chat_id=chat_id).first()
    user = link.user if link and link.user.is_active else None
    words = text.split()
    command = words[0].split("@", 1)[0].lower() if words else ""
    language = language_of(user) if user else ("uk" if language_code.startswith("uk") else "en")
    with translation.override(language):
        return COMMANDS.get(command, _help)(chat_id, user, words[1:])


def handle_update(data: dict[str, Any]) -> bool:
    """Handle one update once; False if it was handled before (or is not a text message)."""
    update_id = data.get("update_id")
    message = data.get("message") or {}
    if not isinstance(update_id, int):
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                TelegramUpdate.objects.create(update_id=update_id)
        except IntegrityError:
            return False
        chat = message.get("chat") or {}
        text = message.get("text")
        if chat.get("type") != "private" or not isinstance(text, str) or not isinstance(chat.get("id"), int):
            return True
        language_code = str((message.get("from") or {}).get("language_code") or "")
        # Sent inside the transaction: if Telegram is down, the update is not marked handled.
        send_text(chat["id"], reply_for(chat["id"], text, language_code))
    return True


def send_notification(batch: Batch, notification: Notification, user: Any) -> None:
    """The Telegram channel's sender."""
    if not enabled():
        raise Permanent("Telegram bot not configured")
    link = TelegramLink.objects.filter(user=user).first()
    if link is None:
        raise Permanent("Telegram not linked")
    text = notification.subject
    if notification.url:
        text += "\n" + _absolute(notification.url)
    send_text(link.chat_id, text)


def startup_lines() -> list[str]:
    """What ``uchast run`` prints about the bot."""
    if not enabled():
        return [_("Telegram bot: set TELEGRAM_BOT_TOKEN, then run “uchast telegram_poll” beside the server.")]
    return [_("Telegram bot: run “uchast telegram_poll” beside the server (development, no webhook).")]
