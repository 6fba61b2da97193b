"""Writes of verification state, one file per topic:

- ``grants``: :func:`verification_grant` (every method ends in it, so the invariants and the audit
  entry live in one place), revocation, the identity checks the methods share, method switches;
- ``documents``: document review, and the retention and account-deletion rules for the scans;
- ``census``: the council's census list (import, claim, entries locked after failed claims);
- ``codes``: one-time codes issued in person;
- ``providers``: identity providers (OpenID Connect) as administrators configure them;
- ``register``: the participation register (one voice per person in every process that decides).

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
    person_key_from,
    verification_add_person_number,
    verification_grant,
    verification_revoke,
)
from uchast.verification.services.providers import (
    ProviderConfigError,
    oidc_provider_save,
    oidc_provider_set_enabled,
)
from uchast.verification.services.register import (
    already_participated,
    no_person_key,
    participation_claim,
    participation_forget,
    participation_record,
    participation_record_many,
    participation_release,
    participation_switch,
    require_person_key,
)

__all__ = [
    "DEFAULT_VALIDITY_DAYS",
    "DOCUMENT_MAX_BYTES",
    "DOCUMENT_RETENTION_DAYS",
    "CensusImportError",
    "CensusReport",
    "ProviderConfigError",
    "VerificationError",
    "already_participated",
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
    "no_person_key",
    "oidc_provider_save",
    "oidc_provider_set_enabled",
    "participation_claim",
    "participation_forget",
    "participation_record",
    "participation_record_many",
    "participation_release",
    "participation_switch",
    "person_key_from",
    "purge_expired_documents",
    "require_person_key",
    "verification_add_person_number",
    "verification_anonymise",
    "verification_grant",
    "verification_revoke",
]
