"""Every file the budget publishes is safe to open in a spreadsheet (issue 13, item 5): a resident's
project titled ``=HYPERLINK(...)`` is text in the results CSV and in the Pabulib file, and the
published file still recounts to the published result."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from uchast import tally
from uchast.budget import services
from uchast.budget.models import BudgetCycle, Phase, Project
from uchast.tally.cli import main as tally_main
from uchast.testing.factories import make_verified_resident

from .conftest import projects_by_title

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def published(voting_cycle: BudgetCycle, community: Any, administrator: Any) -> Project:
    """The cycle counted and published; project A1, on which most voted, titled by its author with a formula."""
    p = projects_by_title(voting_cycle)
    Project.objects.filter(pk=p["A1"].pk).update(title=EVIL)
    for index, titles in enumerate([["A1", "B1"], ["A1", "B2"], ["A2", "B3"]]):
        voter = make_verified_resident(community, email=f"v{index}@example.org")
        services.ballot_cast(cycle=voting_cycle, user=voter, project_ids=[p[t].pk for t in titles])
    services.cycle_set_phase(cycle=voting_cycle, phase=Phase.RESULTS, actor=administrator)
    services.cycle_count(cycle=voting_cycle, actor=administrator)
    services.cycle_publish(cycle=voting_cycle, actor=administrator)
    return Project.objects.get(pk=p["A1"].pk)


def test_results_csv_neutralises_a_formula_title(published: Project) -> None:
    response = Client().get(reverse("budget:results_csv", args=[published.cycle_id]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["project_id", "title"]
    titles = {int(row[0]): row[1] for row in rows[1:]}
    assert titles[published.pk] == "'" + EVIL
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_pabulib_file_neutralises_names_and_still_recounts(published: Project, tmp_path: Any) -> None:
    result = published.category.result
    election = tally.read_pabulib(io.StringIO(result.pabulib))
    names = {project.id: project.name for project in election.projects}
    assert names[str(published.pk)] == "'" + EVIL
    # The outcome people read on the results page and in the API keeps the title as written.
    assert {p["project_id"]: p["name"] for p in result.outcome["projects"]}[str(published.pk)] == EVIL
    assert str(published.pk) in result.outcome["selected"]
    # Anyone's recount of the published file agrees with the published result.
    assert tally.check_official(election).agrees
    path = tmp_path / "published.pb"
    path.write_text(result.pabulib, encoding="utf-8")
    assert tally_main(["--check", str(path)]) == 0
    download = Client().get(reverse("budget:pabulib", args=[published.cycle_id, published.category_id]))
    assert download.content.decode() == result.pabulib


def _pabulib_reads(queries: Any) -> int:
    return sum('"pabulib"' in query["sql"] for query in queries)


def test_one_category_file_reads_no_other_category_and_results_read_no_file(published: Project) -> None:
    """A city's files are megabytes: a download reads its own category's file only, and the results
    (page and API) read none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from uchast.budget.models import CategoryResult

    cycle_id, category_id = published.cycle_id, published.category_id
    assert CategoryResult.objects.filter(category__cycle_id=cycle_id).count() == 2
    with CaptureQueriesContext(connection) as download:
        response = Client().get(reverse("budget:pabulib", args=[cycle_id, category_id]))
    assert response.status_code == 200
    file_reads = [q["sql"] for q in download.captured_queries if '"pabulib"' in q["sql"]]
    assert len(file_reads) == 1 and str(category_id) in file_reads[0]
    assert Client().get(reverse("budget:pabulib", args=[cycle_id, 999_999])).status_code == 404
    for url in (reverse("budget:results", args=[cycle_id]), f"/api/v1/budget/cycles/{cycle_id}/results"):
        with CaptureQueriesContext(connection) as read:
            assert Client().get(url).status_code == 200
        assert _pabulib_reads(read.captured_queries) == 0, url


def test_a_receipt_check_reads_its_lines_not_the_files(published: Project) -> None:
    """A receipt check is open to anyone: the database finds the voter's lines, and no query carries
    a whole published file to the server (a city's are megabytes). The lines are exactly those a
    full read of the files finds."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from uchast.budget import selectors
    from uchast.budget.models import Ballot, CategoryResult

    cycle = published.cycle
    files = CategoryResult.objects.filter(category__cycle=cycle).select_related("category")
    files = files.order_by("category__position", "category_id")
    codes = list(Ballot.objects.filter(cycle=cycle).values_list("receipt_code", flat=True))
    assert len(codes) == 3
    for code in codes:
        found = selectors.receipt_lookup(cycle, code)
        assert found is not None
        whole_read = [
            (r.category.name, line)
            for r in files
            for line in r.pabulib.splitlines()
            if line.startswith(found.voter_id + ";")
        ]
        assert found.lines == whole_read and len(whole_read) == 2
    with CaptureQueriesContext(connection) as read:
        page = Client().post(reverse("budget:receipt", args=[cycle.pk]), {"receipt": codes[0]})
    assert page.status_code == 200
    in_a_function = r'(INSTR|STRPOS|SUBSTR|SUBSTRING)\("budget_categoryresult"\."pabulib"'
    whole_files = [q["sql"] for q in read.captured_queries if '"pabulib"' in re.sub(in_a_function, "", q["sql"])]
    assert whole_files == []
