"""Extension points that participation modules plug into from their ``AppConfig.ready()``.

Core never imports a module; a module registers what it contributes:

- ``demo_loaders``: ``fn(context: uchast.accounts.demo.DemoContext) -> None`` adds demo content;
- ``open_process_providers``: ``fn(community, user) -> list[ProcessCard]`` for the home page;
- ``navigation``: ``NavItem`` links in the main menu;
- ``personal_data_exporters``: ``fn(user) -> dict`` merged into "download my data";
- ``anonymisers``: ``fn(user) -> None`` run inside the account-deletion transaction;
- ``actions``: the participation actions modules declare (``add_actions(SomeAction)``), each with
  its default conditions, in one ``eligibility.ActionCatalogue``;
- ``audit_labels`` / ``audit_objects``: the words the public audit page shows for an action code
  (``add_audit_words({"petition.answered": _("Petition answered")}, objects={...})``) and, per object
  type (``"petitions.petition"``), ``fn(ids) -> {id: (title, url)}`` for the objects that are public;
- ``startup_notes``: ``fn() -> list[str]`` lines ``uchast run`` prints last, under the address
  (the demo's logins, when the demo is loaded);
- ``datasets``: the open data a module publishes (``add_datasets(Dataset(...), ...)``): the catalogue
  at ``/open-data/``, its DCAT document and the nightly archive are built from them (``core.opendata``);
- ``statistics``: ``fn(community) -> list[StatisticRow]`` per module, for ``/api/v1/statistics``;
- ``periodic``: background tasks enqueued every N seconds by ``uchast scheduler`` (phase changes by
  date, petition deadlines, retention of private files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from uchast.eligibility import ActionCatalogue


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any  # a lazy translation
    order: int = 50


@dataclass(frozen=True)
class ProcessCard:
    title: str
    url: str
    kind: Any  # lazy label: "Participatory budget", ...
    status: Any
    deadline_text: str = ""


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Any  # a django-tasks Task: the scheduler calls ``task.enqueue()``
    every_seconds: int


@dataclass(frozen=True)
class DataTable:
    """Rows of a dataset: published as CSV (a header line, then the rows) and JSON (one object a row)."""

    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]


@dataclass(frozen=True)
class DataFormat:
    """A format beyond CSV and JSON (Pabulib, JSON Lines): ``write(community, binary_file)``."""

    key: str  # "pabulib": the file is <slug>.<extension>
    label: str  # "Pabulib" (a format's name, not translated)
    media_type: str  # IANA media type, for DCAT
    extension: str
    write: Callable[[Any, Any], None]


@dataclass(frozen=True)
class Dataset:
    """One dataset of the open-data catalogue.

    ``table(community)`` gives its rows (published as CSV and JSON), ``formats`` any other file;
    ``frequency`` is how often the data change: ``continuous``, ``daily``, ``monthly``, ``annual`` or
    ``irregular`` (the catalogue maps it to the EU frequency vocabulary); ``live_url`` names a URL
    that serves the same data as it is right now (the nightly files are a snapshot).
    """

    slug: str
    title: Any  # lazy translations
    description: Any
    frequency: str
    table: Callable[[Any], DataTable] | None = None
    formats: tuple[DataFormat, ...] = ()
    keywords: tuple[str, ...] = ()
    live_url: str = ""


@dataclass(frozen=True)
class StatisticRow:
    """One number of ``/api/v1/statistics``: ``process`` is e.g. ``budget:2026``, ``month`` ``2026-03``
    ("" when the number is not per month), ``measure`` e.g. ``votes_paper``."""

    module: str
    process: str
    month: str
    measure: str
    value: int


@dataclass
class Registry:
    demo_loaders: list[tuple[int, Callable[..., None]]] = field(default_factory=list)
    open_process_providers: list[Callable[..., list[ProcessCard]]] = field(default_factory=list)
    navigation: list[NavItem] = field(default_factory=list)
    personal_data_exporters: dict[str, Callable[..., Any]] = field(default_factory=dict)
    anonymisers: list[Callable[..., None]] = field(default_factory=list)
    periodic: dict[str, PeriodicJob] = field(default_factory=dict)
    actions: ActionCatalogue = field(default_factory=ActionCatalogue)
    audit_labels: dict[str, Any] = field(default_factory=dict)
    startup_notes: list[Callable[[], list[str]]] = field(default_factory=list)
    audit_objects: dict[str, Callable[[list[str]], dict[str, tuple[str, str]]]] = field(default_factory=dict)
    datasets: dict[str, Dataset] = field(default_factory=dict)
    statistics: list[Callable[[Any], list[StatisticRow]]] = field(default_factory=list)

    def add_datasets(self, *datasets: Dataset) -> None:
        for dataset in datasets:
            self.datasets[dataset.slug] = dataset

    def add_statistics(self, fn: Callable[[Any], list[StatisticRow]]) -> None:
        if fn not in self.statistics:
            self.statistics.append(fn)

    def add_demo_loader(self, fn: Callable[..., None], order: int = 50) -> None:
        if all(existing is not fn for _, existing in self.demo_loaders):
            self.demo_loaders.append((order, fn))

    def add_open_processes(self, fn: Callable[..., list[ProcessCard]]) -> None:
        if fn not in self.open_process_providers:
            self.open_process_providers.append(fn)

    def add_navigation(self, item: NavItem) -> None:
        if item not in self.navigation:
            self.navigation.append(item)
            self.navigation.sort(key=lambda i: i.order)

    def add_personal_data(self, key: str, fn: Callable[..., Any]) -> None:
        self.personal_data_exporters[key] = fn

    def add_periodic(self, name: str, task: Any, every_seconds: int) -> None:
        self.periodic[name] = PeriodicJob(name, task, every_seconds)

    def add_actions(self, enum: type[Any]) -> None:
        """Declare a module's ``ParticipationAction`` enum: its members' names and default conditions."""
        for member in enum:
            self.actions.declare(member.value, member.default_conditions)

    def add_audit_words(
        self,
        labels: Mapping[str, Any],
        objects: Mapping[str, Callable[[list[str]], dict[str, tuple[str, str]]]] | None = None,
    ) -> None:
        """A module's words for the audit page: a label per action code, a public title and link per
        object type. Codes without a label are turned into words by ``core.auditwords``."""
        self.audit_labels.update(labels)
        self.audit_objects.update(objects or {})

    def add_startup_note(self, fn: Callable[[], list[str]]) -> None:
        if fn not in self.startup_notes:
            self.startup_notes.append(fn)

    def add_anonymiser(self, fn: Callable[..., None]) -> None:
        if fn not in self.anonymisers:
            self.anonymisers.append(fn)


registry = Registry()
