"""The open-data catalogue (issue 18): every dataset listed with licence and formats, every link
downloads what its checksum says, the nightly archive matches the single files, and the DCAT
document is valid JSON-LD in the DCAT vocabulary with DCAT-AP's mandatory properties."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from typing import Any

import pytest
from django.test import Client
from pyld import jsonld

from uchast.accounts.demo import load_demo
from uchast.core.opendata import snapshot
from uchast.core.registry import registry
from uchast.core.tasks import build_open_data

pytestmark = pytest.mark.django_db

EXPECTED = {
    "audit-log",
    "budget-projects",
    "budget-results",
    "budget-implementation",
    "consultations",
    "consultation-proposals",
    "consultation-surveys",
    "consultation-statements",
    "petitions",
    "appeals-statistics",
    "appeals-published",
    "problem-reports",
    "organisations",
    "organisations-competitions",
    "organisations-applications",
    "organisations-scores",
    "organisations-report-spending",
    "advisory-bodies",
    "advisory-body-decisions",
}

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SPDX = "http://spdx.org/rdf/terms#"


@pytest.fixture
def demo(settings: Any) -> Any:
    return load_demo()


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_dataset_is_registered() -> None:
    assert set(registry.datasets) >= EXPECTED


def test_catalogue_files_archive_and_dcat(demo: Any, settings: Any) -> None:
    """One demo (it takes seconds to load) for every check: each is a function below."""
    check_catalogue_lists_every_dataset_and_every_link_downloads_its_checksum(demo)
    check_files_hold_the_data_in_each_format(demo)
    check_unknown_file_is_404(demo)
    check_nightly_archive_matches_the_single_downloads(demo)
    check_dcat_document_is_dcat_ap_json_ld(demo)
    check_licence_is_a_setting(demo, settings)
    check_a_new_snapshot_replaces_the_old_and_old_ones_are_pruned(demo)


def check_catalogue_lists_every_dataset_and_every_link_downloads_its_checksum(demo: Any) -> None:
    client = Client()
    page = client.get("/open-data/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "CC BY 4.0" in html and "https://creativecommons.org/licenses/by/4.0/" in html
    for slug in EXPECTED:
        assert f'id="{slug}"' in html, slug
    links = re.findall(r'href="(/open-data/files/[^"]+)"', html)
    checksums = {e["file"]: e["sha256"] for e in snapshot.current(demo.community).manifest["files"]}
    checksums[snapshot.ARCHIVE] = snapshot.current(demo.community).manifest["archive"]["sha256"]
    assert {link.rsplit("/", 1)[1] for link in links} == set(checksums)
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.streaming  # served from disk in blocks
        body = _body(response)
        name = link.rsplit("/", 1)[1]
        assert hashlib.sha256(body).hexdigest() == checksums[name], name
        assert checksums[name] in html  # the checksum is on the page


def check_files_hold_the_data_in_each_format(demo: Any) -> None:
    client = Client()
    client.get("/open-data/")
    projects_csv = _body(client.get("/open-data/files/budget-projects.csv")).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(projects_csv)))
    projects_json = json.loads(_body(client.get("/open-data/files/budget-projects.json")))
    assert rows and len(rows) == len(projects_json)
    assert {r["project_id"] for r in rows} == {str(p["project_id"]) for p in projects_json}
    assert all(r["status"] != "draft" for r in rows)
    with zipfile.ZipFile(io.BytesIO(_body(client.get("/open-data/files/budget-results.pb.zip")))) as pabulib:
        names = pabulib.namelist()
        assert names and all(n.endswith(".pb") for n in names)
        assert pabulib.read(names[0]).decode().startswith("META")
    petitions = json.loads(_body(client.get("/open-data/files/petitions.json")))
    assert petitions and "answer" in petitions[0] and "author" not in petitions[0]
    audit = _body(client.get("/open-data/files/audit-log.jsonl")).decode().splitlines()
    live = _body(client.get("/audit/log.jsonl")).decode().splitlines()
    assert audit == live[: len(audit)]


def check_unknown_file_is_404(demo: Any) -> None:
    assert Client().get("/open-data/files/..%2Fmanifest.json").status_code == 404
    assert Client().get("/open-data/files/nothing.csv").status_code == 404


def check_nightly_archive_matches_the_single_downloads(demo: Any) -> None:
    assert build_open_data.call() == 1  # the periodic task the scheduler runs, run in-line
    assert registry.periodic["core.build_open_data"].every_seconds == 24 * 3600
    client = Client()
    manifest = snapshot.current(demo.community).manifest
    archive = _body(client.get(f"/open-data/files/{snapshot.ARCHIVE}"))
    assert hashlib.sha256(archive).hexdigest() == manifest["archive"]["sha256"]
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        inside = json.loads(bundle.read(snapshot.MANIFEST))
        assert inside["files"] == manifest["files"]
        for entry in inside["files"]:
            data = bundle.read(entry["file"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] == manifest_sha(manifest, entry["file"])
            assert data == _body(client.get(f"/open-data/files/{entry['file']}"))
        assert {e["dataset"] for e in inside["files"]} >= EXPECTED


def manifest_sha(manifest: dict[str, Any], name: str) -> str:
    return next(e["sha256"] for e in manifest["files"] if e["file"] == name)


def check_a_new_snapshot_replaces_the_old_and_old_ones_are_pruned(demo: Any) -> None:
    first = snapshot.build(demo.community)
    for _ in range(4):
        latest = snapshot.build(demo.community)
    assert snapshot.current(demo.community).path == latest.path
    assert not first.path.exists()  # only the newest three are kept


def _no_network(url: str, options: Any = None) -> Any:
    raise AssertionError(f"the DCAT document must be self-contained, it asked for {url}")


def _expanded(document: dict[str, Any]) -> list[dict[str, Any]]:
    return jsonld.expand(document, {"documentLoader": _no_network})


def _nodes(expanded: Any) -> Any:
    """Every node object of the expanded graph."""
    if isinstance(expanded, list):
        for item in expanded:
            yield from _nodes(item)
    elif isinstance(expanded, dict) and "@value" not in expanded:
        yield expanded
        for key, value in expanded.items():
            if not key.startswith("@"):
                yield from _nodes(value)


KNOWN = (DCAT, DCT, FOAF, VCARD, SPDX)


def check_dcat_document_is_dcat_ap_json_ld(demo: Any) -> None:
    response = Client().get("/open-data/catalog.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    document = json.loads(response.content)
    expanded = _expanded(document)
    nodes = list(_nodes(expanded))
    # Nothing was dropped on expansion (a term without a mapping vanishes) and every property is DCAT-AP's vocabulary.
    for node in nodes:
        for key in node:
            assert key.startswith("@") or key.startswith(KNOWN), key
    by_type: dict[str, list[dict[str, Any]]] = {}
    for node in nodes:
        for kind in node.get("@type", []):
            by_type.setdefault(kind, []).append(node)
    (catalog,) = by_type[DCAT + "Catalog"]
    for prop in (DCT + "title", DCT + "description", DCT + "publisher", DCAT + "dataset"):
        assert catalog.get(prop), prop  # mandatory for a dcat:Catalog in DCAT-AP
    datasets = by_type[DCAT + "Dataset"]
    assert {d[DCT + "identifier"][0]["@value"] for d in datasets} >= EXPECTED
    for dataset in datasets:
        for prop in (DCT + "title", DCT + "description", DCAT + "distribution", DCAT + "contactPoint"):
            assert dataset.get(prop), prop
        assert {t["@language"] for t in dataset[DCT + "title"]} == {"uk", "en"}
        assert dataset[DCT + "accrualPeriodicity"][0]["@id"].startswith(
            "http://publications.europa.eu/resource/authority/frequency/"
        )
    for distribution in by_type[DCAT + "Distribution"]:
        assert distribution[DCAT + "accessURL"][0]["@id"].startswith("http://testserver/open-data/files/")
        assert distribution[DCT + "license"][0]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
        checksum = distribution[SPDX + "checksum"][0]
        assert re.fullmatch(r"[0-9a-f]{64}", checksum[SPDX + "checksumValue"][0]["@value"])
        size = distribution[DCAT + "byteSize"][0]
        assert size["@type"] == "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"


def check_licence_is_a_setting(demo: Any, settings: Any) -> None:
    settings.UCHAST_OPEN_DATA_LICENCE = "https://creativecommons.org/publicdomain/zero/1.0/"
    settings.UCHAST_OPEN_DATA_LICENCE_NAME = "CC0 1.0"
    snapshot.build(demo.community)
    html = Client().get("/open-data/").content.decode()
    assert "CC0 1.0" in html
    document = json.loads(Client().get("/open-data/catalog.jsonld").content)
    assert document["dct:license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
