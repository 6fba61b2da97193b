"""The organisations' public texts under core moderation: a confirmed organisation's profile, a
published application and an accepted report are reported by residents through core's URLs,
hidden by a moderator with a public reason (shown in their place on the pages, in the API and the
open data) and restored; texts that are not public cannot be reported."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.organisations.conftest import apply, close_applications, refusal
from uchast.core import moderation
from uchast.core.errors import ActionRefused
from uchast.core.models import AuditEntry, ModerationReport
from uchast.organisations import services
from uchast.organisations.models import Application, Organisation, Report
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db

ABOUT = "Допомагаємо переселенцям знайти житло"
GOALS = "Безоплатні консультації"
REPORT_TEXT = "Проведено сорок консультацій"
REASON = "Персональні дані третіх осіб"


@pytest.fixture
def texts(organisation: Any, competition: Any, head: Any, official: Any) -> dict[str, Any]:
    Organisation.objects.filter(pk=organisation.pk).update(description=ABOUT)
    application = apply(competition, organisation, head)
    competition = close_applications(competition)
    services.application_set_eligibility(application=application, actor=official, eligible=True)
    criteria = list(competition.criteria.all())
    services.scores_submit(application=application, member_user=official, values={c.pk: 8 for c in criteria})
    services.results_publish(competition=competition, actor=official)
    application = Application.objects.get(pk=application.pk)
    line = application.lines.first()
    report = services.report_submit(application=application, actor=head, kind="interim", text=REPORT_TEXT,
                                    spending=[(line.pk, 100_00)])  # fmt: skip
    services.report_decide(report=report, actor=official, accept=True)
    return {
        "organisation": Organisation.objects.get(pk=organisation.pk),
        "application": application,
        "report": Report.objects.get(pk=report.pk),
    }


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


class _Reader:
    """A client whose reads come back as text (JSON without escapes, so Ukrainian reads as itself)."""

    def __init__(self) -> None:
        self.client = Client()

    def get(self, url: str) -> Any:
        response = self.client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("application/json"):
            return json.dumps(response.json(), ensure_ascii=False).encode()
        return response.content


def _public(kind: str, obj: Any) -> list[str]:
    """Every public place the text is read: its page, its API read, the open data."""
    client = _Reader()
    if kind == "organisation":
        return [
            client.get(obj.get_absolute_url()).decode(),
            client.get("/organisations/").decode(),
            client.get(f"/api/organisations/{obj.pk}").decode(),
            client.get("/api/organisations/").decode(),
        ]  # the open data is the catalogue's snapshot: test_hidden_profile_in_the_catalogue_and_the_api_flags
    application = obj if kind == "application" else obj.application
    return [
        client.get(application.get_absolute_url()).decode(),
        client.get(f"/api/organisations/applications/{application.pk}").decode(),
        client.get(f"/api/organisations/competitions/{application.competition_id}/applications").decode(),
    ]


@pytest.mark.parametrize(
    ("kind", "key", "text"),
    [("organisation", "organisations.organisation", "переселенцям знайти"),
     ("application", "organisations.application", GOALS),
     ("report", "organisations.report", REPORT_TEXT)],
)  # fmt: skip
def test_reported_hidden_with_a_reason_then_restored(
    texts: dict[str, Any], moderator: Any, kind: str, key: str, text: str
) -> None:
    obj = texts[kind]
    if kind == "organisation":  # the areas of work are moderated with the description
        Organisation.objects.filter(pk=obj.pk).update(areas="переселенцям знайти житло")
    assert moderation.kind_of(obj).key == key
    for page in _public(kind, obj):
        assert text in page and REASON not in page
    base = f"/moderation/{key}/{obj.pk}"
    neighbour = _signed_in(make_user(email="neighbour@example.org"))
    page = neighbour.get(moderation.kind_of(obj).url(obj).split("#")[0]).content.decode()
    assert f'action="{base}/report/"' in page  # the report button of core moderation
    response = neighbour.post(f"{base}/report/", {"reason": "Чужі телефони", "next": "/"})
    assert response.status_code == 302
    assert ModerationReport.objects.get().target_id == str(obj.pk)
    with pytest.raises(ActionRefused) as refused:
        moderation.contribution_report(reporter=make_user(email="x@example.org"), target=obj, reason=" ")
    assert refused.value.code == "reason_required"

    mod = _signed_in(moderator)
    assert "Чужі телефони" in mod.get("/moderation/").content.decode()
    with pytest.raises(ActionRefused) as refused:
        moderation.contribution_hide(moderator=moderator, target=obj, reason="")
    assert refused.value.code == "reason_required"
    assert mod.post(f"{base}/hide/", {"reason": REASON, "next": "/moderation/"}).status_code == 302
    obj.refresh_from_db()
    assert obj.is_hidden and obj.hidden_reason == REASON
    assert AuditEntry.objects.filter(action=f"moderation.{kind}_hidden", actor_id=moderator.pk).count() == 1
    for page in _public(kind, obj):
        assert text not in page and REASON in page
    with pytest.raises(ActionRefused) as refused:
        moderation.contribution_report(reporter=make_user(email="y@example.org"), target=obj, reason="Ще")
    assert refused.value.code == "hidden"

    assert mod.post(f"{base}/restore/", {"next": "/moderation/"}).status_code == 302
    obj.refresh_from_db()
    assert not obj.is_hidden
    for page in _public(kind, obj):
        assert text in page and REASON not in page


def test_hidden_profile_in_the_catalogue_and_the_api_flags(texts: dict[str, Any], moderator: Any) -> None:
    from uchast.core.opendata import snapshot

    organisation = texts["organisation"]
    moderation.contribution_hide(moderator=moderator, target=organisation, reason=REASON)
    moderation.contribution_hide(moderator=moderator, target=texts["report"], reason=REASON)
    snapshot.build(organisation.community)
    data = Client().get("/open-data/files/organisations.json")
    body = b"".join(data.streaming_content) if data.streaming else data.content
    [row] = json.loads(body)
    assert ABOUT not in row["description"] and REASON in row["description"] and REASON in row["areas"]
    read = Client().get(f"/api/organisations/{organisation.pk}").json()
    assert read["hidden"] is True and read["hidden_reason"] == REASON and REASON in read["description"]
    application = Client().get(f"/api/organisations/applications/{texts['application'].pk}").json()
    assert application["hidden"] is False and application["goals"] == GOALS
    [report] = application["reports"]
    assert report["hidden"] is True and report["text"].endswith(REASON)


def test_only_public_texts_can_be_reported(
    community: Any, texts: dict[str, Any], head: Any, official: Any, competition: Any
) -> None:
    from tests.organisations.conftest import register

    pending = register(community, head, edrpou="00032129", name="БФ «Світанок»")
    application = texts["application"]
    line = application.lines.first()
    final = services.report_submit(application=application, actor=head, kind="final", text="Ще не прийнято",
                                   spending=[(line.pk, 100_00)])  # fmt: skip
    neighbour = _signed_in(make_user(email="neighbour@example.org"))
    for key, obj in (("organisations.organisation", pending), ("organisations.report", final)):
        response = neighbour.post(f"/moderation/{key}/{obj.pk}/report/", {"reason": "Образи"})
        assert response.status_code == 403, key
    anonymous = Client().post(f"/moderation/organisations.report/{texts['report'].pk}/report/", {"reason": "Образи"})
    assert anonymous.status_code == 302 and not ModerationReport.objects.exists()  # to the sign-in page
    api = Client().post(
        f"/api/moderation/organisations.report/{final.pk}/report",
        {"reason": "Образи"},
        content_type="application/json",
    )
    assert api.status_code == 401
    once = _signed_in(make_user(email="twice@example.org"))
    url = f"/moderation/organisations.application/{application.pk}/report/"
    assert once.post(url, {"reason": "Образи"}).status_code == 302
    with pytest.raises(ActionRefused) as refused:
        moderation.contribution_report(
            reporter=ModerationReport.objects.get().reporter, target=application, reason="Ще раз"
        )
    assert refused.value.code == "already_reported"
    assert refusal(Client().get("/api/organisations/999999")) == (404, "not_found")
