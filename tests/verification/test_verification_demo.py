from __future__ import annotations

import pytest

from uchast.verification.models import CensusEntry, CodeBatch, DocumentSubmission, Verification, VerificationStatus

pytestmark = pytest.mark.django_db


def test_demo_loader(settings, tmp_path, capsys):
    from uchast.accounts.demo import load_demo

    context = load_demo()
    active = Verification.objects.filter(status=VerificationStatus.ACTIVE)
    assert active.count() >= 4
    assert {"idp", "registered", "census", "in_person"} <= set(active.values_list("basis", flat=True))
    assert DocumentSubmission.objects.filter(verification__status=VerificationStatus.PENDING).count() == 1
    assert CensusEntry.objects.filter(community=context.community).count() == 5
    assert CodeBatch.objects.filter(community=context.community).exists()
    assert capsys.readouterr().out == ""
