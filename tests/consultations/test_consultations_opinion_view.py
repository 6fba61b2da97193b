"""The opinion map as the pages draw it (``consultations.opinionmap.opinion_view``): its layout read once per
computed map (or put in the cache as the map is computed), the statements' texts read every time (so
a hidden one leaves at once)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from uchast.accounts.demo import load_demo
from uchast.consultations.models import Consultation, Statement
from uchast.consultations.opinionmap import opinion_view
from uchast.consultations.tasks import refresh_opinion_now


def _texts(view: dict) -> set[str]:
    listed = [s for group in view["groups"] for s in group["statements"]] + view["consensus"]
    return {s["text"] for s in listed}


@pytest.mark.django_db
def test_the_layout_is_read_once_per_map_and_hidden_statements_leave_at_once() -> None:
    load_demo()
    consultation = Consultation.objects.get(phase="open")
    first = opinion_view(consultation)
    assert first is not None and len(first["groups"]) >= 2
    shown = _texts(first)
    assert shown and "" not in shown
    participants = consultation.opinion.data["participants"]
    points = first["points"]()
    assert len(points) == len(participants) and all(20 <= p["x"] <= 280 and 20 <= p["y"] <= 280 for p in points)

    with CaptureQueriesContext(connection) as queries:
        again = opinion_view(consultation)
    assert again is not None and _texts(again) == shown and again["drawing_key"] == first["drawing_key"]
    # The snapshot's row without its data (every participant), then the texts: nothing else.
    assert len(queries) == 2 and not any('"data"' in q["sql"] for q in queries.captured_queries)

    hidden = Statement.objects.get(consultation=consultation, text=sorted(shown)[0])
    Statement.objects.filter(pk=hidden.pk).update(is_hidden=True)
    after = opinion_view(consultation)
    assert after is not None and _texts(after) == shown - {hidden.text}

    # A map computed again is put in the cache as it is stored, layout and circles: its first view
    # reads no data either, not even to draw.
    refresh_opinion_now(consultation)
    with CaptureQueriesContext(connection) as queries:
        fresh = opinion_view(consultation)
        drawn = fresh["points"]() if fresh is not None else []
    assert fresh is not None and fresh["drawing_key"] != first["drawing_key"] and len(drawn) == len(points)
    assert not any('"data"' in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_a_big_map_draws_one_circle_per_square_and_group_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import Client

    from uchast.consultations import opinionmap

    load_demo()
    consultation = Consultation.objects.get(phase="open")
    participants = consultation.opinion.data["participants"]
    one_by_one = opinion_view(consultation)
    assert one_by_one is not None and not one_by_one["grid"]
    assert [p["n"] for p in one_by_one["points"]()] == [1] * len(participants)

    monkeypatch.setattr(opinionmap, "POINTS_ONE_BY_ONE", 10)
    monkeypatch.setattr(opinionmap, "GRID_CELL", 40)
    refresh_opinion_now(consultation)  # a new computation: its layout knows the map is big
    big = opinion_view(consultation)
    assert big is not None and big["grid"]
    circles = big["points"]()
    # Every participant is in exactly one circle of their group; fewer circles than participants.
    assert sum(c["n"] for c in circles) == len(participants) and len(circles) < len(participants)
    by_group = {}
    for circle in circles:
        by_group[circle["css"]] = by_group.get(circle["css"], 0) + circle["n"]
    groups = [p["group"] for p in participants]
    assert by_group == {(f"g{g}" if g is not None else "gn"): groups.count(g) for g in set(groups)}
    assert all(0 < c["r"] <= 36 and 0 < c["x"] < 300 and 0 < c["y"] < 300 for c in circles)
    assert [c["n"] for c in circles] == sorted((c["n"] for c in circles), reverse=True)  # fullest first
    page = Client().get(f"/consultations/{consultation.pk}/").content.decode()
    assert page.count('class="pt ') == len(circles) and "одне коло позначає кількох" in page
