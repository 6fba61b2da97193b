from __future__ import annotations

import pytest

from uchast.accounts.demo import load_demo
from uchast.organisations.bodies import AdvisoryBody
from uchast.organisations.models import (
    ApplicationStatus,
    Competition,
    Organisation,
    OrganisationStatus,
    Phase,
    Report,
    Score,
)


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_civil_society() -> None:
    load_demo()
    idp = Organisation.objects.get(works_with_idps=True, status=OrganisationStatus.CONFIRMED)
    assert idp.name == "ГО «Зоряни разом»"
    assert Organisation.objects.filter(status=OrganisationStatus.PENDING).exists()
    finished = Competition.objects.get(status=Phase.RESULTS)
    assert Score.objects.filter(application__competition=finished).count() > 0
    assert finished.applications.filter(status=ApplicationStatus.WINNER).count() == 1
    assert finished.applications.filter(status=ApplicationStatus.NOT_FUNDED).count() == 1  # below the money line
    assert Report.objects.get().status == "submitted"
    assert Competition.objects.filter(status=Phase.APPLICATIONS).exists()
    council = AdvisoryBody.objects.get(kind="idp_council")
    assert council.meetings.count() == 2 and council.members.count() == 3
