"""The catalogue of participation actions that the installed modules declare. Pure: no Django."""

from __future__ import annotations

import re
from typing import Final

from uchast.eligibility.conditions import ConditionSet
from uchast.eligibility.syntax import parse_conditions

__all__ = ["ANY_BASIS", "ActionCatalogue", "UnknownActionError"]


# --------------------------------------------------------------------------------------------
# Actions and their default conditions
# --------------------------------------------------------------------------------------------

#: Every basis: the point of a displaced community is that an IDP certificate, a census extract
#: and an in-person check count as much as a registered address.
ANY_BASIS: Final[str] = "basis in {registered, idp, census, in_person, provider}"


class UnknownActionError(KeyError):
    """An action name that no module declared (a typo must not mean "no conditions")."""


class ActionCatalogue:
    """The participation actions the installed modules declare, each with its default conditions.

    This package knows no module: each module declares its actions (name and default condition
    text, with the reasons) and registers them here at start-up. A community or a single process
    may override the defaults with its own condition text.

    Invariants: a name is declared once with one text (declaring it again with another text is a
    programming error, raised at start-up); every stored default parses.
    """

    def __init__(self) -> None:
        self._defaults: dict[str, ConditionSet] = {}
        self._texts: dict[str, str] = {}

    def declare(self, name: str, default_text: str) -> None:
        """Declare ``name`` with its default condition text (idempotent for the same text)."""
        if not re.fullmatch(r"[a-z_]+\.[a-z_]+", name):
            raise ValueError(f"action names are 'module.verb': {name!r}")
        known = self._texts.get(name)
        if known is not None and known != default_text:
            raise ValueError(f"action {name!r} is declared twice with different conditions")
        self._defaults[name] = parse_conditions(default_text)
        self._texts[name] = default_text

    @property
    def names(self) -> frozenset[str]:
        """Every declared action name."""
        return frozenset(self._defaults)

    def __contains__(self, name: object) -> bool:
        return name in self._defaults

    def default_conditions(self, name: str) -> ConditionSet:
        """The default conditions of ``name``; raises :class:`UnknownActionError` if undeclared."""
        try:
            return self._defaults[name]
        except KeyError:
            raise UnknownActionError(name) from None

    def conditions_for(self, name: str, override: str | None = None) -> ConditionSet:
        """The conditions that apply to ``name``: ``override`` text if given, else the default.

        An override of ``""`` is meaningful (anyone may take part) and is not the same as None.
        An undeclared name is refused even with an override.
        """
        default = self.default_conditions(name)
        return default if override is None else parse_conditions(override)
