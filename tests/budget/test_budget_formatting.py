from __future__ import annotations

from typing import Any

from django.utils import translation

from uchast.budget.formatting import money, ranked, tie_rule_words


def _project(pid: str, votes: int, cost: int, selected: bool, **details: Any) -> dict[str, Any]:
    return {"project_id": pid, "name": pid, "votes": votes, "cost": cost, "selected": selected, "details": details}


def test_money_groups_thousands_and_keeps_kopiykas() -> None:
    assert money(125_000_050) == "1\u202f250\u202f000,50"
    assert money(500) == "5"


def test_ranking_rule_order_is_kept_funded_or_not() -> None:
    outcome = {
        "selected": ["3", "1"],
        "projects": [
            _project("1", 10, 100, True, rank=2),
            _project("2", 30, 900, False, rank=1),
            _project("3", 40, 100, True, rank=0),
            _project("4", 10, 50, False, rank=3),
        ],
    }
    lines = ranked(outcome)
    assert [line.project["project_id"] for line in lines] == ["3", "2", "1", "4"]
    assert [line.place for line in lines] == [1, 2, 3, 4]
    assert [line.tied for line in lines] == [False, False, True, True]


def test_other_rules_list_winners_in_funding_order_then_by_votes() -> None:
    outcome = {
        "selected": ["b", "a"],
        "projects": [
            _project("a", 5, 100, True),
            _project("b", 3, 100, True),
            _project("c", 1, 100, False),
            _project("d", 4, 300, False),
        ],
    }
    assert [line.project["project_id"] for line in ranked(outcome)] == ["b", "a", "d", "c"]
    assert not any(line.tied for line in ranked(outcome))


def test_tie_rule_is_named_in_the_readers_language() -> None:
    with translation.override("en"):
        assert tie_rule_words("min-cost,max-votes,lot") == (
            "A tie is broken by: the cheaper project first, then the project with more votes first, "
            "then the order drawn by lot before voting."
        )
        assert "order of the project list" in tie_rule_words("")
    with translation.override("uk"):
        assert "дешевший" in tie_rule_words("min-cost")
