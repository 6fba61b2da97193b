"""Two members attaching documents at the same moment (PostgreSQL, real threads): the limit of
documents per application holds, counted under the application's row lock."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.organisations.conftest import announce, apply, register
from tests.organisations.test_organisations_concurrency import _run_together
from tests.organisations.test_organisations_uploads import PDF
from uchast.organisations import services
from uchast.organisations.models import Application, ApplicationDocument
from uchast.organisations.services.uploads import MAX_DOCUMENTS
from uchast.testing.factories import CommunityFactory, make_user, make_verified_resident

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_parallel_attachments_respect_the_limit() -> None:
    community = CommunityFactory()
    official = make_user("official")
    competition = announce(community, official, [official])
    head = make_verified_resident(community, email="head@example.org")
    member = make_verified_resident(community, email="member@example.org")
    organisation = services.organisation_confirm(organisation=register(community, head), actor=official)
    organisation.memberships.create(user=member, role="member")
    application = apply(competition, organisation, head)
    services.application_documents_add(
        application=application,
        actor=head,
        uploads=[SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(MAX_DOCUMENTS - 1)],
    )

    def attach(user: Any) -> Any:
        return lambda: services.application_documents_add(
            application=Application.objects.get(pk=application.pk),
            actor=user,
            uploads=[SimpleUploadedFile(f"{user.pk}.pdf", PDF)],
        )

    refused, errors = _run_together([attach(head), attach(member)])
    assert errors == []
    assert refused == ["too_many_files"]
    assert ApplicationDocument.objects.filter(application=application).count() == MAX_DOCUMENTS
