"""The audit page speaks words (issue 14): a label per action, the public object's title as a link."""

from __future__ import annotations

import pytest

from uchast.core import audit
from uchast.core.auditwords import action_label, words_for_code

pytestmark = pytest.mark.django_db


def test_unlabelled_codes_become_words():
    assert words_for_code("petition.threshold_reached") == "Petition threshold reached"
    assert str(action_label("something.new_happened")) == "Something new happened"


def test_audit_page_shows_labels_and_links_public_objects(client, community, official):
    from uchast.petitions.models import Petition, PetitionStatus

    public = Petition.objects.create(
        community=community, author=official, title="Світло на вулиці Миру", text="…", status=PetitionStatus.COLLECTING
    )
    draft = Petition.objects.create(community=community, author=official, title="Чернетка петиції", text="…")
    audit.record(action="petition.answered", actor=official, obj=public, community=community)
    audit.record(action="petition.created", actor=official, obj=draft, community=community)
    client.cookies["uchast_language"] = "en"
    html = client.get("/audit/").content.decode()
    assert "Petition answered" in html and "Petition created" in html
    assert f'<a href="{public.get_absolute_url()}">Світло на вулиці Миру</a>' in html
    assert "Чернетка петиції" not in html  # a draft is not public: no title shown
    client.cookies["uchast_language"] = "uk"
    assert "Петицію розглянуто" in client.get("/audit/").content.decode()
