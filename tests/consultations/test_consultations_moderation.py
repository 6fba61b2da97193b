"""Proposals and statements in core moderation: the one queue across kinds, and the data migrations
that moved consultations' own reports (and comments' reports) into core."""

from __future__ import annotations

import pytest

from uchast.consultations import services
from uchast.core import moderation
from uchast.core.models import ModerationReport
from uchast.testing.factories import make_user

from .conftest import make_consultation

pytestmark = pytest.mark.django_db


def test_queue_lists_only_open_reports_most_reported_first_with_where_posted(community, official, resident, moderator):
    consultation = make_consultation(community, official)
    section = consultation.versions.get().sections.first()
    quiet = services.proposal_create(author=resident, section=section, body="Тиха пропозиція.")
    loud = services.proposal_create(author=resident, section=section, body="Гучна пропозиція.")
    comment = services.section_comment(author=resident, section=section, body="Коментар.")
    assert moderation.moderation_queue(community) == []
    for n in range(2):
        moderation.contribution_report(reporter=make_user(), target=loud, reason=f"Причина {n}")
    moderation.contribution_report(reporter=make_user(), target=comment, reason="Спам")
    queue = moderation.moderation_queue(community)
    assert [item.obj for item in queue] == [loud, comment]
    assert queue[0].open_reports == 2 and sorted(queue[0].reasons) == ["Причина 0", "Причина 1"]
    assert queue[0].url == f"/consultations/sections/{section.pk}/#proposal-{loud.pk}"
    assert queue[1].url == f"/comments/{comment.pk}/"  # the permalink, which finds the comment's page
    assert quiet not in [item.obj for item in queue]
    moderation.contribution_hide(moderator=moderator, target=loud, reason="Образа")
    assert [item.obj for item in moderation.moderation_queue(community)] == [comment]


def test_a_section_comments_permalink_lands_on_the_section_page_for_those_who_may_see_it(
    client, community, official, resident
):
    """``consultations.view_section`` is the section page's own check: a draft consultation's
    section is 404 to residents, through its page and through a comment's permalink alike."""
    from uchast.core.comments import comment_create

    section = make_consultation(community, official).versions.get().sections.first()
    comment = services.section_comment(author=resident, section=section, body="Коментар.")
    response = client.get(f"/comments/{comment.pk}/")
    assert response["Location"] == f"/consultations/sections/{section.pk}/#comment-{comment.pk}"
    assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).content.decode()
    draft = make_consultation(community, official, phase="draft", title="Чернетка").versions.get().sections.first()
    early = comment_create(author=official, target=draft, body="Ще не оприлюднено.")
    client.force_login(resident)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/comments/{early.pk}/").status_code == 404
    client.force_login(official)
    assert client.get(f"/comments/{early.pk}/")["Location"] == f"{draft.get_absolute_url()}#comment-{early.pk}"


@pytest.mark.slow
@pytest.mark.postgres  # the production database: on SQLite going back and forth through every
# app's later migrations rebuilds tables one by one (over two minutes of the SQLite suite), and the
# data migrations' code is the same on both
@pytest.mark.django_db(transaction=True)
def test_data_migrations_move_comment_and_consultation_reports_into_core(community, official, resident, moderator):
    """core 0006 moves CommentReport rows, consultations 0003 ContributionReport rows (and the hiding
    record of hidden proposals and statements) into ModerationReport; both run backward too."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from uchast.consultations.models import Proposal, Statement
    from uchast.core import audit

    consultation = make_consultation(community, official)
    section = consultation.versions.get().sections.first()
    proposal = services.proposal_create(author=resident, section=section, body="Пропозиція.")
    hidden = services.proposal_create(author=resident, section=section, body="Прихована.")
    statement = services.statement_create(author=official, by_council=True, consultation=consultation, text="Т")
    comment = services.section_comment(author=resident, section=section, body="Коментар.")
    reporters = [make_user() for _ in range(3)]
    # As the old consultations service hid: the reason on the row, the decision on the audit log.
    Proposal.objects.filter(pk=hidden.pk).update(is_hidden=True, hidden_reason="Образа")
    entry = audit.record(
        action="consultations.proposal_hidden", actor=moderator, obj=hidden, community=community, summary={}
    )

    before = [("core", "0005_moderation_reports"), ("consultations", "0002_core_moderation")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before).apps
        CommentReport = old.get_model("core", "CommentReport")
        ContributionReport = old.get_model("consultations", "ContributionReport")
        CommentReport.objects.create(comment_id=comment.pk, reporter_id=reporters[0].pk, reason="Спам")
        CommentReport.objects.create(
            comment_id=comment.pk, reporter_id=reporters[1].pk, reason="Старе", resolved_at=entry.created_at
        )
        ContributionReport.objects.create(proposal_id=proposal.pk, reporter_id=reporters[0].pk, reason="Образа")
        ContributionReport.objects.create(proposal_id=hidden.pk, reporter_id=reporters[1].pk, reason="Образа")
        ContributionReport.objects.create(statement_id=statement.pk, reporter_id=reporters[2].pk, reason="Дубль")
        assert not ModerationReport.objects.exists()

        MigrationExecutor(connection).migrate(leaves)
        moved = {
            (r.target_type.model, r.target_id, r.reporter_id): (r.reason, r.resolved_at is None, r.community_id)
            for r in ModerationReport.objects.select_related("target_type")
        }
        assert moved == {
            ("comment", str(comment.pk), reporters[0].pk): ("Спам", True, community.pk),
            ("comment", str(comment.pk), reporters[1].pk): ("Старе", False, community.pk),
            ("proposal", str(proposal.pk), reporters[0].pk): ("Образа", True, community.pk),
            ("proposal", str(hidden.pk), reporters[1].pk): ("Образа", False, community.pk),
            ("statement", str(statement.pk), reporters[2].pk): ("Дубль", True, community.pk),
        }
        hidden.refresh_from_db()
        assert (hidden.hidden_by_id, hidden.hidden_at) == (moderator.pk, entry.created_at)
        assert [item.obj for item in moderation.moderation_queue(community)] == [comment, proposal, statement]

        MigrationExecutor(connection).migrate(before)  # and back: the rows return to the old tables
        old = MigrationExecutor(connection).loader.project_state(before).apps
        assert old.get_model("core", "CommentReport").objects.count() == 2
        assert old.get_model("consultations", "ContributionReport").objects.count() == 3
        assert not ModerationReport.objects.exists()
    finally:
        MigrationExecutor(connection).migrate(leaves)
    assert Statement.objects.filter(pk=statement.pk).exists()
