"""The ballot cast at the voting peak, in one place: what it skips, and why.

At the peak of a vote one request dominates: ``POST /api/budget/cycles/<id>/ballot`` with a bearer
token. Measured on this machine (``bench/voting.py``, ``docs/performance.md``), the ordinary stack
cost as much processor and database time as the ballot itself. Three parts skip what that request
does not need; everything they skip is either re-checked by the database as it writes or handed
back to the ordinary path:

- ``lane`` — a WSGI layer in front of Django (mounted by ``uchast.wsgi``). Skips the middleware,
  URL resolution and django-ninja's parsing for a cast that succeeds; keeps the permission, the
  service and Django's request signals, learns its response headers from Django's own answer, and
  hands every other request, every refusal and every error to Django untouched.
- ``voter`` — the token's user, their verification evidence and whether they are staff without a
  second factor in one prepared statement, instead of the token query, the verification query and
  the roles and authenticator queries; the evidence is left where
  ``verification.selectors.evidence_for`` looks first.
- ``statement`` — the voter's first ballot, sealed, in one guarded ``INSERT ... SELECT``
  (no ORM, no row lock, no explicit transaction on PostgreSQL), which writes nothing unless the
  database still says the cycle is voting, inside its dates, with the same conditions, every chosen
  project admitted and no ballot of this voter yet. It lets ``services.ballot_cast`` decide on
  copies memoised per worker (``selectors.cycle_for_ballot``, ``selectors.admitted_projects``).

Never skipped: the ``budget.vote`` permission, the voter's eligibility, a staff member's second
factor (refused by Django's endpoint), the categories' rules and the one-ballot-per-voter
constraint. The plain ORM path (``services.voting._cast_locked``) stays the reference: it replaces
ballots, handles every case the guarded statement declines, and a test casts the same ballots both
ways and compares the rows (``tests/budget/test_budget_cast_path.py``).

This package imports nothing on purpose: ``services`` uses ``statement`` and ``lane`` uses
``services``, so each part is imported by its own module name.
"""
