"""Query values on HTML list pages never cause a server error (issue 13, item 3): a page number, an
offset, an amount or an id a person or a program can type into the address bar."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from uchast.accounts.demo import load_demo
from uchast.budget.models import BudgetCycle, Phase

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    "0",
    "-1",
    "1e400",
    "-1e400",
    "1e300",
    "1E+999999",
    "nan",
    "inf",
    "999999999999999999",
    "-999999999999999999",
    "1.5",
    "²",
    "abc",
    "%",
]


@pytest.mark.slow
def test_list_pages_take_any_number_in_their_query(client: Client) -> None:
    load_demo()
    voting = BudgetCycle.objects.get(status=Phase.VOTING)
    pages = [("/petitions/", ["page", "offset"]), (f"/budget/{voting.pk}/projects/", ["category", "max_cost", "page"])]
    failures: list[Any] = []
    for path, names in pages:
        for name in names:
            for value in HOSTILE:
                status = client.get(path, {name: value}).status_code
                if status >= 500 or status not in (200, 400):
                    failures.append((path, name, value, status))
    assert not failures
