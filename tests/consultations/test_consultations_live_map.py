"""The live opinion map refreshes with a 1 KB script, not htmx (issue 14: light pages)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_open_consultation_loads_the_small_refresher_not_htmx(client, consultation):
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert "uchast/refresh.js" in html and "htmx" not in html
    assert f'data-refresh-url="/consultations/{consultation.pk}/opinion/"' in html
    fragment = client.get(f"/consultations/{consultation.pk}/opinion/").content.decode()
    assert 'id="opinion-live"' in fragment and "data-refresh-url" in fragment
