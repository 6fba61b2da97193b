"""Data: every ``CommentReport`` becomes a ``ModerationReport`` of its comment (same reporter, reason,
time and resolution), so one queue holds the reports of every moderated contribution.

Forward moves the rows; backward moves the comments' reports back. Schema changes live in the
migrations before and after this one (PostgreSQL refuses DDL on tables with pending trigger events
in the same transaction as the data they changed).
"""

from django.db import migrations


def comment_reports_forward(apps, schema_editor):
    CommentReport = apps.get_model("core", "CommentReport")
    ModerationReport = apps.get_model("core", "ModerationReport")
    ContentType = apps.get_model("contenttypes", "ContentType")
    reports = CommentReport.objects.select_related("comment").order_by("pk")
    if not reports.exists():
        return
    comment_type, _ = ContentType.objects.get_or_create(app_label="core", model="comment")
    ModerationReport.objects.bulk_create(
        [
            ModerationReport(
                community_id=report.comment.community_id,
                target_type=comment_type,
                target_id=str(report.comment_id),
                reporter_id=report.reporter_id,
                reason=report.reason,
                created_at=report.created_at,
                resolved_at=report.resolved_at,
            )
            for report in reports
        ]
    )


def comment_reports_backward(apps, schema_editor):
    CommentReport = apps.get_model("core", "CommentReport")
    ModerationReport = apps.get_model("core", "ModerationReport")
    ContentType = apps.get_model("contenttypes", "ContentType")
    comment_type = ContentType.objects.filter(app_label="core", model="comment").first()
    if comment_type is None:
        return
    for report in ModerationReport.objects.filter(target_type=comment_type).order_by("pk"):
        moved = CommentReport.objects.create(
            comment_id=int(report.target_id),
            reporter_id=report.reporter_id,
            reason=report.reason,
            resolved_at=report.resolved_at,
        )
        # created_at is auto_now_add there: set the original time afterwards.
        CommentReport.objects.filter(pk=moved.pk).update(created_at=report.created_at)
    ModerationReport.objects.filter(target_type=comment_type).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_moderation_reports"),
    ]

    operations = [
        migrations.RunPython(comment_reports_forward, comment_reports_backward),
    ]
