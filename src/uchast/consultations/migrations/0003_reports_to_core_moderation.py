"""Data: consultations' own moderation moves into core moderation.

- every ``ContributionReport`` (of a proposal or a statement) becomes a ``core.ModerationReport`` of
  that proposal or statement, with the same reporter, reason and time, in the consultation's
  community; reports of contributions already hidden are resolved (at the hiding time), as hiding
  resolves them now, so the queue shows only what still waits for a moderator;
- hidden proposals and statements get ``hidden_by`` and ``hidden_at`` from their audit entry
  (``consultations.proposal_hidden`` / ``consultations.statement_hidden``), the record of who hid
  them and when; the hidden state and reason themselves stay on the rows.

Backward moves the reports back (``hidden_by``/``hidden_at`` are dropped by reversing 0002).
"""

from django.db import migrations
from django.utils import timezone

TARGETS = (("proposal", "Proposal"), ("statement", "Statement"))


def _hiding_records(apps, model_name):
    """{pk: (actor id, time)} of the latest hiding of each contribution, from the audit log."""
    AuditEntry = apps.get_model("core", "AuditEntry")
    entries = AuditEntry.objects.filter(
        action=f"consultations.{model_name}_hidden", object_type=f"consultations.{model_name}"
    ).order_by("sequence")
    return {entry.object_id: (entry.actor_id, entry.created_at) for entry in entries}


def reports_forward(apps, schema_editor):
    ContributionReport = apps.get_model("consultations", "ContributionReport")
    ModerationReport = apps.get_model("core", "ModerationReport")
    ContentType = apps.get_model("contenttypes", "ContentType")
    now = timezone.now()
    for model_name, class_name in TARGETS:
        Model = apps.get_model("consultations", class_name)
        hidings = _hiding_records(apps, model_name)
        for obj in Model.objects.filter(is_hidden=True, hidden_at__isnull=True):
            actor_id, hidden_at = hidings.get(str(obj.pk), (None, None))
            Model.objects.filter(pk=obj.pk).update(hidden_by_id=actor_id, hidden_at=hidden_at)
        reports = ContributionReport.objects.filter(**{f"{model_name}__isnull": False}).select_related(
            f"{model_name}__consultation"
        )
        if not reports.exists():
            continue
        content_type, _ = ContentType.objects.get_or_create(app_label="consultations", model=model_name)
        rows = []
        for report in reports.order_by("pk"):
            target = getattr(report, model_name)
            hidden_at = hidings.get(str(target.pk), (None, None))[1] or now
            rows.append(
                ModerationReport(
                    community_id=target.consultation.community_id,
                    target_type=content_type,
                    target_id=str(target.pk),
                    reporter_id=report.reporter_id,
                    reason=report.reason,
                    created_at=report.created_at,
                    resolved_at=hidden_at if target.is_hidden else None,
                )
            )
        ModerationReport.objects.bulk_create(rows)


def reports_backward(apps, schema_editor):
    ContributionReport = apps.get_model("consultations", "ContributionReport")
    ModerationReport = apps.get_model("core", "ModerationReport")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model_name, _class_name in TARGETS:
        content_type = ContentType.objects.filter(app_label="consultations", model=model_name).first()
        if content_type is None:
            continue
        reports = ModerationReport.objects.filter(target_type=content_type)
        for report in reports.order_by("pk"):
            moved = ContributionReport.objects.create(
                **{f"{model_name}_id": int(report.target_id)}, reporter_id=report.reporter_id, reason=report.reason
            )
            # created_at is auto_now_add there: set the original time afterwards.
            ContributionReport.objects.filter(pk=moved.pk).update(created_at=report.created_at)
        reports.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_core_moderation"),
        ("core", "0005_moderation_reports"),
    ]

    operations = [
        migrations.RunPython(reports_forward, reports_backward),
    ]
