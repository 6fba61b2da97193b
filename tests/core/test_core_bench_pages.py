"""bench/pages.py and pages_load.py's pure parts: percentiles, the open-loop schedule, journeys and their forms. The
benchmark itself is not a test (docs/performance.md); these keep its arithmetic honest."""

from __future__ import annotations

import importlib.util
import math
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

from uchast.eligibility.identity import rnokpp_check_digit

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    """A bench module by file (bench/ is not a package); its siblings importable while it loads."""
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def pages() -> ModuleType:
    """The load generator (journeys, schedule, HTTP), and the driver's accounting as ``pages.driver``."""
    module = _load("pages_load")
    module.driver = _load("pages")
    return module


PLAN = {
    "voting_cycle": 6,
    "results_cycle": 5,
    "categories": [11, 12],
    "districts": ["stepove"],
    "projects": [29, 30],
    "project_pages": 4,
    "ballots": [[29, 33]],
    "petitions": {"deep_cursor": "abc", "all": [18, 17]},
    "consultations": [4],
    "batch": 9,
    "voters": ["voter-a"],
    "signers": [["signer-a", 17]],
    "commenters": ["talker"],
    "staff": {"official": "off", "moderator": "mod", "administrator": "adm"},
}


def test_percentile_is_the_nearest_rank(pages: ModuleType) -> None:
    values = [float(v) for v in range(1, 101)]
    assert pages.percentile(values, 0.5) == 50
    assert pages.percentile(values, 0.95) == 95
    assert pages.percentile(values, 0.99) == 99
    assert pages.percentile(values, 1.0) == 100
    assert pages.percentile([7.0], 0.99) == 7
    assert math.isnan(pages.percentile([], 0.5))


def test_schedule_offers_the_rate_in_requests_evenly_spaced_and_seeded(pages: ModuleType) -> None:
    planned = pages.schedule(pages.MIX, rate=50, duration=60)
    requests = sum(pages.REQUESTS.get(kind, 1) for _, kind in planned)
    assert 0.9 * 3000 < requests < 1.1 * 3000
    dues = [due for due, _ in planned]
    gaps = {round(b - a, 9) for a, b in zip(dues, dues[1:], strict=False)}
    assert len(gaps) == 1 and dues[0] == 0 and dues[-1] < 60
    assert {kind for _, kind in planned} == set(pages.MIX)
    assert planned == pages.schedule(pages.MIX, rate=50, duration=60)
    assert planned != pages.schedule(pages.MIX, rate=50, duration=60, seed=20)


def test_each_voter_votes_once_through_the_form_and_its_receipt_page(pages: ModuleType) -> None:
    pools = pages.Pools({**PLAN, "voters": ["voter-a"]})
    rng = random.Random(1)
    trip = pages.journey("vote", pools, rng)
    assert trip.session == "voter-a"
    assert [(s.kind, s.method, s.follow) for s in trip.steps] == [
        ("vote form", "GET", False),
        ("vote cast", "POST", True),
    ]
    assert trip.steps[1].form == {"project": [29, 33], "current": ""}
    assert pages.journey("vote", pools, rng) is None  # no voter twice


def test_posts_carry_the_csrf_token_and_form_action_of_the_page_before(pages: ModuleType) -> None:
    page = pages.Response(
        200,
        b"",
        b'<form action="/comments/31/17/add/"><input type="hidden" name="csrfmiddlewaretoken" value="tok123">',
    )
    comment = pages.Step("comment", "@comment", "POST", {"body": "x"}, True)
    assert pages._form_for(comment, page) == ("/comments/31/17/add/", {"body": "x", "csrfmiddlewaretoken": "tok123"})
    assert pages._form_for(pages.Step("home", "/"), page) == ("/", None)


def test_paper_entries_take_new_positions_with_valid_taxpayer_numbers(pages: ModuleType) -> None:
    pools = pages.Pools(PLAN)
    first, second = pools.paper_person(), pools.paper_person()
    assert (first[0], second[0]) == (1, 2)
    assert first[1] != second[1]
    for _, number in (first, second):
        assert len(number) == 10 and int(number[-1]) == rnokpp_check_digit(number[:9])


def test_a_redirect_is_followed_to_its_path_and_query(pages: ModuleType) -> None:
    response = pages.Response(302, b"HTTP/1.1 302 Found\r\nLocation: /budget/6/vote/done/?r=abc#x", b"")
    assert response.location() == "/budget/6/vote/done/?r=abc"


def test_processor_time_is_counted_per_process_never_negative(pages: ModuleType) -> None:
    # 1 kept (+2 s), 2 ended (lost), 3 started during the run (counted whole)
    assert pages.driver._grown({1: 5.0, 2: 9.0}, {1: 7.0, 3: 0.5}) == pytest.approx(2.5)
