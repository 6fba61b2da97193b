"""The audit log in words: a label for each action code and, where the object is public, its title
and a link. Modules register their words through ``registry.add_audit_words``; a code nobody
labelled is still turned into words ("petition.threshold_reached" -> "Petition threshold reached")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from uchast.core.models import AuditEntry
from uchast.core.registry import registry

#: Core's own codes (accounts and moderation live in core's apps).
CORE_LABELS: dict[str, Any] = {
    "core.demo_loaded": _("Demo content loaded"),
    "accounts.account_deleted": _("Account deleted"),
    "accounts.role_granted": _("Role granted"),
    "moderation.reports_dismissed": _("Reports dismissed"),
    "moderation.user_blocked": _("User blocked"),
    "moderation.user_unblocked": _("User unblocked"),
    "moderation.comment_hidden": _("Comment hidden"),
    "moderation.comment_restored": _("Comment restored"),
}


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    label: Any
    object_title: str = ""
    object_url: str = ""


def words_for_code(code: str) -> str:
    """The generic fallback: dots and underscores become spaces, sentence case."""
    words = " ".join(code.replace("_", " ").replace(".", " ").split())
    return words[:1].upper() + words[1:]


def action_label(code: str) -> Any:
    return registry.audit_labels.get(code) or CORE_LABELS.get(code) or words_for_code(code)


def describe(entries: Iterable[AuditEntry]) -> list[AuditRow]:
    """Rows for the page; one query per object type for the public titles."""
    entries = list(entries)
    ids: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_type in registry.audit_objects and entry.object_id:
            ids[entry.object_type].add(entry.object_id)
    public = {kind: registry.audit_objects[kind](sorted(found)) for kind, found in ids.items()}
    rows = []
    for entry in entries:
        title, url = public.get(entry.object_type, {}).get(entry.object_id, ("", ""))
        rows.append(AuditRow(entry, action_label(entry.action), title, url))
    return rows
