"""The audit log in public: the page, the full log as JSON Lines, and the signed checkpoints (a list,
the latest as a file to keep, and an Atom feed) that let anyone check the log's history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from uchast.core.audit import local_records, published_checkpoint
from uchast.core.auditwords import describe
from uchast.core.dbrouter import public_read
from uchast.core.models import AuditCheckpoint
from uchast.core.pagination import keyset_page
from uchast.core.selectors import public_audit_entries
from uchast.core.views import public_view
from uchast.core.web import UchastRequest


@require_safe
@public_view
@public_read
def audit_log(request: UchastRequest) -> HttpResponse:
    latest = AuditCheckpoint.objects.order_by("-signed_at").first()
    page = keyset_page(public_audit_entries(request.community), request, order=("-sequence",), size=100)
    context = {
        "entries": describe(page.items),
        "page": page,
        "checkpoint": published_checkpoint(latest) if latest else None,
        "log_url": request.build_absolute_uri(reverse("core:audit_log_jsonl")),
    }
    return render(request, "core/audit_log.html", context)


def _lines() -> Iterator[str]:
    for record in local_records():
        yield json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"


@require_safe
@public_view
@public_read
def audit_log_jsonl(request: HttpRequest) -> StreamingHttpResponse:
    """Every entry, oldest first, one JSON object per line, with every field the hash covers."""
    response = StreamingHttpResponse(_lines(), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.jsonl"'
    return response


@require_safe
@public_view
def checkpoints_json(request: HttpRequest) -> JsonResponse:
    records = [published_checkpoint(c) for c in AuditCheckpoint.objects.order_by("-signed_at")[:400]]
    return JsonResponse({"checkpoints": records}, json_dumps_params={"ensure_ascii": False})


@require_safe
@public_view
def checkpoint_latest(request: HttpRequest) -> HttpResponse:
    latest = AuditCheckpoint.objects.order_by("-signed_at").first()
    if latest is None:
        return JsonResponse({"error": {"code": "not_found", "message": "No checkpoint yet."}}, status=404)
    record = published_checkpoint(latest)
    response = JsonResponse(record, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="audit-checkpoint-{latest.sequence}.json"'
    return response


class CheckpointFeed(Feed):  # type: ignore[type-arg]
    """Observers subscribe and keep every checkpoint (the item's content is the published record)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Audit log checkpoints")
    subtitle = gettext_lazy("The audit log's head, signed every day. Keep them to check its history.")
    item_guid_is_permalink = False

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        if not request.user.has_perm("core.view_public"):
            raise PermissionDenied

    def link(self) -> str:
        return reverse("core:audit_log")

    def items(self) -> list[AuditCheckpoint]:
        return list(AuditCheckpoint.objects.order_by("-signed_at")[:60])

    def item_title(self, item: AuditCheckpoint) -> str:
        return f"#{item.sequence} {item.entry_hash[:16]}"

    def item_description(self, item: AuditCheckpoint) -> str:
        return json.dumps(published_checkpoint(item), ensure_ascii=False)

    def item_link(self, item: AuditCheckpoint) -> str:
        return reverse("core:audit_checkpoints")

    def item_guid(self, item: AuditCheckpoint) -> str:
        return f"audit-checkpoint-{item.signed_at.isoformat()}"

    def item_pubdate(self, item: AuditCheckpoint) -> Any:
        return item.signed_at
