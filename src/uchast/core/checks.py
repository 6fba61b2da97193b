"""``uchast check --deploy`` refuses a production configuration that would silently weaken the
platform's guarantees. Each is an Error (the command exits non-zero), with the fix in its hint.

Why each matters:

- a per-process cache makes every rate limit a fiction under several workers (each worker counts
  on its own: 8 wrong passwords and then the right one signed in, with four workers);
- console e-mail means confirmation links, password resets and answers to residents are printed to
  a log instead of sent;
- an identity-hash key equal to (or built from) ``SECRET_KEY`` ties every keyed identity hash to the
  key that signs sessions: whoever holds one holds both, and rotating ``SECRET_KEY`` after a leak
  would orphan every census list and verification;
- the person key's secret and the voter-token key (``ballot_secrecy_keys``) must each be a key of
  their own: whoever holds ``SECRET_KEY`` (every worker, often a CI variable) must not also hold
  what links a ballot to its voter or a register row to a person, and the person key can never be
  rotated (it outlives accounts);
- ``DEBUG`` shows settings and code to anyone who triggers an error;
- without ``AUDIT_SIGNING_KEY`` no checkpoint of the audit log is signed, so outsiders cannot detect
  history rewritten by whoever holds the database;
- without ``ALLOWED_HOSTS`` a production server answers for any host name.

docs/deploy.md lists the same requirements.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from uchast.core import checkpoints

_PER_PROCESS_CACHES = ("LocMemCache", "DummyCache", "FileBasedCache")


def _derived(secret: str, key: str) -> bool:
    """Equal, one inside the other, or sharing a long common start: built from the same secret."""
    if not secret or not key:
        return False
    if secret == key or secret in key or key in secret:
        return True
    common = 0
    for a, b in zip(secret, key, strict=False):
        if a != b:
            break
        common += 1
    return common >= 16


@register(Tags.security, deploy=True)
def production_requirements(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    backend = str(settings.CACHES["default"]["BACKEND"])
    if backend.endswith(_PER_PROCESS_CACHES):
        errors.append(
            Error(
                "The cache is per process, so rate limits and sessions are not shared by the workers.",
                hint="Set CACHE_URL=redis://host:6379/0 (docs/deploy.md).",
                id="uchast.E001",
            )
        )
    if str(settings.EMAIL_BACKEND).endswith(("console.EmailBackend", "locmem.EmailBackend", "dummy.EmailBackend")):
        errors.append(
            Error(
                "E-mail is printed, not sent: residents get no confirmation, reset or answer.",
                hint="Set EMAIL_URL=smtp+tls://user:password@host:587.",
                id="uchast.E002",
            )
        )
    if _derived(str(settings.SECRET_KEY), str(settings.IDENTITY_HASH_KEY)):
        errors.append(
            Error(
                "IDENTITY_HASH_KEY is SECRET_KEY or built from it.",
                hint="Set IDENTITY_HASH_KEY to its own random value (and never change it once residents are verified).",
                id="uchast.E003",
            )
        )
    if settings.DEBUG:
        errors.append(Error("DEBUG is on in production.", hint="Unset DEBUG.", id="uchast.E004"))
    if not settings.AUDIT_SIGNING_KEY:
        errors.append(
            Error(
                "AUDIT_SIGNING_KEY is not set: the audit log's daily checkpoints are not signed.",
                hint="Run 'uchast audit keygen', set AUDIT_SIGNING_KEY and publish the public key.",
                id="uchast.E006",
            )
        )
    else:
        try:
            checkpoints.load_signing_key(settings.AUDIT_SIGNING_KEY)
        except checkpoints.SigningKeyError as error:
            errors.append(Error(str(error), hint="Run 'uchast audit keygen'.", id="uchast.E006"))
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty or allows any host.",
                hint="Set ALLOWED_HOSTS to the site's host names.",
                id="uchast.E005",
            )
        )
    return errors


#: The secrecy keys checked by ``ballot_secrecy_keys``: error id, and when the key may change.
_SECRECY_KEYS = {
    "PERSON_KEY_SECRET": ("uchast.E007", "never change it once residents take part: register rows outlive accounts."),
    "VOTER_TOKEN_KEY": ("uchast.E008", "change it only while no voting is open."),
    "BUDGET_SEAL_KEY": (
        "uchast.E009",
        "never change it while a server-key budget cycle is not counted: its ballots could not be opened.",
    ),
}


@register(Tags.security, deploy=True)
def ballot_secrecy_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """PERSON_KEY_SECRET, VOTER_TOKEN_KEY and BUDGET_SEAL_KEY: set, not SECRET_KEY or built from it,
    and not one another's or the identity key's (each protects a different link or, for the seal
    key, the contents of server-key ballots; docs/budget.md)."""
    keys = {
        "SECRET_KEY": str(settings.SECRET_KEY),
        "IDENTITY_HASH_KEY": str(settings.IDENTITY_HASH_KEY),
        **{name: str(getattr(settings, name)) for name in _SECRECY_KEYS},
    }
    errors: list[Error] = []
    for name, (error_id, when) in _SECRECY_KEYS.items():
        shared = [other for other in keys if other != name and _derived(keys[other], keys[name])]
        if shared or len(keys[name]) < 32:
            problem = f"it is {', '.join(shared)} or built from it." if shared else "it is shorter than 32 characters."
            errors.append(
                Error(
                    f"{name} is not a key of its own: {problem}",
                    hint=f"Set {name} to its own random value of at least 32 characters (docs/deploy.md); {when}",
                    id=error_id,
                )
            )
    return errors
