"""Extension points that participation modules plug into from their ``AppConfig.ready()``.

Core never imports a module; a module registers what it contributes:

- ``demo_loaders``: ``fn(context: uchast.accounts.demo.DemoContext) -> None`` adds demo content;
- ``open_process_providers``: ``fn(community, user) -> list[ProcessCard]`` for the home page;
- ``navigation``: ``NavItem`` links in the main menu;
- ``personal_data_exporters``: ``fn(user) -> dict`` merged into "download my data";
- ``anonymisers``: ``fn(user) -> None`` run inside the account-deletion transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


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


@dataclass
class Registry:
    demo_loaders: list[tuple[int, Callable[..., None]]] = field(default_factory=list)
    open_process_providers: list[Callable[..., list[ProcessCard]]] = field(default_factory=list)
    navigation: list[NavItem] = field(default_factory=list)
    personal_data_exporters: dict[str, Callable[..., Any]] = field(default_factory=dict)
    anonymisers: list[Callable[..., None]] = field(default_factory=list)

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

    def add_anonymiser(self, fn: Callable[..., None]) -> None:
        if fn not in self.anonymisers:
            self.anonymisers.append(fn)


registry = Registry()
