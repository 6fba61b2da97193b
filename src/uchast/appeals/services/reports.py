"""Problem reports: public, about a place (a point or an address), "me too" once per person."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from uchast.accounts.predicates import is_official
from uchast.appeals.actions import AppealAction
from uchast.appeals.models import SUBJECT_MAX_LENGTH, MeToo, ProblemReport, ReportStatus, ReportUpdate, Topic
from uchast.appeals.services.common import max_file_bytes
from uchast.core import audit
from uchast.core.errors import ActionRefused
from uchast.core.files import atomic_with_files, attachment_add, check_uploads
from uchast.core.models import Community
from uchast.verification.selectors import require_eligible


def _coordinate(value: str, low: int, high: int) -> Decimal | None:
    text = (value or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not low <= number <= high:
        raise ActionRefused(
            "bad_point", _("The point must be a latitude (-90 to 90) and a longitude (-180 to 180), e.g. 50.45, 30.52.")
        )
    return number.quantize(Decimal("0.000001"))


def report_create(
    *,
    author: Any,
    community: Community,
    title: str,
    text: str = "",
    topic: str = Topic.OTHER,
    latitude: str = "",
    longitude: str = "",
    address: str = "",
    photo: Any = None,
) -> ProblemReport:
    """A public report. A place is required: a point or an address (where a map would mislead, e.g.
    occupied territory, an address or landmark is enough)."""
    if not getattr(author, "is_authenticated", False):
        raise ActionRefused("anonymous", _("Sign in to report a problem."))
    title, address, text = " ".join((title or "").split()), " ".join((address or "").split()), (text or "").strip()
    if not 5 <= len(title) <= SUBJECT_MAX_LENGTH:
        raise ActionRefused("title_required", _("Say what is wrong in 5 to 200 characters."))
    lat, lon = _coordinate(latitude, -90, 90), _coordinate(longitude, -180, 180)
    if (lat is None) != (lon is None):
        raise ActionRefused("bad_point", _("Give both the latitude and the longitude, or neither."))
    if lat is None and not address:
        raise ActionRefused("place_required", _("Give an address or landmark, or a point (latitude and longitude)."))
    if len(address) > 300 or len(text) > 5000:
        raise ActionRefused("too_long", _("The address or the details are too long."))
    require_eligible(author, community, AppealAction.REPORT)
    if photo is not None:
        check_uploads([photo], kinds={"image"}, max_bytes=max_file_bytes())
    with atomic_with_files():
        report = ProblemReport.objects.create(
            community=community,
            author=author,
            title=title,
            text=text,
            topic=topic if topic in Topic.values else Topic.OTHER,
            latitude=lat,
            longitude=lon,
            address=address,
        )
        if photo is not None:
            attachment_add(target=report, upload=photo, title=title, uploaded_by=author, kinds={"image"})
        audit.record(action="report.created", obj=report, community=community)
    return report


def report_metoo(*, report: ProblemReport, user: Any) -> ProblemReport:
    """ "Me too": once per person. The unique constraint refuses a second one even from parallel
    requests; the counter rises by ``F()`` in the same transaction."""
    if not getattr(user, "is_authenticated", False):
        raise ActionRefused("anonymous", _("Sign in to say you have the same problem."))
    if report.is_hidden:
        raise ActionRefused("hidden", _("A moderator has hidden this report."), status=409)
    if report.author_id == user.pk:
        raise ActionRefused("own_report", _("This is your own report."))
    if report.status in (ReportStatus.RESOLVED, ReportStatus.REJECTED):
        raise ActionRefused("closed", _("This report is closed."), status=409)
    with transaction.atomic():
        try:
            with transaction.atomic():
                MeToo.objects.create(report=report, user=user)
        except IntegrityError:
            raise ActionRefused(
                "already_metoo", _("You have already said you have this problem too."), status=409
            ) from None
        ProblemReport.objects.filter(pk=report.pk).update(metoo_count=F("metoo_count") + 1)
        audit.record(action="report.metoo", obj=report, community=report.community)
    report.refresh_from_db(fields=["metoo_count"])
    return report


def report_update_status(*, report: ProblemReport, actor: Any, status: str, text: str) -> ProblemReport:
    """An official's public status update, with what was done."""
    if not is_official(actor):
        raise ActionRefused("not_handler", _("Only an official can update a report."))
    if status not in ReportStatus.values:
        raise ActionRefused("bad_status", _("Choose a status from the list."))
    text = (text or "").strip()
    if len(text) > 2000:
        raise ActionRefused("too_long", _("The update is too long: at most 2000 characters."))
    with transaction.atomic():
        locked = ProblemReport.objects.select_for_update().get(pk=report.pk)
        locked.status = status
        locked.save(update_fields=["status"])
        ReportUpdate.objects.create(report=locked, status=status, text=text, by=actor)
        audit.record(
            action="report.status", actor=actor, obj=locked, community=locked.community, summary={"status": status}
        )
    return locked
