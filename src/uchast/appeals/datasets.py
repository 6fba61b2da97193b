"""Appeals' open data (issues 16 and 18): statistics of appeals, the appeals their authors allowed to
publish with the council's answers, and public problem reports. Registered from
``AppealsConfig.ready()``. Only what the public pages show: no names, addresses, contacts,
registration numbers or dates that single a person out; a report a moderator hid is left out."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from uchast.appeals.models import OPEN_STATUSES, Appeal, ProblemReport, Status
from uchast.core.registry import Dataset, DataTable


def _statistics(community: Any) -> DataTable:
    """Counts per month of registration, kind and state: nothing but numbers (as the statistics page)."""
    columns = ("month", "kind", "status", "appeals", "answered_on_time", "answered_late", "overdue_open")
    today = timezone.localdate()
    rows = (
        Appeal.objects.filter(community=community)
        .annotate(month=TruncMonth("received_on"))
        .values("month", "kind", "status")
        .annotate(
            # Not named after the model's fields: an annotation of the same name would shadow the field.
            total=Count("pk"),
            on_time=Count("pk", filter=Q(answered_on_time=True)),
            late=Count("pk", filter=Q(answered_on_time=False)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=today)),
        )
        .order_by("month", "kind", "status")
    )
    return DataTable(
        columns,
        (
            [
                r["month"].strftime("%Y-%m") if r["month"] else "",
                r["kind"],
                r["status"],
                r["total"],
                r["on_time"],
                r["late"],
                r["overdue"],
            ]
            for r in rows
        ),
    )


def _published(community: Any) -> DataTable:
    """As the public page of a published appeal shows it: the subject, the text and the answer;
    never the person's details, the registration number or who signed the answer off."""
    columns = ("appeal_id", "kind", "topic", "subject", "text", "answer", "answered_at", "repeated", "complaint")
    appeals = Appeal.objects.filter(community=community, publish=True, status=Status.ANSWERED).order_by("pk")
    rows = (
        [
            a.pk,
            a.kind,
            a.topic,
            a.subject,
            a.text,
            a.answer_text,
            a.answered_at,
            a.repeated_of_id is not None,
            a.complaint_about_id is not None,
        ]
        for a in appeals.iterator()
    )
    return DataTable(columns, rows)


def _reports(community: Any) -> DataTable:
    columns = (
        "report_id",
        "title",
        "text",
        "topic",
        "status",
        "address",
        "latitude",
        "longitude",
        "metoo_count",
        "created_at",
    )
    reports = ProblemReport.objects.filter(community=community, is_hidden=False).order_by("pk")
    rows = (
        [r.pk, r.title, r.text, r.topic, r.status, r.address, r.latitude, r.longitude, r.metoo_count, r.created_at]
        for r in reports.iterator()
    )
    return DataTable(columns, rows)


DATASETS = (
    Dataset(
        slug="appeals-statistics",
        title=_("Appeals: statistics"),
        description=_(
            "How many appeals the council received, per month of registration, kind and state: how many "
            "were answered on time, answered late, and are open past their term. Numbers only."
        ),
        frequency="daily",
        table=_statistics,
        keywords=("appeals", "statistics"),
    ),
    Dataset(
        slug="appeals-published",
        title=_("Published appeals and answers"),
        description=_(
            "The answered appeals whose authors allowed publication: subject, text and the council's "
            "answer, without any personal data (as on the public page)."
        ),
        frequency="daily",
        table=_published,
        keywords=("appeals",),
    ),
    Dataset(
        slug="problem-reports",
        title=_("Problem reports"),
        description=_(
            "Problems residents reported (broken lights, potholes, rubbish): what, where, how many people "
            "have it too and the council's status. Reports a moderator hid are left out."
        ),
        frequency="daily",
        table=_reports,
        keywords=("appeals", "problem reports"),
    ),
)
