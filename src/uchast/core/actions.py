"""Participation actions as names, not strings.

Each module declares the actions a person takes part by (vote, sign, propose, ...) once, in its
``actions.py``, as a :class:`ParticipationAction` enum. A member carries:

- its **value**, the eligibility name (``"petition.sign"``): the key of its conditions, overridable
  per community or process, and the name the verification API answers for;
- its **default conditions** (condition text of :mod:`uchast.eligibility`), with the reasons in the
  module's docstring;
- its **label** (what a person does, translated);
- its **permission** name (``"petitions.sign"``): the module's app label and the verb, unless the
  member names another (comments use core's ``<app>.comment_<model>`` permissions).

The module registers the enum from ``AppConfig.ready()`` with ``registry.add_actions(...)``, which
declares every member in the one :class:`~uchast.eligibility.ActionCatalogue`; services then ask
``uchast.verification.selectors.require_eligible(user, community, action)``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ParticipationAction(StrEnum):
    """Base of a module's actions. Subclasses define ``app_label()`` and members
    ``NAME = "module.verb", "default condition text", _("label")``."""

    default_conditions: str
    label: Any
    _permission: str

    def __new__(
        cls, value: str, default_conditions: str = "", label: Any = "", permission: str = ""
    ) -> ParticipationAction:
        member = str.__new__(cls, value)
        member._value_ = value
        member.default_conditions = default_conditions
        member.label = label
        member._permission = permission
        return member

    @classmethod
    def app_label(cls) -> str:
        """The Django app label of the module declaring these actions."""
        raise NotImplementedError

    @property
    def verb(self) -> str:
        return self.value.split(".", 1)[1]

    @property
    def permission(self) -> str:
        """The django-rules permission a view or endpoint checks before the action."""
        return self._permission or f"{self.app_label()}.{self.verb}"

    def __str__(self) -> str:
        return self.value
