from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from uchast.appeals.models import Appeal, ProblemReport, ReportStatus, Status

pytestmark = pytest.mark.django_db


def test_demo_has_appeals_in_every_state_one_overdue_and_reports() -> None:
    from uchast.accounts.demo import load_demo

    load_demo()
    statuses = set(Appeal.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in Status}
    assert Appeal.objects.exclude(extension_reasons="").exists()
    assert Appeal.objects.filter(priority_check="confirmed").exists()
    today = timezone.localdate()
    assert Appeal.objects.filter(status__in=[Status.REGISTERED, Status.IN_WORK], due_date__lt=today).count() == 1
    assert Appeal.objects.filter(publish=True, status=Status.ANSWERED).count() == 2
    assert set(ProblemReport.objects.values_list("status", flat=True)) >= {ReportStatus.NEW, ReportStatus.RESOLVED}
    assert all(r.metoo_count == 3 for r in ProblemReport.objects.all())
    client = Client()
    published = Appeal.objects.filter(publish=True, status=Status.ANSWERED).first()
    assert published is not None
    for url in (
        reverse("appeals:index"),
        reverse("appeals:stats"),
        reverse("appeals:reports"),
        published.get_absolute_url(),
        ProblemReport.objects.first().get_absolute_url(),  # type: ignore[union-attr]
    ):
        assert client.get(url).status_code == 200, url
