"""Problem reports under core moderation: reported through the shared URL, hidden from the queue with
a public reason; then no page shows the report's words or photo, "me too" is refused, and the
hiding is on the audit log."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from uchast.appeals import services
from uchast.appeals.models import MeToo, ProblemReport
from uchast.core import moderation
from uchast.core.errors import ActionRefused
from uchast.core.files import attachments_for
from uchast.core.models import AuditEntry, ModerationReport
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db

TITLE = "Сміття біля укриття на Шкільній"
DETAILS = "Хтось вивалив будівельне сміття просто біля входу."
ADDRESS = "вул. Шкільна, 12"
REASON = "Образливі слова про сусідів"


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="JPEG")
    return SimpleUploadedFile("smittia.jpg", buffer.getvalue(), content_type="image/jpeg")


def _report(resident: Any) -> ProblemReport:
    response = _client(resident).post(
        reverse("appeals:report_create"),
        {"title": TITLE, "text": DETAILS, "topic": "safety", "address": ADDRESS, "photo": _jpeg()},
    )
    assert response.status_code == 302
    return ProblemReport.objects.get()


def test_registered_with_its_page_text_and_community(resident: Any, community: Any, departments: Any) -> None:
    report = _report(resident)
    kind = moderation.kind_of(report)
    assert kind.key == "appeals.problemreport" and kind.report_permission == "appeals.report_problem_report"
    assert kind.url(report) == report.get_absolute_url() and kind.community(report) == community
    assert TITLE in kind.text(report) and DETAILS in kind.text(report)
    assert make_user(email="n@example.org").has_perm("appeals.report_problem_report", report)
    assert not AnonymousUser().has_perm("appeals.report_problem_report", report)


def test_reported_hidden_through_the_queue_then_shown_only_by_its_reason(
    resident: Any, community: Any, departments: Any, moderator: Any
) -> None:
    report = _report(resident)
    photo_url = attachments_for(report).get().file.url
    page = Client().get(report.get_absolute_url()).content.decode()
    assert TITLE in page and DETAILS in page and photo_url in page
    base = f"/moderation/appeals.problemreport/{report.pk}"

    neighbour = _client(make_user(email="neighbour@example.org"))
    page = neighbour.get(report.get_absolute_url()).content.decode()
    assert f'action="{base}/report/"' in page  # the report button of core moderation
    assert reverse("appeals:metoo", args=[report.pk]) in page
    assert f'action="{base}/report/"' not in Client().get(report.get_absolute_url()).content.decode()
    response = neighbour.post(f"{base}/report/", {"reason": "Образи", "next": report.get_absolute_url()})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.report_count == 1 and ModerationReport.objects.get().reason == "Образи"

    mod = _client(moderator)
    queue = mod.get(reverse("core:moderation")).content.decode()
    assert "Образи" in queue and f"{base}/hide/" in queue and TITLE in queue
    response = mod.post(f"{base}/hide/", {"reason": REASON, "next": reverse("core:moderation")})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_hidden and report.hidden_reason == REASON and report.hidden_by == moderator

    public = Client()
    for page in (
        public.get(report.get_absolute_url()).content.decode(),
        public.get(reverse("appeals:reports")).content.decode(),
    ):
        assert REASON in page
        assert TITLE not in page and DETAILS not in page and ADDRESS not in page and photo_url not in page
    audit = public.get(reverse("core:audit_log")).content.decode()
    # The public audit log lists the hiding but names the report neutrally, not by its hidden title.
    assert 'title="moderation.problemreport_hidden"' in audit and TITLE not in audit

    entry = AuditEntry.objects.get(action="moderation.problemreport_hidden")
    assert entry.actor == moderator and entry.object_id == str(report.pk) and entry.summary["reason"] == REASON
    assert reverse("appeals:metoo", args=[report.pk]) not in neighbour.get(report.get_absolute_url()).content.decode()


def test_me_too_on_a_hidden_report_is_refused(resident: Any, community: Any, departments: Any, moderator: Any) -> None:
    report = _report(resident)
    moderation.contribution_hide(moderator=moderator, target=report, reason=REASON)
    neighbour = make_user(email="neighbour@example.org")
    with pytest.raises(ActionRefused) as refused:
        services.report_metoo(report=report, user=neighbour)
    assert refused.value.code == "hidden"

    client = _client(neighbour)
    response = client.post(reverse("appeals:metoo", args=[report.pk]), follow=True)
    assert response.status_code == 200 and "Модератор приховав це повідомлення." in response.content.decode()
    report.refresh_from_db()
    assert report.metoo_count == 0 and not MeToo.objects.exists()
    # A hidden report needs no more reports.
    assert client.post(f"/moderation/appeals.problemreport/{report.pk}/report/", {"reason": "Ще"}).status_code == 302
    assert not ModerationReport.objects.exists()
