"""The organisations' datasets in the open-data catalogue (issues 15 and 18): listed, downloadable
as CSV and JSON matching their checksums, described in the DCAT document in Ukrainian and English,
and holding only what the public pages show."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.organisations.conftest import apply, close_applications, register
from uchast.core.opendata import snapshot
from uchast.core.registry import registry
from uchast.organisations import bodies, services

pytestmark = pytest.mark.django_db

SLUGS = {
    "organisations",
    "organisations-competitions",
    "organisations-applications",
    "organisations-scores",
    "organisations-report-spending",
    "advisory-bodies",
    "advisory-body-decisions",
}
DCT = "http://purl.org/dc/terms/"


def test_every_organisations_dataset_is_registered() -> None:
    assert set(registry.datasets) >= SLUGS


@pytest.fixture
def published(
    community: Any, organisation: Any, competition: Any, head: Any, official: Any, commission: list[Any]
) -> Any:
    """A pending organisation, a competition with published results, one accepted report and one
    still under review, an advisory body with a meeting whose minutes hold a decision sent on."""
    register(community, head, edrpou="00032129", name="БФ «Світанок»")  # pending: not published
    application = apply(competition, organisation, head)
    competition = close_applications(competition)
    services.application_set_eligibility(application=application, actor=official, eligible=True)
    criteria = list(competition.criteria.all())
    for value, member in enumerate(commission, start=6):
        services.scores_submit(application=application, member_user=member, values={c.pk: value for c in criteria})
    services.results_publish(competition=competition, actor=official)
    rent, lawyers = application.lines.order_by("pk")
    application.refresh_from_db()
    interim = services.report_submit(application=application, actor=head, kind="interim", text="Пів року",
                                     spending=[(rent.pk, 4_000_00), (lawyers.pk, 20_000_00)])  # fmt: skip
    services.report_decide(report=interim, actor=official, accept=True)
    services.report_submit(application=application, actor=head, kind="final", text="Рік",
                           spending=[(rent.pk, 9_000_00)])  # fmt: skip  # not decided yet: not published
    body = bodies.body_create(actor=official, community=community, name="Рада ВПО", kind="idp_council")
    bodies.body_member_add(body=body, actor=official, organisation=organisation, role="member")
    meeting = bodies.meeting_schedule(body=body, actor=official, starts_at=timezone.now() - timedelta(hours=1),
                                      place="Зала 2", agenda="Житло")  # fmt: skip
    bodies.meeting_schedule(body=body, actor=official, starts_at=timezone.now() + timedelta(days=7),
                            place="Зала 2", agenda="Наступне")  # fmt: skip
    meeting = bodies.minutes_publish(meeting=meeting, actor=official, minutes="Протокол", decisions=["Гуртожиток"])
    bodies.decision_send(decision=meeting.decisions.get(), actor=official)
    return application


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _download(client: Client, name: str, checksums: dict[str, str]) -> bytes:
    response = client.get(f"/open-data/files/{name}")
    assert response.status_code == 200, name
    data = _body(response)
    assert hashlib.sha256(data).hexdigest() == checksums[name], name
    return data


def _tables(client: Client, community: Any) -> dict[str, list[dict[str, Any]]]:
    """Each dataset's JSON rows, after checking its CSV holds the same rows and both match their checksums."""
    checksums = {e["file"]: e["sha256"] for e in snapshot.current(community).manifest["files"]}  # type: ignore[union-attr]
    tables = {}
    for slug in SLUGS:
        rows = json.loads(_download(client, f"{slug}.json", checksums))
        text = _download(client, f"{slug}.csv", checksums).decode("utf-8-sig")
        from_csv = list(csv.DictReader(io.StringIO(text)))
        assert len(from_csv) == len(rows), slug
        assert all(set(r) == set(c) for r, c in zip(rows, from_csv, strict=True)), slug
        tables[slug] = rows
    return tables


def test_datasets_download_with_their_checksums_and_hold_the_public_data(
    published: Any, community: Any, organisation: Any, commission: list[Any]
) -> None:
    client = Client()
    page = client.get("/open-data/").content.decode()
    for slug in SLUGS:
        assert f'id="{slug}"' in page, slug
    tables = _tables(client, community)

    [listed] = tables["organisations"]
    assert listed["edrpou"] == "43005393" and "phone" not in listed  # the pending one and phones are not published
    [competition] = tables["organisations-competitions"]
    assert (
        competition["priorities"] == "підтримка ВПО; молодь; ветерани" and competition["budget_kopiykas"] == 100_000_00
    )
    assert competition["status"] == "results" and "Актуальність (0-10)" in competition["criteria"]
    [application] = tables["organisations-applications"]
    assert (
        application["winner"] is True and application["rank"] == 1 and application["organisation"] == organisation.name
    )
    scores = tables["organisations-scores"]
    assert len(scores) == len(commission) * 2
    assert {(s["member"], s["value"]) for s in scores} == {(m.display_name, v) for v, m in enumerate(commission, 6)}
    spending = tables["organisations-report-spending"]
    assert {(s["report_kind"], s["budget_line"], s["spent_kopiykas"]) for s in spending} == {
        ("interim", "Оренда приміщення", 4_000_00),
        ("interim", "Оплата юристів", 20_000_00),
    }  # the final report is not accepted yet
    [body] = tables["advisory-bodies"]
    assert body["members"] == organisation.name and body["meetings"] == 2 and body["decisions"] == 1
    [decision] = tables["advisory-body-decisions"]
    assert decision["decision"] == "Гуртожиток" and decision["sent_to_council_at"]


def test_nothing_unpublished_before_the_results(
    community: Any, organisation: Any, competition: Any, head: Any, official: Any, commission: list[Any]
) -> None:
    application = apply(competition, organisation, head)
    close_applications(competition)
    services.application_set_eligibility(application=application, actor=official, eligible=True)
    criteria = list(competition.criteria.all())
    services.scores_submit(application=application, member_user=official, values={c.pk: 9 for c in criteria})
    snapshot.build(community)
    tables = _tables(Client(), community)
    assert tables["organisations-competitions"][0]["status"] == "review"
    assert tables["organisations-applications"] == [] and tables["organisations-scores"] == []


def test_dcat_describes_each_dataset_in_ukrainian_and_english(published: Any, community: Any) -> None:
    document = json.loads(Client().get("/open-data/catalog.jsonld").content)
    datasets = {d["dct:identifier"]: d for d in document["dcat:dataset"]}
    for slug in SLUGS:
        dataset = datasets[slug]
        titles = {t["@language"]: t["@value"] for t in dataset["dct:title"]}
        descriptions = {t["@language"]: t["@value"] for t in dataset["dct:description"]}
        assert set(titles) == set(descriptions) == {"uk", "en"}, slug
        assert titles["uk"] != titles["en"] and descriptions["uk"] != descriptions["en"], slug  # translated
        files = {d["dct:title"] for d in dataset["dcat:distribution"]}
        assert files == {f"{slug}.csv", f"{slug}.json"}, slug
    titles = {t["@language"]: t["@value"] for t in datasets["organisations"]["dct:title"]}
    assert titles == {"uk": "Інститути громадянського суспільства", "en": "Civil-society organisations"}


def test_only_accepted_reports_are_published(published: Any, community: Any) -> None:
    """The report under review is not in the catalogue's spending dataset, and the module's old
    ``/organisations/data/reports.*`` address leads to that dataset, not to a list of its own."""
    client = Client()
    snapshot.build(community)
    spending = _tables(client, community)["organisations-report-spending"]
    assert {(s["application_id"], s["report_kind"]) for s in spending} == {(published.pk, "interim")}
    assert sum(s["spent_kopiykas"] for s in spending) == 24_000_00
    for fmt in ("csv", "json"):
        moved = client.get(f"/organisations/data/reports.{fmt}")
        assert (moved.status_code, moved["Location"]) == (301, f"/open-data/files/organisations-report-spending.{fmt}")
