"""The catalogue in DCAT (DCAT-AP style) as JSON-LD, for CKAN's DCAT harvester and data.gov.ua.

The context is inline (a harvester fetches nothing else) and maps short names onto the W3C DCAT,
Dublin Core, FOAF, vCard and SPDX vocabularies. Titles and descriptions are given in Ukrainian and
English (language-tagged values); the licence is one setting (``UCHAST_OPEN_DATA_LICENCE``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from uchast.core.models import Community
from uchast.core.opendata.snapshot import Snapshot
from uchast.core.registry import Dataset, registry

CONTEXT: dict[str, Any] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcat:accessURL": {"@type": "@id"},
    "dcat:downloadURL": {"@type": "@id"},
    "dcat:landingPage": {"@type": "@id"},
    "dcat:mediaType": {"@type": "@id"},
    "dct:format": {"@type": "@id"},
    "dct:license": {"@type": "@id"},
    "dct:accrualPeriodicity": {"@type": "@id"},
    "dct:issued": {"@type": "xsd:dateTime"},
    "dct:modified": {"@type": "xsd:dateTime"},
    "dcat:byteSize": {"@type": "xsd:nonNegativeInteger"},
    "spdx:algorithm": {"@type": "@id"},
    "vcard:hasEmail": {"@type": "@id"},
    "foaf:homepage": {"@type": "@id"},
}

_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
FREQUENCIES = {
    "continuous": _FREQUENCY + "CONT",
    "daily": _FREQUENCY + "DAILY",
    "monthly": _FREQUENCY + "MONTHLY",
    "annual": _FREQUENCY + "ANNUAL",
    "irregular": _FREQUENCY + "IRREG",
}
_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
FILE_TYPES = {"csv": "CSV", "json": "JSON", "jsonl": "JSON", "pabulib": "ZIP"}


def _both(value: Any) -> list[dict[str, str]]:
    """A translatable text in Ukrainian and English, as language-tagged literals."""
    texts = []
    for language in ("uk", "en"):
        with translation.override(language):
            texts.append({"@language": language, "@value": str(value)})
    return texts


def _publisher(community: Community) -> dict[str, Any]:
    agent: dict[str, Any] = {
        "@type": "foaf:Agent",
        "foaf:name": [
            {"@language": "uk", "@value": community.name_uk},
            {"@language": "en", "@value": community.name_en or community.name_uk},
        ],
    }
    if community.website:
        agent["foaf:homepage"] = community.website
    return agent


def _contact(community: Community) -> dict[str, Any]:
    contact: dict[str, Any] = {"@type": "vcard:Organization", "vcard:fn": community.name_uk}
    if community.email:
        contact["vcard:hasEmail"] = f"mailto:{community.email}"
    return contact


def _distribution(entry: dict[str, Any], url: Callable[[str], str], modified: str) -> dict[str, Any]:
    download = url(entry["file"])
    return {
        "@id": download,
        "@type": "dcat:Distribution",
        "dct:title": entry["file"],
        "dcat:accessURL": download,
        "dcat:downloadURL": download,
        "dcat:mediaType": "https://www.iana.org/assignments/media-types/" + entry["media_type"],
        "dct:format": _FILE_TYPE + FILE_TYPES.get(entry["format"], "BIN"),
        "dct:license": settings.UCHAST_OPEN_DATA_LICENCE,
        "dct:modified": modified,
        "dcat:byteSize": entry["bytes"],
        "spdx:checksum": {
            "@type": "spdx:Checksum",
            "spdx:algorithm": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256",
            "spdx:checksumValue": entry["sha256"],
        },
    }


def _dataset(dataset: Dataset, snapshot: Snapshot, community: Community, url: Callable[[str], str]) -> dict[str, Any]:
    modified = snapshot.manifest["generated_at"]
    return {
        "@id": url("") + "#" + dataset.slug,
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.slug,
        "dct:title": _both(dataset.title),
        "dct:description": _both(dataset.description),
        "dcat:keyword": list(dataset.keywords),
        "dct:publisher": _publisher(community),
        "dcat:contactPoint": _contact(community),
        "dct:accrualPeriodicity": FREQUENCIES[dataset.frequency],
        "dct:license": settings.UCHAST_OPEN_DATA_LICENCE,
        "dct:modified": modified,
        "dcat:landingPage": url(""),
        "dcat:distribution": [_distribution(e, url, modified) for e in snapshot.files_of(dataset.slug)],
    }


def catalogue(community: Community, snapshot: Snapshot, url: Callable[[str], str]) -> dict[str, Any]:
    """The DCAT catalogue; ``url(name)`` is the absolute address of a file of the catalogue ("" = the page)."""
    return {
        "@context": CONTEXT,
        "@id": url("catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": _both(_("Open data of the community")),
        "dct:description": _both(
            _("Every dataset the community's participation platform publishes, with its licence and checksums.")
        ),
        "dct:publisher": _publisher(community),
        "dct:license": settings.UCHAST_OPEN_DATA_LICENCE,
        "dct:modified": snapshot.manifest["generated_at"],
        "foaf:homepage": url(""),
        "dcat:dataset": [
            _dataset(registry.datasets[slug], snapshot, community, url)
            for slug in sorted(registry.datasets)
            if snapshot.files_of(slug)
        ],
    }
