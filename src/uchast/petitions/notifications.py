"""The one place petitions send e-mail: delegates to the platform's ``uchast.core.notifications.notify``
(stored notification, e-mail by a background task in each recipient's language, preferences honoured)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from uchast.core.notifications import notify
from uchast.petitions.models import Petition


def notify_about(
    petition: Petition, *, recipients: Iterable[Any], topic: str | None, subject: str, template: str
) -> None:
    """Tell ``recipients`` about ``petition``; ``subject`` is a msgid (``gettext_noop``) that may use
    ``%(title)s``; ``template`` is ``petitions/email/<name>.txt``. Call inside the service transaction:
    e-mails go out only if it commits."""
    notify(
        recipients=recipients,
        topic=topic,
        subject=subject,
        template=template,
        context={
            "title": petition.title,
            "petition_id": petition.pk,
            "status": petition.status,
            "outcome": petition.answer_outcome,
            "answered_as_appeal": petition.answered_as_appeal,
            "refusal_reason": petition.refusal_reason,
            "refusal_text": petition.refusal_text,
            "answer_due": petition.answer_due.isoformat() if petition.answer_due else "",
            "signature_count": petition.signature_count,
        },
        url=petition.get_absolute_url(),
    )
