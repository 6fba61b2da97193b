"""Helpers shared by the appeals' services: locking, the calendar, files, notices."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from uchast.appeals.models import Appeal, AppealFile, Department, Status
from uchast.core.calendar import calendar_for
from uchast.core.errors import ActionRefused
from uchast.core.files import check_uploads, process_image, store_file
from uchast.core.models import Community
from uchast.core.notifications import notify
from uchast.eligibility import WorkingCalendar
from uchast.eligibility.calendar import OutsideCalendarError

FILE_KINDS = {"image", "pdf", "document"}
MAX_FILES = 5


def today() -> date:
    return timezone.localdate()


def calendar(community: Community) -> WorkingCalendar:
    return calendar_for(community)


def outside_calendar(error: OutsideCalendarError) -> ActionRefused:
    return ActionRefused(
        "outside_calendar",
        _("The working-day calendar does not cover %(day)s; ask the administrator to extend it.")
        % {"day": error.day.isoformat()},
    )


def lock(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update(of=("self",)).select_related("community", "department").get(pk=appeal.pk)


def require_open(appeal: Appeal) -> None:
    """Refuse any handling of an appeal that is answered or passed on: the case is closed."""
    if appeal.status in (Status.ANSWERED, Status.FORWARDED):
        raise ActionRefused(
            "closed",
            _("This appeal is closed (%(status)s); nothing more can be done on it.")
            % {"status": appeal.get_status_display()},
            status=409,
        )


def max_file_bytes() -> int:
    return int(settings.UCHAST_APPEALS_MAX_FILE_MB) * 1024 * 1024


def check_files(uploads: list[Any]) -> list[tuple[Any, str]]:
    """Validate every upload before anything is written: the first bad file refuses the whole action."""
    return check_uploads(uploads, kinds=FILE_KINDS, max_bytes=max_file_bytes(), max_count=MAX_FILES)


def store_files(appeal: Appeal, checked: list[tuple[Any, str]], *, by: Any, of_answer: bool = False) -> None:
    """Store validated files privately; images are re-encoded (no GPS or other metadata kept). Inside
    the caller's ``atomic_with_files``: the files go again if its transaction does not commit."""
    for upload, kind in checked:
        stored = process_image(upload) if kind == "image" else upload
        name = str(getattr(upload, "name", "") or "file")
        record = AppealFile(
            appeal=appeal, title=name[:200], kind=kind, size=stored.size, of_answer=of_answer, uploaded_by=by
        )
        store_file(record.file, stored)
        record.save()


def handlers(appeal: Appeal) -> list[Any]:
    """The people who handle the appeal now: its department's members and head (or the registry's)."""
    department = appeal.department or registry_department(appeal.community)
    if department is None:
        return []
    people = list(department.members.all())
    if department.head and department.head not in people:
        people.append(department.head)
    return people


def registry_department(community: Community) -> Department | None:
    return Department.objects.filter(community=community, is_registry=True).order_by("pk").first()


def tell(appeal: Appeal, recipients: list[Any], event: str, **extra: Any) -> None:
    """A notice about ``appeal`` (sent after commit). The text never carries the appeal's content,
    only its number and what happened: an e-mail is not a private channel."""
    subjects = {
        "registered": gettext_noop("Your appeal is registered: %(number)s"),
        "forwarded": gettext_noop("Your appeal %(number)s is passed on to another body"),
        "extended": gettext_noop("The answer to your appeal %(number)s will take longer"),
        "answered": gettext_noop("Your appeal %(number)s is answered"),
        "cosign": gettext_noop("You are asked to co-sign appeal %(number)s"),
        "assigned": gettext_noop("Appeal %(number)s is for your department"),
        "reminder": gettext_noop("The answer to appeal %(number)s is due soon"),
        "overdue": gettext_noop("Appeal %(number)s is overdue"),
    }
    notify(
        recipients=recipients,
        topic=None,
        subject=subjects[event],
        template="appeals/email/notice.txt",
        context={
            "number": appeal.reg_number,
            "event": event,
            "due": appeal.due_date.isoformat(),
            "forwarded_to": appeal.forwarded_to,
            "reasons": appeal.extension_reasons,
            **extra,
        },
        url=appeal.get_absolute_url(),
    )
