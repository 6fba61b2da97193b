"""Page weight on a weak line (issue 14): a public page costs at most 60 KB on a first visit and
15 KB for each next page, in compressed bytes over the wire: the HTML and every stylesheet, script
and image it loads; an asset already loaded (cached) counts on its first visit only.

Static files are compressed by whitenoise in production (CompressedManifestStaticFilesStorage) and
HTML by the proxy (nginx's `gzip on`, docs/deploy.md); development serves both uncompressed, so
the test compresses each body itself with gzip, the encoding every browser accepts.
"""

from __future__ import annotations

import gzip
import re

import pytest
from django.test import Client

from uchast.accounts.demo import load_demo

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

FIRST_VISIT = 60 * 1024
NEXT_PAGE = 15 * 1024
ASSET = re.compile(r'<(?:link[^>]*rel="(?:stylesheet|icon|manifest)"[^>]*href|script[^>]*src|img[^>]*src)="(/[^"]+)"')
TEXT = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/manifest+json")


def _wire_bytes(response) -> int:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    compressible = response.get("Content-Type", "").startswith(TEXT)
    return len(gzip.compress(body, 9)) if compressible else len(body)


def _page(client: Client, path: str) -> tuple[int, dict[str, int]]:
    """The page's own compressed bytes, and each asset it loads with its compressed bytes."""
    response = client.get(path)
    assert response.status_code == 200, path
    assets = {}
    for url in dict.fromkeys(ASSET.findall(response.content.decode())):
        asset = client.get(url.replace("&amp;", "&"))
        assert asset.status_code == 200, f"{path} loads {url}: {asset.status_code}"
        assets[url] = _wire_bytes(asset)
    return _wire_bytes(response), assets


def _public_pages(context) -> list[str]:
    from uchast.budget.models import BudgetCycle
    from uchast.consultations.models import Consultation, Phase
    from uchast.petitions.models import PUBLIC_STATUSES, Petition

    petition = Petition.objects.filter(status__in=PUBLIC_STATUSES).order_by("pk").first()
    counted = BudgetCycle.objects.exclude(results_published_at=None).order_by("pk").first()
    consultation = Consultation.objects.filter(phase=Phase.OPEN).order_by("pk").first()  # refreshed by htmx
    return [
        "/",
        "/petitions/",
        petition.get_absolute_url(),
        f"/budget/{counted.pk}/results/",
        "/consultations/",
        consultation.get_absolute_url(),
    ]


def test_public_pages_stay_within_the_weight_budget():
    pages = _public_pages(load_demo())
    client = Client()
    cached: set[str] = set()
    report = []
    for number, path in enumerate(pages):
        html, assets = _page(client, path)
        first_visit = html + sum(assets.values())
        next_page = html + sum(size for url, size in assets.items() if url not in cached)
        cached |= set(assets)
        report.append(f"{path}: first visit {first_visit} B, as a next page {next_page} B")
        assert first_visit <= FIRST_VISIT, report[-1]
        if number:
            assert next_page <= NEXT_PAGE, report[-1]
    print("\n".join(report))


def test_scripts_are_loaded_only_by_pages_that_use_them(client, community):
    html = client.get("/").content.decode()
    # The only script every page loads: the offline service worker's registration (about 200 bytes).
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/uchast/sw-register.js" defer>']
    assert "htmx" not in html
    assert html.count('rel="stylesheet"') == 1  # one stylesheet
