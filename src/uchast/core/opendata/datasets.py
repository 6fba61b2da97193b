"""Core's own dataset: the audit log (every field its hash covers), registered from ``CoreConfig.ready()``."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext_lazy as _

from uchast.core.audit import RECORD_FIELDS, local_records
from uchast.core.registry import DataFormat, Dataset, DataTable

#: Every field an entry's hash covers, in the published order.
_COLUMNS = RECORD_FIELDS


def _audit_table(community: Any) -> DataTable:
    def rows() -> Any:
        for record in local_records():
            yield [
                json.dumps(record.get(c), ensure_ascii=False, sort_keys=True) if c == "summary" else record.get(c, "")
                for c in _COLUMNS
            ]

    return DataTable(_COLUMNS, rows())


def _audit_jsonl(community: Any, out: Any) -> None:
    # The same lines as /audit/log.jsonl: `uchast audit verify-file` checks either.
    for record in local_records():
        out.write((json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode())


AUDIT_LOG = Dataset(
    slug="audit-log",
    title=_("Audit log"),
    description=_(
        "Every change that matters on the platform, in order, each entry chained to the one before by "
        "its SHA-256 hash, so that a rewritten history shows."
    ),
    frequency="continuous",
    table=_audit_table,
    formats=(DataFormat("jsonl", "JSON Lines", "application/x-ndjson", "jsonl", _audit_jsonl),),
    keywords=("audit", "transparency"),
    live_url="core:audit_log_jsonl",
)
