from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from uchast.consultations import services
from uchast.consultations.drafts import sections_from_docx, sections_from_markdown, wording_diff
from uchast.consultations.models import (
    Answer,
    Meeting,
    OpinionSnapshot,
    Proposal,
    QuestionKind,
    Section,
    StatementVote,
    SurveyResponse,
)
from uchast.consultations.tasks import refresh_opinion_now
from uchast.core import moderation
from uchast.core.errors import ActionRefused
from uchast.core.models import Notification
from uchast.testing.factories import make_user, make_verified_resident

from .conftest import make_consultation

pytestmark = pytest.mark.django_db


# --- Draft text ----------------------------------------------------------------------------------


def test_markdown_splits_at_section_headings_below_the_title():
    sections = sections_from_markdown("# Title\nintro\n## One\nfirst\n### sub\nmore\n## Two\nsecond")
    assert [s.heading for s in sections] == ["", "One", "Two"]
    assert sections[0].body == "intro"
    assert "### sub" in sections[1].body


def test_docx_headings_become_sections():
    import docx

    document = docx.Document()
    document.add_heading("Проєкт рішення", level=0)
    document.add_heading("Житло", level=1)
    document.add_paragraph("Компенсація оренди.")
    document.add_heading("Робота", level=1)
    document.add_paragraph("Мікрогранти.")
    buffer = io.BytesIO()
    document.save(buffer)
    sections = sections_from_docx(buffer.getvalue())
    assert [(s.heading, s.body) for s in sections] == [("Житло", "Компенсація оренди."), ("Робота", "Мікрогранти.")]


def test_wording_diff_marks_changes_and_escapes_html():
    html = wording_diff("оренди протягом шести місяців", "оренди протягом <b>дев'яти</b> місяців")
    assert "<del>" in html and "шести" in html
    assert "<ins>" in html and "&lt;b&gt;" in html
    assert "<b>" not in html


def test_new_version_keeps_old_sections_and_their_proposals(consultation, official, resident):
    old_section = consultation.versions.get().sections.get(position=2)
    proposal = services.proposal_create(
        author=resident,
        section=old_section,
        body="Подовжити строк.",
        proposed_text="Компенсація оренди дев'ять місяців.",
    )
    assert proposal.kind == "wording"
    services.draft_version_publish(
        actor=official,
        consultation=consultation,
        sections=sections_from_markdown("## Загальні положення\nТекст.\n## Житло\nНовий текст."),
    )
    assert consultation.versions.count() == 2
    proposal.refresh_from_db()
    assert proposal.section_id == old_section.pk
    assert Section.objects.get(pk=old_section.pk).body == "Компенсація оренди протягом шести місяців."
    new = Section.objects.get(version__number=2, key=old_section.key)
    assert new.body == "Новий текст."
    # New words go to the current version; the old one is read-only.
    with pytest.raises(ActionRefused) as old:
        services.proposal_create(author=resident, section=old_section, body="Ще одна.")
    assert old.value.code == "old_version"
    with pytest.raises(ActionRefused):
        services.section_comment(author=resident, section=old_section, body="Коментар")
    assert services.section_comment(author=resident, section=new, body="Коментар").pk


# --- Proposals -----------------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   ", "x" * 3001])
def test_empty_or_oversized_proposal_is_refused_and_nothing_changes(consultation, resident, body):
    section = consultation.versions.get().sections.first()
    with pytest.raises(ActionRefused) as refused:
        services.proposal_create(author=resident, section=section, body=body)
    assert refused.value.code in {"empty", "too_long"}
    assert not Proposal.objects.exists()


def test_proposal_on_closed_consultation_is_refused(community, official, resident):
    closed = make_consultation(community, official, phase="analysis")
    section = closed.versions.get().sections.first()
    with pytest.raises(ActionRefused):
        services.proposal_create(author=resident, section=section, body="Пізно.")
    assert not Proposal.objects.exists()


def test_support_once_and_not_own(consultation, resident, voter):
    section = consultation.versions.get().sections.first()
    proposal = services.proposal_create(author=resident, section=section, body="Пропозиція.")
    assert services.proposal_support(user=voter, proposal=proposal) is True
    assert services.proposal_support(user=voter, proposal=proposal) is False
    with pytest.raises(ActionRefused):
        services.proposal_support(user=resident, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_report_and_hide_with_reason(consultation, resident, voter, moderator):
    """Proposals are moderated by core moderation (a moderator's permission is the view's: see
    test_consultations_web.test_moderation_actions_through_their_urls)."""
    section = consultation.versions.get().sections.first()
    proposal = services.proposal_create(author=resident, section=section, body="Образливий текст.")
    assert moderation.contribution_report(reporter=voter, target=proposal, reason="Образа").pk
    with pytest.raises(ActionRefused) as again:
        moderation.contribution_report(reporter=voter, target=proposal, reason="Образа")
    assert again.value.code == "already_reported"
    with pytest.raises(ActionRefused):
        moderation.contribution_hide(moderator=moderator, target=proposal, reason="")
    moderation.contribution_hide(moderator=moderator, target=proposal, reason="Мова ворожнечі")
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.hidden_reason == "Мова ворожнечі" and proposal.report_count == 1


def test_blocked_user_cannot_propose(consultation, resident, moderator, community):
    from uchast.core.moderation import user_block

    user_block(moderator=moderator, user=resident, community=community, reason="Спам")
    section = consultation.versions.get().sections.first()
    with pytest.raises(ActionRefused):
        services.proposal_create(author=resident, section=section, body="Текст.")


def test_section_comment_uses_core_comments(consultation, resident):
    section = consultation.versions.get().sections.first()
    comment = services.section_comment(author=resident, section=section, body="Дякую за проєкт.")
    assert comment.target_id == str(section.pk)
    with pytest.raises(ActionRefused):
        services.section_comment(author=resident, section=section, body="")
    with pytest.raises(ActionRefused):
        services.section_comment(author=resident, section=section, body="x" * 2001)


def test_district_audience_limits_proposals(community, official):
    district = community.districts.get(code="center")
    c = make_consultation(community, official, audience="district", audience_district=district)
    section = c.versions.get().sections.first()
    outsider = make_verified_resident(community, district=community.districts.get(code="stepove"))
    insider = make_verified_resident(community, district=district)
    with pytest.raises(ActionRefused):
        services.proposal_create(author=outsider, section=section, body="Пропозиція.")
    assert services.proposal_create(author=insider, section=section, body="Пропозиція.").pk


# --- Statements and the opinion map --------------------------------------------------------------


def test_statement_vote_is_one_per_person_and_changing_updates(consultation, official, voter):
    statement = services.statement_create(
        author=official, by_council=True, consultation=consultation, text="Житло важливіше."
    )
    services.statement_vote(user=voter, statement=statement, value=1)
    services.statement_vote(user=voter, statement=statement, value=-1)
    assert list(StatementVote.objects.values_list("value", flat=True)) == [-1]
    consultation.refresh_from_db()
    assert consultation.vote_count == 1


def test_statement_from_ineligible_user_is_refused(consultation, resident):
    with pytest.raises(ActionRefused) as refused:
        services.statement_create(author=resident, consultation=consultation, text="Не перевірений.")
    assert refused.value.code == "not_eligible"
    assert not consultation.statements.exists()


def test_vote_on_closed_consultation_is_refused(community, official, voter):
    c = make_consultation(community, official)
    statement = services.statement_create(author=official, by_council=True, consultation=c, text="Твердження.")
    c = services.consultation_advance(actor=official, consultation=c)
    statement.refresh_from_db()
    with pytest.raises(ActionRefused):
        services.statement_vote(user=voter, statement=statement, value=1)
    assert not StatementVote.objects.exists()


def test_bad_vote_value_and_duplicate_statement(consultation, official, voter):
    statement = services.statement_create(
        author=official, by_council=True, consultation=consultation, text="Твердження."
    )
    with pytest.raises(ActionRefused):
        services.statement_vote(user=voter, statement=statement, value=2)
    with pytest.raises(ActionRefused):
        services.statement_create(author=official, by_council=True, consultation=consultation, text="Твердження.")
    with pytest.raises(ActionRefused):
        services.statement_create(author=official, by_council=True, consultation=consultation, text="x" * 281)


def _planted_votes(community, official, consultation, n_voters=16, n_statements=8):
    statements = [
        services.statement_create(author=official, by_council=True, consultation=consultation, text=f"Твердження {i}")
        for i in range(n_statements)
    ]
    voters = [make_verified_resident(community) for _ in range(n_voters)]
    for n, voter in enumerate(voters):
        sign = 1 if n % 2 == 0 else -1
        for i, statement in enumerate(statements):
            value = 1 if i == n_statements - 1 else (sign if i < n_statements // 2 else -sign)
            services.statement_vote(user=voter, statement=statement, value=value)
    return voters, statements


def test_opinion_map_recovers_planted_groups_via_the_task(
    community, official, consultation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        voters, statements = _planted_votes(community, official, consultation)
    snapshot = OpinionSnapshot.objects.get(consultation=consultation)
    # The immediate task backend ran the debounced task: the map exists but lags behind at most the threshold.
    assert snapshot.computed_at is not None
    refresh_opinion_now(consultation)
    snapshot.refresh_from_db()
    data = snapshot.data
    assert sorted(g["size"] for g in data["groups"]) == [8, 8]
    assert data["participant_count"] == 16
    # pseudonyms only, never account ids
    assert {p["id"] for p in data["participants"]} == set(range(1, 17))
    assert any(c["statement_id"] == statements[-1].pk for c in data["consensus"])


def test_opinion_svg_uses_unlocalised_numbers(community, official, consultation, client):
    _planted_votes(community, official, consultation, n_voters=6, n_statements=4)
    refresh_opinion_now(consultation)
    page = client.get(f"/consultations/{consultation.pk}/statements/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    import re

    coordinates = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', page)
    assert len(coordinates) == 6
    assert all("," not in x + y for x, y in coordinates)
    fragment = client.get(f"/consultations/{consultation.pk}/opinion/").content.decode()
    assert fragment.count("<circle") == 6 and 'data-refresh-seconds="60"' in fragment and "<html" not in fragment


def test_the_drawn_points_are_cached_until_the_map_is_computed_again(community, official, consultation, client):
    """Thousands of circles in a city: drawn once per computed map, not on every request."""
    _planted_votes(community, official, consultation, n_voters=6, n_statements=4)
    refresh_opinion_now(consultation)
    url = f"/consultations/{consultation.pk}/statements/"
    assert client.get(url).content.decode().count("<circle") == 6
    snapshot = OpinionSnapshot.objects.get(consultation=consultation)
    snapshot.data = {**snapshot.data, "participants": snapshot.data["participants"][:2]}
    snapshot.save(update_fields=["data"])  # the same computed map as far as the cache key knows
    assert client.get(url).content.decode().count("<circle") == 6
    snapshot.votes_at_compute += 1  # computed again
    snapshot.save(update_fields=["votes_at_compute"])
    assert client.get(url).content.decode().count("<circle") == 2


def test_recompute_is_debounced():
    now = timezone.now()
    fresh = OpinionSnapshot(computed_at=now, votes_at_compute=100)
    assert not services.opinion_recompute_due(fresh, 100 + services.OPINION_RECOMPUTE_VOTES - 1, now)
    assert services.opinion_recompute_due(fresh, 100 + services.OPINION_RECOMPUTE_VOTES, now)
    later = now + timedelta(seconds=services.OPINION_RECOMPUTE_SECONDS)
    assert services.opinion_recompute_due(fresh, 101, later)
    assert not services.opinion_recompute_due(fresh, 100, later)
    assert services.opinion_recompute_due(OpinionSnapshot(), 1, now)


def test_hidden_statement_leaves_the_map_and_cannot_be_voted(community, official, consultation, moderator):
    voters, statements = _planted_votes(community, official, consultation, n_voters=6, n_statements=4)
    moderation.contribution_hide(moderator=moderator, target=statements[0], reason="Дублює інше")
    statements[0].refresh_from_db()
    with pytest.raises(ActionRefused):
        services.statement_vote(user=voters[0], statement=statements[0], value=1)
    refresh_opinion_now(consultation)
    stats = OpinionSnapshot.objects.get(consultation=consultation).data["statement_stats"]
    assert statements[0].pk not in {s["statement_id"] for s in stats}


# --- Surveys -------------------------------------------------------------------------------------


@pytest.fixture
def survey(consultation, official):
    s = services.survey_create(actor=official, consultation=consultation, title="Опитування")
    services.question_add(actor=official, survey=s, kind=QuestionKind.SINGLE, text="Де?", options=["А", "Б", "В"])
    services.question_add(
        actor=official, survey=s, kind=QuestionKind.MULTIPLE, text="Що?", options=["1", "2", "3", "4"], max_choices=2
    )
    services.question_add(actor=official, survey=s, kind=QuestionKind.SCALE, text="Оцінка", scale_min=1, scale_max=5)
    services.question_add(actor=official, survey=s, kind=QuestionKind.RANKING, text="Порядок", options=["x", "y", "z"])
    services.question_add(actor=official, survey=s, kind=QuestionKind.TEXT, text="Побажання", required=False)
    return s


def _ids(survey):
    return [q.pk for q in survey.questions.order_by("position")]


def test_survey_answer_is_saved_once(survey, voter):
    single, multiple, scale, ranking, text = _ids(survey)
    answers = {single: "1", multiple: ["0", "3"], scale: 4, ranking: [2, 0, 1], text: "Більше житла"}
    services.survey_answer(user=voter, survey=survey, answers=answers)
    assert Answer.objects.count() == 5
    with pytest.raises(ActionRefused) as again:
        services.survey_answer(user=voter, survey=survey, answers=answers)
    assert again.value.code == "already_answered"
    assert SurveyResponse.objects.count() == 1
    survey.refresh_from_db()
    assert survey.response_count == 1


@pytest.mark.parametrize(
    ("index", "bad"),
    [
        (0, "7"),  # option out of range
        (0, ["0", "1"]),  # several options for single choice
        (1, ["0", "1", "2"]),  # more than max
        (2, 9),  # outside the scale
        (2, "п'ять"),  # not a number
        (3, [0, 0, 1]),  # ranking with a repeated place
        (4, 42),  # text expected
        (0, ""),  # required missing
    ],
)
def test_survey_answer_of_wrong_type_is_refused_and_nothing_saved(survey, voter, index, bad):
    single, multiple, scale, ranking, text = _ids(survey)
    answers = {single: "1", multiple: ["0"], scale: 3, ranking: [0, 1, 2], text: ""}
    key = [single, multiple, scale, ranking, text][index]
    answers[key] = bad
    with pytest.raises(services.SurveyInvalid) as refused:
        services.survey_answer(user=voter, survey=survey, answers=answers)
    assert key in refused.value.errors
    assert not SurveyResponse.objects.exists() and not Answer.objects.exists()


def test_survey_needs_eligible_person(survey, resident):
    with pytest.raises(ActionRefused):
        services.survey_answer(user=resident, survey=survey, answers={})


def test_survey_results_and_csv(survey, community):
    from uchast.consultations import selectors

    single, multiple, scale, ranking, text = _ids(survey)
    for n in range(3):
        services.survey_answer(
            user=make_verified_resident(community),
            survey=survey,
            answers={single: str(n % 2), multiple: ["1"], scale: n + 2, ranking: [0, 1, 2], text: f"Побажання {n}"},
        )
    results = selectors.survey_results(survey)
    assert [o.count for o in results[0].options] == [2, 1, 0]
    assert results[2].mean == 3.0
    assert [o.count for o in results[3].options] == [6, 3, 0]
    assert "Побажання 2" in selectors.survey_texts_csv(survey)
    assert "Де?" in selectors.survey_results_csv(survey)


# --- Meetings ------------------------------------------------------------------------------------


def test_meeting_capacity_and_minutes_become_proposals(consultation, official, community):
    meeting = services.meeting_create(
        actor=official,
        consultation=consultation,
        title="Зустріч у Дніпрі",
        kind="in_person",
        starts_at=timezone.now() + timedelta(days=3),
        capacity=1,
        place="Дніпро",
    )
    first, second = make_user(), make_user()
    services.meeting_register(user=first, meeting=meeting)
    with pytest.raises(ActionRefused) as again:
        services.meeting_register(user=first, meeting=meeting)
    assert again.value.code == "already"
    with pytest.raises(ActionRefused) as full:
        services.meeting_register(user=second, meeting=meeting)
    assert full.value.code == "full"
    assert Meeting.objects.get(pk=meeting.pk).registered_count == 1
    created = services.meeting_minutes_record(
        actor=official,
        meeting=meeting,
        minutes="Обговорили проєкт.",
        attended=25,
        proposals=[("Мешканка", "Відкрити хаб у Запоріжжі"), ("", "  ")],
    )
    assert [p.kind for p in created] == ["meeting"]
    assert created[0].meeting_id == meeting.pk


def test_in_person_meeting_needs_place(consultation, official):
    with pytest.raises(ActionRefused):
        services.meeting_create(
            actor=official,
            consultation=consultation,
            title="Зустріч",
            kind="in_person",
            starts_at=timezone.now() + timedelta(days=1),
            capacity=10,
        )


# --- Report and notifications --------------------------------------------------------------------


def test_report_needs_every_proposal_answered_and_proposer_is_notified(
    consultation, official, resident, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.UCHAST_BASE_URL = "https://uchast.example.org"
    resident.preferred_language = "en"
    resident.save()
    section = consultation.versions.get().sections.first()
    proposal = services.proposal_create(author=resident, section=section, body="Пропозиція.")
    consultation = services.consultation_advance(actor=official, consultation=consultation)
    with pytest.raises(ActionRefused) as unanswered:
        services.report_publish(actor=official, consultation=consultation, summary="Підсумок")
    assert unanswered.value.code == "unanswered"
    # A resident answering is refused by the view's permission: test_staff_actions_need_the_role.
    with pytest.raises(ActionRefused):
        services.proposal_answer(actor=official, proposal=proposal, status="maybe", reason="так")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_answer(actor=official, proposal=proposal, status="partly", reason="Враховано частково.")
    report = services.report_publish(actor=official, consultation=consultation, summary="Підсумок")
    assert report.phase == "reported" and report.report_published_at
    note = Notification.objects.get(user=resident)
    assert "answered" in note.subject
    assert "partly accepted" in note.body
    [email] = smtp_server.messages
    assert email["To"] == resident.email
    assert "answered" in email["Subject"]


def test_proposer_who_switched_answers_off_is_not_emailed(consultation, official, resident):
    resident.notification_preferences = {"answers": False}
    resident.save()
    section = consultation.versions.get().sections.first()
    proposal = services.proposal_create(author=resident, section=section, body="Пропозиція.")
    services.proposal_answer(actor=official, proposal=proposal, status="rejected", reason="Не відповідає закону.")
    assert not Notification.objects.filter(user=resident).exists()


def test_phase_rules(community, official):
    """A resident creating a consultation is refused by the view: test_staff_actions_need_the_role."""
    now = timezone.now()
    with pytest.raises(ActionRefused):
        services.consultation_create(
            actor=official,
            community=community,
            title="x",
            summary="x",
            starts_at=now,
            ends_at=now - timedelta(days=1),
            responsible_name="x",
            responsible_contacts="x",
        )
    empty = services.consultation_create(
        actor=official,
        community=community,
        title="x",
        summary="x",
        starts_at=now,
        ends_at=now + timedelta(days=1),
        responsible_name="x",
        responsible_contacts="x",
    )
    with pytest.raises(ActionRefused) as no_draft:
        services.consultation_advance(actor=official, consultation=empty)
    assert no_draft.value.code == "no_draft"


def test_personal_data_and_anonymiser(consultation, voter, official):
    statement = services.statement_create(author=official, by_council=True, consultation=consultation, text="Т")
    services.statement_vote(user=voter, statement=statement, value=1)
    data = services.personal_data(voter)
    assert data["statement_votes"] == [{"statement_id": statement.pk, "value": 1}]


def test_attachments_are_checked_by_core(consultation, official, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from uchast.core.files import attachments_for

    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("proekt.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    services.consultation_attachment_add(actor=official, consultation=consultation, upload=pdf, title="Повний текст")
    assert [a.title for a in attachments_for(consultation)] == ["Повний текст"]
    fake = SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")
    with pytest.raises(ActionRefused) as refused:
        services.consultation_attachment_add(actor=official, consultation=consultation, upload=fake, title="x")
    assert refused.value.code == "bad_file"
    # A resident attaching a file is refused by the view: test_staff_actions_need_the_role.
    assert attachments_for(consultation).count() == 1


@pytest.mark.parametrize("phase", ["draft", "announced", "open", "analysis"])
@pytest.mark.parametrize("who", ["anonymous", "resident", "verified", "official", "minor"])
def test_permission_matrix(community, official, phase, who):
    """phase × role × eligibility for every participation action."""
    from datetime import date

    from django.contrib.auth.models import AnonymousUser

    c = make_consultation(community, official, phase=phase)
    user = {
        "anonymous": lambda: AnonymousUser(),
        "resident": lambda: make_user(),
        "verified": lambda: make_verified_resident(community),
        "official": lambda: official,
        "minor": lambda: make_verified_resident(community, birth_date=date(timezone.localdate().year - 12, 1, 1)),
    }[who]()
    is_open = phase == "open"
    signed_in = who != "anonymous"
    verified_adult = who == "verified"
    expected = {
        "consultations.propose": is_open and signed_in,
        "consultations.vote_statement": is_open and verified_adult,
        "consultations.answer_survey": is_open and verified_adult,
        "consultations.add_statement": is_open and (verified_adult or who == "official"),
        "consultations.register_meeting": phase in ("announced", "open") and signed_in,
        "consultations.view_consultation": phase != "draft" or who == "official",
        "consultations.manage": who == "official",
    }
    actual = {perm: user.has_perm(perm, c) for perm in expected}
    assert actual == expected
