from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from uchast.testing.telegram import FakeBotApi


@pytest.fixture
def bot_api(settings: Any) -> Iterator[FakeBotApi]:
    """Telegram played by a Bot API server on loopback; the bot's base URL points at it."""
    with FakeBotApi(token="123:TEST") as api:
        settings.TELEGRAM_BOT_TOKEN = api.token
        settings.TELEGRAM_API_URL = api.base_url
        settings.TELEGRAM_WEBHOOK_SECRET = "webhook-secret-for-tests"
        yield api


class PushService:
    """A push service on loopback: keeps what the site posted, answers ``status``."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                service.received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def endpoint(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/push/{name}"


@pytest.fixture
def push_service(settings: Any) -> Iterator[PushService]:
    import base64

    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = ec.generate_private_key(ec.SECP256R1())
    b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()  # noqa: E731
    settings.WEBPUSH_VAPID_PRIVATE_KEY = b64(key.private_numbers().private_value.to_bytes(32, "big"))
    settings.WEBPUSH_VAPID_PUBLIC_KEY = b64(
        key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    )
    service = PushService()
    service.thread.start()
    yield service
    service.server.shutdown()
    service.server.server_close()
