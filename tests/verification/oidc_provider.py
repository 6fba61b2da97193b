"""A small, real OpenID Connect provider on loopback, for tests (ID.GOV.UA / BankID-like claims).

Implements discovery, ``/authorize`` (authorization code; auto-approves, or shows a minimal
consent form when ``consent=True``), ``/token`` (client_secret_post or basic, PKCE S256 required,
codes single-use), ``/jwks`` and ``/userinfo``. ID tokens are RS256-signed (joserfc) with a key generated at
start. ``sign_with_wrong_key`` makes it sign with a key not in its JWKS (to test rejection).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

# joserfc (the JOSE library by Authlib's author) signs here, while the platform verifies with
# authlib.jose: two implementations, so a shared bug cannot hide.
from joserfc import jwt
from joserfc.jwk import RSAKey


class OidcProvider:
    def __init__(self, *, client_id: str, client_secret: str, claims: dict[str, Any], consent: bool = False) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.claims = claims
        self.consent = consent
        self.sign_with_wrong_key = False
        self.tamper: dict[str, Any] = {}  # claims to overwrite in the next ID tokens (tests of rejection)
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.wrong_key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, str] = {}
        self.token_requests = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> OidcProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- endpoints -------------------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], str]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {}, "invalid_request"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {}, "PKCE required"
        if "openid" not in query.get("scope", "").split():
            return 400, {}, "openid scope required"
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "redirect_uri": query["redirect_uri"],
            "nonce": query.get("nonce"),
            "challenge": query["code_challenge"],
            "expires": time.time() + 60,
        }
        target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query.get("state", "")})
        return 302, {"Location": target}, ""

    def consent_page(self, query: dict[str, str]) -> str:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in query.items()
        )
        return (
            '<!DOCTYPE html><html lang="uk"><head><meta charset="utf-8"><title>Тестовий провайдер</title></head>'
            "<body><main><h1>Тестовий провайдер ідентифікації</h1>"
            f'<form method="post" action="/authorize">{hidden}<button type="submit">Дозволити</button></form>'
            "</main></body></html>"
        )

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if client_id != self.client_id or client_secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)  # single use
        if form.get("grant_type") != "authorization_code" or grant is None or grant["expires"] < time.time():
            return 400, {"error": "invalid_grant"}
        if grant["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "sub": self.claims.get("sub", "person-1"),
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": grant["nonce"],
            **{k: v for k, v in self.claims.items() if k != "sub"},
        }
        payload.update(self.tamper)
        key = self.wrong_key if self.sign_with_wrong_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, payload, key)
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = payload["sub"]
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    # --- HTTP plumbing ---------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        return type("Handler", (_Handler,), {"provider": self})


class _Handler(BaseHTTPRequestHandler):
    """The provider's HTTP endpoints; ``provider`` is set on a subclass per provider."""

    provider: Any

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def _send(self, status: int, body: str | dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = (json.dumps(body) if isinstance(body, dict) else body).encode()
        self.send_response(status)
        ctype = "application/json" if isinstance(body, dict) else "text/html; charset=utf-8"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length", "0"))
        return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

    def do_GET(self) -> None:  # noqa: N802
        path = urlparse(self.path).path
        if path == "/.well-known/openid-configuration":
            self._send(200, self.provider.discovery())
        elif path == "/jwks":
            self._send(200, {"keys": [self.provider.key.as_dict(private=False)]})
        elif path == "/authorize":
            if self.provider.consent:
                self._send(200, self.provider.consent_page(self._query()))
            else:
                status, headers, body = self.provider.authorize(self._query())
                self._send(status, body, headers)
        elif path == "/userinfo":
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            sub = self.provider.tokens.get(token)
            if sub is None:
                self._send(401, {"error": "invalid_token"})
            else:
                self._send(200, {"sub": sub, **{k: v for k, v in self.provider.claims.items() if k != "sub"}})
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:  # noqa: N802
        path = urlparse(self.path).path
        form = self._form()
        if path == "/token":
            status, body = self.provider.token(form, self.headers.get("Authorization", ""))
            self._send(status, body, {"Cache-Control": "no-store"})
        elif path == "/authorize":
            status, headers, text = self.provider.authorize(form)
            self._send(status, text, headers)
        else:
            self._send(404, {"error": "not_found"})
