"""The API toolkit every module's router uses: one error shape and its schema, the refusals each
kind of operation documents and its translated summary (``operations``).

The assembly (``uchast.api``) sits above the modules; this toolkit sits below them, so a module's
``api.py`` imports only downward. Token authentication lives in ``uchast.accounts.apiauth``
(it reads accounts' tokens).
"""
