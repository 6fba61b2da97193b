"""The ballot fast lane: a thin WSGI layer in front of Django for the one request of the voting
peak — ``POST /api/budget/cycles/<id>/ballot`` with a bearer token.

Why: the full stack (middleware, URL resolution, django-ninja) costs as much processor time as the
ballot itself, and at the peak the processor is the limit (``bench/voting.py``, docs/performance.md).
The lane does the same steps as the ninja endpoint ``budget.api.cast_ballot``, with the same
functions: token and evidence (``castpath.voter.voter_for_api_key``), the ``budget.vote``
permission, the cycle (``selectors.cycle_for_ballot``) and ``services.ballot_cast``. Django's request
signals are sent, so database connections live and are health-checked exactly as in a Django request.

It answers only a cast that succeeds. Anything else — another path or method, no bearer token, a
body that is not ``{"projects": [ids]}``, an unknown token, a refusal, an error — goes to Django
untouched (the body is handed on), whose endpoint gives the documented answer. A refusal writes
nothing, so deciding it twice changes nothing.

A fault in the lane (a body nested too deeply for the parser, a dropped database connection, any
exception) is never answered here: the lane logs it and replays the request to Django, whose
middleware refuses what it must and whose error handling answers the API's JSON error and logs
again if the fault persists. The cast runs in one transaction, so a fault inside it left nothing
behind; a fault after its commit (only the request-finished signal runs then) makes Django cast
the same ballot again, which replaces it with identical contents.

Response headers are not written here: the lane learns them from Django's own answer to the same
endpoint (per scheme and language), so security headers, CSP and ``Vary`` never drift from what
the middleware sets. Until Django has answered once for that kind of request, the lane steps aside.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core import signals
from django.http import Http404
from django.http.request import split_domain_port, validate_host

from uchast.budget import selectors, services
from uchast.budget.actions import BudgetAction
from uchast.budget.castpath.voter import SECOND_FACTOR_MISSING, voter_for_api_key
from uchast.core.errors import ActionRefused
from uchast.core.selectors import current_community

logger = logging.getLogger(__name__)

_PATH = re.compile(r"/api/(?:v1/)?budget/cycles/([0-9]{1,18})/ballot")
_MAX_BODY = 16 * 1024
_MAX_PROJECTS = 200
_LEARNED_KINDS = 64  # distinct (scheme, proxy scheme, Accept-Language) whose headers are kept

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class BallotFastLane:
    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.headers: dict[tuple[str, str, str], list[tuple[str, str]]] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        match = _PATH.fullmatch(environ.get("PATH_INFO", ""))
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        if match is None or environ.get("REQUEST_METHOD") != "POST" or not authorization.startswith("Bearer "):
            return self.app(environ, start_response)
        kind = (
            environ.get("wsgi.url_scheme", ""),
            environ.get("HTTP_X_FORWARDED_PROTO", ""),
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        )
        headers = self.headers.get(kind)
        if headers is None:
            return self.app(environ, self._learn(kind, start_response))
        if not _host_allowed(environ):
            return self.app(environ, start_response)  # Django refuses it (400), as for any request
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self.app(environ, start_response)
        if not 0 < length <= _MAX_BODY:
            return self.app(environ, start_response)
        try:
            body = environ["wsgi.input"].read(length)
        except OSError:
            return self.app(environ, start_response)  # the client went away: Django reports it as for any request
        try:
            answer = self._cast(environ, int(match[1]), authorization[len("Bearer ") :].strip(), body)
        except Exception:
            # Never a bare 500 from here: Django answers (and logs) whatever the fault leaves.
            logger.exception("Ballot fast lane failed; the request is handed to Django")
            answer = None
        if answer is None:
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            return self.app(environ, start_response)
        start_response("200 OK", [*headers, ("Content-Length", str(len(answer)))])
        return [answer]

    def _cast(self, environ: dict[str, Any], cycle_id: int, token: str, body: bytes) -> bytes | None:
        """The JSON answer of a successful cast, or None (then Django handles the request)."""
        projects = _project_ids(body)
        if projects is None or not token:
            return None
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            community = current_community()
            user = voter_for_api_key(token, community)
            if user is None or user.__dict__[SECOND_FACTOR_MISSING] or not user.has_perm(BudgetAction.VOTE.permission):
                return None  # Django answers it (a staff member without a second factor: 403)
            try:
                cycle = selectors.cycle_for_ballot(user, community, cycle_id)
                result = services.ballot_cast(cycle=cycle, user=user, project_ids=projects)
            except (Http404, ActionRefused):
                return None  # Django answers it, as documented
            return json.dumps({"receipt_code": result.ballot.receipt_code, "replaced": result.replaced}).encode()
        finally:
            signals.request_finished.send(sender=self.__class__)

    def _learn(self, kind: tuple[str, str, str], start_response: StartResponse) -> StartResponse:
        def remember(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            names = {name.lower() for name, _value in headers}
            if status.startswith("200 ") and "set-cookie" not in names and len(self.headers) < _LEARNED_KINDS:
                self.headers[kind] = [(n, v) for n, v in headers if n.lower() != "content-length"]
            return start_response(status, headers, *args)

        return remember


def _host_allowed(environ: dict[str, Any]) -> bool:
    """The Host check Django's ``request.get_host()`` makes (``ALLOWED_HOSTS``)."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    else:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def _project_ids(body: bytes) -> list[int] | None:
    """The ids of ``{"projects": [ids]}`` exactly as the endpoint's schema accepts them, or None."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply; Django's input guard says so
        return None
    if not isinstance(data, dict) or set(data) != {"projects"}:
        return None
    ids = data["projects"]
    if not isinstance(ids, list) or len(ids) > _MAX_PROJECTS:
        return None
    if not all(type(pk) is int and 0 < pk < 2**63 for pk in ids):
        return None
    return ids
