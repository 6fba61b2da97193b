"""The open-data pages: the catalogue, its files (streamed from the snapshot on disk) and DCAT."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from uchast.core.models import Community
from uchast.core.opendata import dcat
from uchast.core.opendata.snapshot import Snapshot, current_or_build
from uchast.core.registry import registry
from uchast.core.views import public_view
from uchast.core.web import UchastRequest


def _community(request: UchastRequest) -> Community:
    if request.community is None:
        raise Http404
    return request.community


def _frequency_label(code: str) -> Any:
    return {
        "continuous": _("continuously, as things happen"),
        "daily": _("daily"),
        "monthly": _("monthly"),
        "annual": _("once a year"),
        "irregular": _("irregularly"),
    }.get(code, code)


def _rows(snapshot: Snapshot) -> list[dict[str, Any]]:
    rows = []
    for slug in sorted(registry.datasets):
        dataset = registry.datasets[slug]
        files = snapshot.files_of(slug)
        if files:
            rows.append(
                {
                    "dataset": dataset,
                    "frequency": _frequency_label(dataset.frequency),
                    "files": [
                        {**entry, "url": reverse("core:open_data_file", args=[entry["file"]])} for entry in files
                    ],
                    "live_url": reverse(dataset.live_url) if dataset.live_url else "",
                }
            )
    return rows


@require_safe
@public_view
def catalogue(request: UchastRequest) -> HttpResponse:
    snapshot = current_or_build(_community(request))
    context = {
        "datasets": _rows(snapshot),
        "generated_at": snapshot.manifest["generated_at"],
        "archive": snapshot.manifest["archive"],
        "licence_url": settings.UCHAST_OPEN_DATA_LICENCE,
        "licence_name": settings.UCHAST_OPEN_DATA_LICENCE_NAME,
    }
    return render(request, "core/open_data.html", context)


@require_safe
@public_view
def download(request: UchastRequest, name: str) -> FileResponse:
    snapshot = current_or_build(_community(request))
    path = snapshot.file(name)
    if path is None:
        raise Http404
    # FileResponse streams the file in blocks: a big dataset never sits whole in memory.
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    entry = next((e for e in snapshot.manifest["files"] if e["file"] == name), snapshot.manifest["archive"])
    response["ETag"] = f'"{entry["sha256"]}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site's script may read it
    return response


@require_safe
@public_view
def catalogue_dcat(request: UchastRequest) -> JsonResponse:
    community = _community(request)
    snapshot = current_or_build(community)
    page = request.build_absolute_uri(reverse("core:open_data"))

    def url(name: str) -> str:
        if not name:
            return page
        if name == "catalog.jsonld":
            return request.build_absolute_uri(reverse("core:open_data_dcat"))
        return request.build_absolute_uri(reverse("core:open_data_file", args=[name]))

    response = JsonResponse(
        dcat.catalogue(community, snapshot, url), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    response["Access-Control-Allow-Origin"] = "*"
    return response
