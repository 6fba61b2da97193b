"""A real SMTP server (aiosmtpd) on loopback that keeps every message it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class _Collector:
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SMTPCatcher:
    def __init__(self) -> None:
        self.collector = _Collector()
        self.port = _free_port()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPCatcher:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        with self.collector.lock:
            return list(self.collector.messages)

    def clear(self) -> None:
        with self.collector.lock:
            self.collector.messages.clear()

    def wait_for(self, to: str, *, timeout: float = 10.0, count: int = 1) -> list[EmailMessage]:
        """Messages addressed to ``to``; waits until ``count`` arrived or raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.messages if to.lower() in str(m.get("To", "")).lower()]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"no e-mail to {to} within {timeout}s (got {len(self.messages)} in all)")
            time.sleep(0.05)

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""
