"""Appeals' open data (issues 16 and 18): statistics, published appeals with their answers and
public problem reports in the catalogue, in CSV and JSON, each file what its checksum says, in the
DCAT document with titles in Ukrainian and English — and never a person's details."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from typing import Any

import pytest
from django.test import Client

from uchast.appeals import services
from uchast.appeals.models import Appeal, ProblemReport
from uchast.core import moderation
from uchast.core.opendata import snapshot
from uchast.core.registry import registry

from .conftest import make_draft

pytestmark = pytest.mark.django_db

SLUGS = ("appeals-statistics", "appeals-published", "problem-reports")
DCT = "http://purl.org/dc/terms/"
PERSONAL = ("Олена Шевчук", "вул. Садова", "вул. Робоча", "olena@example.org")


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def published_world(resident: Any, community: Any, departments: Any, social_official: Any, moderator: Any) -> Any:
    def file(**overrides: Any) -> Appeal:
        return services.appeal_file(author=resident, community=community, draft=make_draft(**overrides))

    public = file(publish=True, subject="Ремонт даху школи")
    services.appeal_answer(appeal=public, actor=social_official, text="Дах відремонтують у квітні за кошти громади.")
    private = file(subject="Моя особиста довідка")
    services.appeal_answer(appeal=private, actor=social_official, text="Довідку видано особисто заявниці.")
    file(publish=True, subject="Ще без відповіді")  # allowed, but unanswered: not published yet
    shown = services.report_create(author=resident, community=community, title="Яма на дорозі", address="вул. Лісова")
    hidden = services.report_create(author=resident, community=community, title="Сусід — злодій", address="вул. Лісова")
    moderation.contribution_hide(moderator=moderator, target=hidden, reason="Образа")
    Client().get("/open-data/")  # the first visit builds the snapshot
    return {"public": public, "private": private, "shown": shown, "hidden": hidden, "community": community}


def _file(name: str) -> bytes:
    response = Client().get(f"/open-data/files/{name}")
    assert response.status_code == 200, name
    return _body(response)


def test_the_datasets_are_registered_with_descriptions_in_both_languages() -> None:
    from django.utils import translation

    for slug in SLUGS:
        dataset = registry.datasets[slug]
        with translation.override("en"):
            english = (str(dataset.title), str(dataset.description))
        with translation.override("uk"):
            ukrainian = (str(dataset.title), str(dataset.description))
        assert all(english) and ukrainian[0] != english[0] and ukrainian[1] != english[1], slug


def test_catalogue_lists_them_and_every_file_matches_its_checksum(published_world: Any) -> None:
    html = Client().get("/open-data/").content.decode()
    current = snapshot.current(published_world["community"])
    assert current is not None
    for slug in SLUGS:
        assert f'id="{slug}"' in html, slug
        entries = current.files_of(slug)
        assert {e["format"] for e in entries} >= {"csv", "json"}
        for entry in entries:
            assert f'href="/open-data/files/{entry["file"]}"' in html and entry["sha256"] in html
            assert hashlib.sha256(_file(entry["file"])).hexdigest() == entry["sha256"]


def test_published_appeals_only_with_the_persons_consent_and_without_personal_data(published_world: Any) -> None:
    rows = json.loads(_file("appeals-published.json"))
    public = published_world["public"]
    assert [r["appeal_id"] for r in rows] == [public.pk]
    assert rows[0]["subject"] == "Ремонт даху школи" and rows[0]["answer"].startswith("Дах відремонтують")
    assert set(rows[0]) == {
        "appeal_id", "kind", "topic", "subject", "text", "answer", "answered_at", "repeated", "complaint"
    }  # fmt: skip
    as_csv = list(csv.DictReader(io.StringIO(_file("appeals-published.csv").decode("utf-8-sig"))))
    assert [int(r["appeal_id"]) for r in as_csv] == [public.pk]
    everything = "".join(_file(f"{slug}.{ext}").decode("utf-8-sig") for slug in SLUGS for ext in ("csv", "json"))
    for personal in (*PERSONAL, public.reg_number, "Моя особиста довідка", "Довідку видано"):
        assert personal not in everything, personal


def test_statistics_count_by_month_kind_and_state(published_world: Any) -> None:
    rows = json.loads(_file("appeals-statistics.json"))
    assert sum(r["appeals"] for r in rows) == Appeal.objects.count() == 3
    answered = [r for r in rows if r["status"] == "answered"]
    assert sum(r["appeals"] for r in answered) == 2
    assert sum(r["answered_on_time"] for r in answered) == 2 and sum(r["answered_late"] for r in rows) == 0
    assert all(re.fullmatch(r"\d{4}-\d{2}", r["month"]) and r["kind"] == "application" for r in rows)
    assert sum(r["overdue_open"] for r in rows) == 0
    # Overdue: an open appeal past its term counts as overdue_open.
    Appeal.objects.filter(status__in=["registered", "in_work"]).update(due_date="2020-01-01")
    snapshot.build(published_world["community"])
    rows = json.loads(_file("appeals-statistics.json"))
    assert sum(r["overdue_open"] for r in rows) == 1


def test_problem_reports_leave_hidden_ones_out(published_world: Any) -> None:
    rows = json.loads(_file("problem-reports.json"))
    assert [r["report_id"] for r in rows] == [published_world["shown"].pk]
    assert rows[0]["title"] == "Яма на дорозі" and rows[0]["address"] == "вул. Лісова"
    text = _file("problem-reports.csv").decode("utf-8-sig")
    assert "Яма на дорозі" in text and "злодій" not in text
    assert ProblemReport.objects.filter(is_hidden=True).count() == 1


def test_dcat_document_names_them_in_both_languages(published_world: Any) -> None:
    document = json.loads(Client().get("/open-data/catalog.jsonld").content)
    text = json.dumps(document, ensure_ascii=False)
    for slug in SLUGS:
        assert f'"{slug}"' in text, slug
        for ext in ("csv", "json"):
            assert f"/open-data/files/{slug}.{ext}" in text
    from pyld import jsonld

    expanded = jsonld.expand(document, {"documentLoader": lambda url, options=None: pytest.fail(url)})
    datasets = [
        node
        for graph in expanded
        for node in graph.get("http://www.w3.org/ns/dcat#dataset", [])
        if node.get(DCT + "identifier", [{}])[0].get("@value") in SLUGS
    ]
    assert len(datasets) == 3
    for dataset in datasets:
        assert {t["@language"] for t in dataset[DCT + "title"]} == {"uk", "en"}
        assert {t["@language"] for t in dataset[DCT + "description"]} == {"uk", "en"}
