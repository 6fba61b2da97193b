"""Extension points that participation modules plug into from their ``AppConfig.ready()``.

Core never imports a module; a module registers what it contributes:

- ``demo_loaders``: ``fn(context: uchast.accounts.demo.DemoContext) -> None`` adds demo content;
- ``scale_loaders``: ``fn(context: uchast.accounts.scale.ScaleContext) -> None`` adds a city's worth
  of data through bulk paths (``uchast demo --scale N``), in ``order`` like the demo loaders;
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
- ``notification_dispatcher``: ``fn(notification_ids) -> None`` run after commit for every batch of
  stored notifications (``uchast.channels`` sends them on the person's chosen channels); without
  one, core e-mails each notification itself;
- ``calendar_providers``: ``fn(community, user | None) -> list[CalendarEvent]`` for the iCalendar
  feeds (``uchast.channels.calendars``);
- ``audience``: the bases and the resolver staff announcements narrow their audience with
  (``uchast.verification``; without it announcements go to everyone who opted in);
- ``datasets``: the open data a module publishes (``add_datasets(Dataset(...), ...)``): the catalogue
  at ``/open-data/``, its DCAT document and the nightly archive are built from them (``core.opendata``);
- ``statistics``: ``fn(community) -> list[StatisticRow]`` per module, for ``/api/v1/statistics``;
- ``periodic``: background tasks enqueued every N seconds by ``uchast scheduler`` (phase changes by
  date, petition deadlines, retention of private files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import formats, timezone

from uchast.eligibility import ActionCatalogue


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any  # a lazy translation
    order: int = 50


@dataclass(frozen=True)
class ProcessCard:
    """A process open for action now, as the home page shows it: what it is, and the one thing a
    resident can do there, with its deadline in words (``action``: "Vote until 14 June",
    "Sign: 37 of 100 signatures") at ``action_url`` (the card's page if empty). ``lang`` is the
    language the title was written in (``lang`` attribute)."""

    title: str
    url: str
    kind: Any  # lazy label: "Participatory budget", ...
    status: Any
    deadline_text: str = ""
    target: Any = None  # the process itself (a model instance), for following it from a channel (the bot)
    action: str = ""
    action_url: str = ""
    lang: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    """One entry of an iCalendar feed: a process phase, a deadline, a meeting."""

    uid: str  # stable across requests ("petition-4-collection"), so calendar apps update, not duplicate
    title: str
    start: Any  # datetime (aware) or date (all-day)
    end: Any = None
    url: str = ""
    location: str = ""
    # A deadline people should be reminded of (the day before), and the object whose followers
    # are reminded (``uchast.channels.reminders``); None for events that need no reminder.
    deadline: Any = None
    target: Any = None


@dataclass(frozen=True)
class Audience:
    """Who staff announcements can be narrowed to: the bases of residence (value, label) and
    ``resolve(community, district_code, basis)`` → a queryset of user ids with a verification in
    force matching them (contributed by ``uchast.verification``)."""

    bases: list[tuple[str, Any]]
    resolve: Callable[..., Any]


def last_day(moment: datetime) -> date:
    """The last calendar day (local time) on which something that closes at ``moment`` is still
    open: a vote closing at 00:00 on 15 June is open "until 14 June"."""
    return timezone.localtime(moment - timedelta(microseconds=1)).date()


def day_words(day: date) -> str:
    """A day as people say it, in the active language: "14 June", "14 червня"."""
    return formats.date_format(day, "j E")


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
    scale_loaders: list[tuple[int, Callable[..., None]]] = field(default_factory=list)
    open_process_providers: list[Callable[..., list[ProcessCard]]] = field(default_factory=list)
    navigation: list[NavItem] = field(default_factory=list)
    personal_data_exporters: dict[str, Callable[..., Any]] = field(default_factory=dict)
    anonymisers: list[Callable[..., None]] = field(default_factory=list)
    periodic: dict[str, PeriodicJob] = field(default_factory=dict)
    actions: ActionCatalogue = field(default_factory=ActionCatalogue)
    audit_labels: dict[str, Any] = field(default_factory=dict)
    startup_notes: list[Callable[[], list[str]]] = field(default_factory=list)
    audit_objects: dict[str, Callable[[list[str]], dict[str, tuple[str, str]]]] = field(default_factory=dict)
    notification_dispatcher: Callable[[list[int]], None] | None = None
    calendar_providers: list[Callable[..., list[CalendarEvent]]] = field(default_factory=list)
    audience: Audience | None = None
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

    def add_scale_loader(self, fn: Callable[..., None], order: int = 50) -> None:
        if all(existing is not fn for _, existing in self.scale_loaders):
            self.scale_loaders.append((order, fn))

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

    def add_calendar(self, fn: Callable[..., list[CalendarEvent]]) -> None:
        """``fn(community, user)``: the community's dated events when ``user`` is None, else that
        person's own (deadlines of what they follow, signed or wrote; meetings they joined)."""
        if fn not in self.calendar_providers:
            self.calendar_providers.append(fn)

    def set_notification_dispatcher(self, fn: Callable[[list[int]], None]) -> None:
        self.notification_dispatcher = fn

    def add_anonymiser(self, fn: Callable[..., None]) -> None:
        if fn not in self.anonymisers:
            self.anonymisers.append(fn)


registry = Registry()
