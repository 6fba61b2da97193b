"""The opinion map as the pages draw it: the computed map's layout (groups placed, statements by
id) from the cache, the statements' texts fresh, the points scaled into the SVG box only when the
template's cached drawing is missing. A selector module of its own: the map's drawing is the one
read here whose cost grows with the participants."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, cast

from django.core.cache import cache

from uchast.consultations.models import Consultation, OpinionSnapshot

GROUP_LABELS = "ABCDE"
MAP_SIZE = 300
MAP_PAD = 20


def opinion_view(consultation: Consultation) -> dict[str, Any] | None:
    """What the page draws: groups and consensus with their statements' texts, and the points scaled
    into the SVG box. The map's layout comes from the cache while the map stays the same (the key
    names its computation): its data hold every participant, thousands in a city, and reading and
    scaling them on every view was most of the page's time. The texts are read on every view, so a
    statement hidden by the moderators since the map was computed is left out at once."""
    snapshot = OpinionSnapshot.objects.filter(consultation=consultation).defer("data").first()
    if snapshot is None:
        return None
    key = _layout_key(snapshot)
    layout = cast(dict[str, Any], cache.get_or_set(key, lambda: _layout_of(_data(snapshot.pk)), timeout=LAYOUT_SECONDS))
    if not layout:
        return None
    texts = dict(consultation.statements.filter(is_hidden=False).values_list("pk", "text"))

    def worded(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**s, "text": texts[s["statement_id"]]} for s in statements if s["statement_id"] in texts]

    return {
        **layout,
        "groups": [{**group, "statements": worded(group["statements"])} for group in layout["groups"]],
        "consensus": worded(layout["consensus"]),
        # A callable: the template calls it only when the drawing is not in the cache. One point per
        # participant is thousands of SVG circles in a city; the drawing changes only when the map
        # is computed again (drawing_key).
        "points": lambda: cache.get_or_set(
            _points_key(key), lambda: _points_of(_data(snapshot.pk)), timeout=LAYOUT_SECONDS
        ),
        "drawing_key": key,
        "computed_at": snapshot.computed_at,
    }


def _opinion_scale(data: dict[str, Any]) -> tuple[Any, Any]:
    """The functions that place the map's coordinates in the SVG box (padded, both axes spanned)."""
    xs = [p["x"] for p in data["participants"]]
    ys = [p["y"] for p in data["participants"]]
    low_x, low_y = min(xs), min(ys)
    span_x = (max(xs) - low_x) or 1.0
    span_y = (max(ys) - low_y) or 1.0
    inner = MAP_SIZE - 2 * MAP_PAD

    def sx(x: float) -> float:
        return round(MAP_PAD + (x - low_x) / span_x * inner, 1)

    def sy(y: float) -> float:
        return round(MAP_PAD + (y - low_y) / span_y * inner, 1)

    return sx, sy


#: Seconds a map's layout stays in the cache (a map is computed again as votes come in).
LAYOUT_SECONDS = 24 * 3600


def _layout_key(snapshot: OpinionSnapshot) -> str:
    computed = snapshot.computed_at.timestamp() if snapshot.computed_at else 0
    # "v2": layouts and drawings cached before the grid of big maps are not read back.
    return f"consultations:opinion:v2:{snapshot.pk}:{snapshot.votes_at_compute}:{computed}"


def _points_key(layout_key: str) -> str:
    return f"{layout_key}:points"


def layout_warm(snapshot: OpinionSnapshot) -> None:
    """Put a map just computed into the cache, its layout and its circles, with the data in hand, so
    that its first visitor does not read every participant back (200 ms for a city's consultation)."""
    data, key = snapshot.data or {}, _layout_key(snapshot)
    cache.set_many({key: _layout_of(data), _points_key(key): _points_of(data)}, timeout=LAYOUT_SECONDS)


def _data(snapshot_pk: int) -> dict[str, Any]:
    """The stored map: every participant's place and group, the groups and their statements."""
    return OpinionSnapshot.objects.values_list("data", flat=True).get(pk=snapshot_pk) or {}


def _layout_of(data: dict[str, Any]) -> dict[str, Any]:
    """The map without the points and the texts: groups placed, their statements by id; {} when no
    one is on the map."""
    if not data.get("participants"):
        return {}
    sx, sy = _opinion_scale(data)
    representative = {r["group_id"]: r["statements"] for r in data.get("representative", [])}
    groups = []
    for group in data["groups"]:
        gid = group["id"]
        groups.append(
            {
                "id": gid,
                "label": GROUP_LABELS[gid] if gid < len(GROUP_LABELS) else str(gid + 1),
                "size": group["size"],
                "cx": sx(group["centroid"][0]),
                "cy": sy(group["centroid"][1]),
                # The letter sits beside the group's centre so it never hides the points.
                "label_x": min(sx(group["centroid"][0]) + 8, MAP_SIZE - 14),
                "label_y": max(sy(group["centroid"][1]) - 8, 16),
                "css": f"g{gid}",
                "statements": [
                    {
                        "statement_id": s["statement_id"],
                        "direction": s["direction"],
                        "percent": round(100 * s["n_success"] / s["n_trials"]) if s["n_trials"] else 0,
                        "significant": s["significant"],
                    }
                    for s in representative.get(gid, [])
                ],
            }
        )
    return {
        "size": MAP_SIZE,
        "groups": groups,
        "consensus": [
            {"statement_id": c["statement_id"], "direction": c["direction"]} for c in data.get("consensus", [])
        ],
        "participants": data.get("participant_count", len(data["participants"])),
        "grid": len(data["participants"]) > POINTS_ONE_BY_ONE,
        "grouped": sum(g["size"] for g in data["groups"]),
    }


#: Up to this many participants the map draws one circle each; above it, one circle per small square
#: of the box and group, its area growing with how many it holds. A city's consultation has about
#: 20,000 participants: one circle each was 220 KB of page for a phone to receive and draw.
POINTS_ONE_BY_ONE = 2000
#: The side of those squares, in the box's units (300 across).
GRID_CELL = 6


def _css(group: int | None) -> str:
    return f"g{group}" if group is not None else "gn"


def _points_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The circles to draw: ``x``, ``y``, ``r``, the group's ``css`` and ``n``, the participants a
    circle stands for (1 each, or a square's count once there are more than :data:`POINTS_ONE_BY_ONE`)."""
    if not data.get("participants"):
        return []
    sx, sy = _opinion_scale(data)
    placed = [(sx(p["x"]), sy(p["y"]), p["group"]) for p in data["participants"]]
    if len(placed) <= POINTS_ONE_BY_ONE:
        return [{"x": x, "y": y, "r": 5, "css": _css(group), "n": 1} for x, y, group in placed]
    squares = Counter(
        (int((x - MAP_PAD) // GRID_CELL), int((y - MAP_PAD) // GRID_CELL), group) for x, y, group in placed
    )

    def centre(index: int) -> float:  # of a square, kept inside the drawn box at its far edge
        return round(min(MAP_SIZE - MAP_PAD, MAP_PAD + (index + 0.5) * GRID_CELL), 1)

    return [
        {
            "x": centre(column),
            "y": centre(row),
            "r": round(min(GRID_CELL * 0.9, 1.5 * math.sqrt(count)), 1),
            "css": _css(group),
            "n": count,
        }
        # The fullest squares first, so that smaller circles drawn after them stay visible on top.
        for (column, row, group), count in sorted(squares.items(), key=lambda item: (-item[1], str(item[0])))
    ]
