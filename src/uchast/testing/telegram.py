"""A Bot API server on loopback that plays Telegram in tests: it answers the methods the bot uses,
keeps what the bot sent, hands queued updates to ``getUpdates`` and can be taken down (outage)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


class FakeBotApi:
    def __init__(self, token: str = "123:TEST") -> None:  # noqa: S107 - a test bot, not a secret
        self.token = token
        self.sent: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self.down = False
        self.lock = threading.Lock()
        self._message_id = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def __enter__(self) -> FakeBotApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def messages_to(self, chat_id: int) -> list[str]:
        with self.lock:
            return [str(m["text"]) for m in self.sent if int(m["chat_id"]) == chat_id]

    def wait_for_message(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.messages_to(chat_id)) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{count} message(s) to {chat_id} expected, got {self.messages_to(chat_id)}")
            time.sleep(0.05)
        return self.messages_to(chat_id)

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.calls.append((method, params))
            if self.down:
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            if method == "getMe":
                return 200, {
                    "ok": True,
                    "result": {"id": 4242, "is_bot": True, "first_name": "Участь", "username": "uchast_test_bot"},
                }
            if method == "sendMessage":
                self._message_id += 1
                self.sent.append(params)
                message = {"message_id": self._message_id, "date": int(time.time()), "text": params.get("text", ""),
                           "chat": {"id": int(params["chat_id"]), "type": "private"}}  # fmt: skip
                return 200, {"ok": True, "result": message}
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                ready = [u for u in self.updates if u["update_id"] >= offset]
                return 200, {"ok": True, "result": ready}
            if method in ("setWebhook", "deleteWebhook", "setMyCommands"):
                return 200, {"ok": True, "result": True}
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                params: dict[str, Any]
                if "json" in (self.headers.get("Content-Type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw))
                prefix = f"/bot{api.token}/"
                if not self.path.startswith(prefix):
                    status, body = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                else:
                    status, body = api.answer(self.path[len(prefix) :], params)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # noqa: N815 - getMe may be a GET

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet in tests
                return

        return Handler


def text_update(update_id: int, chat_id: int, text: str, language: str = "uk") -> dict[str, Any]:
    """An update as Telegram sends it when a person writes ``text`` to the bot."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Олена", "language_code": language},
            "text": text,
        },
    }
