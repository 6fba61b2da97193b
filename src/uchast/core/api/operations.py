"""What an operation declares besides its own schemas: the refusals it documents and its summary.

Each kind of operation documents one set of statuses, declared here once so that a module picks
its kind instead of writing the set again (``response={201: IdeaOut, **WRITE_ERRORS}``). Every
status answers the one :class:`~uchast.core.api.schemas.Error` shape. What each status means:

- 422: any parameter, query or body can be refused (types, bounds), so every kind has it;
- 403: the permission the page checks too, ``core.view_public`` for a public read (a community
  may be closed to the public); with a session, a write without its CSRF token;
- 401: no or a bad token, on operations that need someone signed in; a bad (unknown, expired,
  revoked) token on every operation, public reads included, which read a token when one is sent
  (``uchast.accounts.apiauth.PUBLIC``);
- 404: the thing the path names is missing, or hidden from the asker (``access_*`` does not leak
  existence);
- 409: the thing's state refuses the action now (a closed phase, a second signature);
- 429: attempts counted per person and address (codes and receipts can be guessed). The assembly
  adds 429 to every counted write by itself (``uchast.api.api``); only reads and the writes
  that count attempts of their own name it here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import cast

from django.utils.functional import Promise

from uchast.core.api.schemas import Error


def _refusals(*statuses: int) -> Mapping[int, type[Error]]:
    # Read-only: one module adding a status would change the documentation of every other one.
    return MappingProxyType(dict.fromkeys(statuses, Error))


# The public reads answer 401 only for a bad token (none is needed), and 403 also for a token
# without the ``read`` scope (or, a staff member's, without ``staff``).
#: A public read that names nothing (a list, a count): a community closed to the asker.
PUBLIC_ERRORS = _refusals(401, 403, 422)
#: A public read of a thing named in the path, or of the community's own (which may be missing).
#: (One whose ``access_*`` answers 404 for whatever the asker may not see, a closed community
#: included, still answers 403 to a token without the scope it needs, before that check.)
PUBLIC_ITEM_ERRORS = _refusals(401, 403, 404, 422)
#: A public read of one thing whose attempts are counted (a receipt code can be guessed).
THROTTLED_ITEM_ERRORS = _refusals(401, 403, 404, 422, 429)
#: Someone signed in acting on their own, naming nothing (my profile, my inbox, a new appeal).
SIGNED_IN_ERRORS = _refusals(401, 403, 422)
#: Someone signed in reading (or revoking) a thing named in the path.
SIGNED_IN_ITEM_ERRORS = _refusals(401, 403, 404, 422)
#: A write on a thing, which its state may refuse: residents' actions and staff work alike.
WRITE_ERRORS = _refusals(401, 403, 404, 409, 422)
#: A write whose attempts are counted by the action itself (a verification code, a census claim).
THROTTLED_WRITE_ERRORS = _refusals(401, 403, 404, 409, 422, 429)
#: The budget's writes: its refusals keep 400 as their default status
#: (:class:`uchast.budget.errors.BudgetError`, for the ballot's clients).
BUDGET_WRITE_ERRORS = _refusals(400, 401, 403, 404, 409, 422)


def lazy_text(text: Promise) -> str:
    """A lazy translation where ninja's signature asks for ``str`` (an operation's ``summary``).

    Ninja keeps the value as it is and the schema is written per request by Django's JSON encoder,
    which renders a lazy text in the request's language; a text made ``str`` here would be frozen
    in the language active at import. So the cast only tells the type checker what ninja accepts.
    The ``gettext_lazy("...")`` stays at the call site, where ``makemessages`` finds it.
    """
    return cast(str, text)
