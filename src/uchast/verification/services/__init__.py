"""Writes of verification state, one file per topic:

- ``grants``: :func:`verification_grant` (every method ends in it, so the invariants and the audit
  entry live in one place), revocation, the identity checks the methods share, method switches;
- ``documents``: document review, and the retention and account-deletion rules for the scans;
- ``census``: the council's census list (import, claim, entries locked after failed claims);
- ``codes``: one-time codes issued in person;
- ``providers``: identity providers (OpenID Connect) as administrators configure them.

Callers import from here (``from uchast.verification import services``); the names below are the
package's public use cases, constants and refusals.
"""

from uchast.verification.services.census import (
    CensusImportError,
    CensusReport,
    census_claim,
    census_entry_unlock,
    census_import,
)
from uchast.verification.services.codes import code_batch_create, code_redeem
from uchast.verification.services.documents import (
    DOCUMENT_MAX_BYTES,
    DOCUMENT_RETENTION_DAYS,
    document_approve,
    document_reject,
    document_submit,
    purge_expired_documents,
    verification_anonymise,
)
from uchast.verification.services.grants import (
    DEFAULT_VALIDITY_DAYS,
    VerificationError,
    default_expiry,
    method_set_enabled,
    verification_grant,
    verification_revoke,
)
from uchast.verification.services.providers import (
    ProviderConfigError,
    oidc_provider_save,
    oidc_provider_set_enabled,
)

__all__ = [
    "DEFAULT_VALIDITY_DAYS",
    "DOCUMENT_MAX_BYTES",
    "DOCUMENT_RETENTION_DAYS",
    "CensusImportError",
    "CensusReport",
    "ProviderConfigError",
    "VerificationError",
    "census_claim",
    "census_entry_unlock",
    "census_import",
    "code_batch_create",
    "code_redeem",
    "default_expiry",
    "document_approve",
    "document_reject",
    "document_submit",
    "method_set_enabled",
    "oidc_provider_save",
    "oidc_provider_set_enabled",
    "purge_expired_documents",
    "verification_anonymise",
    "verification_grant",
    "verification_revoke",
]
