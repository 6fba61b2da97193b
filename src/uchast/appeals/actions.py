"""Appeals' participation actions.

The law on citizens' appeals gives the right to every citizen (and to foreigners and stateless
persons lawfully in Ukraine, art. 1), with no age limit and no residence condition: so filing an
appeal or a problem report needs only a signed-in account, no verification. Identity comes from the
full name, place of residence and contact the law requires in the appeal itself (art. 5)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from uchast.core.actions import ParticipationAction


class AppealAction(ParticipationAction):
    FILE = "appeal.file", "", _("file an appeal")
    REPORT = "appeal.report", "", _("report a problem")

    @classmethod
    def app_label(cls) -> str:
        return "appeals"
