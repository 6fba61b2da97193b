"""Result explanations are rendered from tally's figures in the reader's language, in hryvnias."""

from __future__ import annotations

from django.utils import translation

from uchast.budget.templatetags.budget_tags import explain


def test_greedy_winner_and_skipped_project_in_ukrainian_and_english():
    funded = {
        "selected": True,
        "cost": 140_000_000,
        "round": 1,
        "details": {"rank": 1, "money_left_before": 400_000_000},
    }
    skipped = {"selected": False, "cost": 90_000_000, "details": {"rank": 3, "money_left_before": 70_000_000}}
    with translation.override("uk"):
        assert (
            explain(funded) == "Профінансовано: 1-е місце в рейтингу; після нього залишилося 2\u202f600\u202f000 грн."
        )
        assert "700\u202f000 грн" in explain(skipped) and explain(skipped).startswith("Не профінансовано")
    with translation.override("en"):
        assert explain(funded) == "Funded at place 1 in the ranking; 2\u202f600\u202f000 UAH were left after it."


def test_equal_shares_explanations():
    bought = {
        "selected": True,
        "round": 2,
        "votes": 11,
        "details": {"supporters": 11, "max_payment_per_voter": 1_234_567.4},
    }
    dropped = {"selected": False, "details": {"dropped_at_round": 3, "supporters_money_left": 5_000_050.0}}
    with translation.override("uk"):
        assert "раунді 2" in explain(bought) and "12\u202f345,67 грн" in explain(bought)
        assert "раунді 3" in explain(dropped) and "50\u202f000,50 грн" in explain(dropped)
