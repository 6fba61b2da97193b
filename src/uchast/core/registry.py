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
- ``periodic``: background tasks enqueued every N seconds by ``uchast scheduler`` (phase changes by
  date, petition deadlines, retention of private files).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    action: str = ""
    action_url: str = ""
    lang: str = ""


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
