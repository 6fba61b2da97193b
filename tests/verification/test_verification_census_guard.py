"""Census claims cannot be guessed (issue 13): attempts are limited per account, address and birth
date; an entry claimed with wrong birth dates too often locks for staff review and its owner is
told; imports are bounded per field and per file. Real parallel requests over several workers:
tests/core/test_core_throttle_workers.py."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from verification_helpers import rnokpp

from uchast.accounts import throttle
from uchast.core.audit import verify_chain
from uchast.core.errors import ActionRefused
from uchast.core.models import AuditEntry
from uchast.testing.factories import make_user
from uchast.verification import services
from uchast.verification.models import CensusEntry, Verification
from uchast.verification.services import census as census_module

pytestmark = pytest.mark.django_db

BIRTH = date(1990, 5, 17)
CLAIM = "/verification/census/"


def _import(community: Any, official: Any, numbers: list[str], birth: date = BIRTH) -> None:
    lines = [f"{n},rnokpp,{birth.isoformat()},census," for n in numbers]
    services.census_import(
        community=community,
        actor=official,
        data=("number,kind,birth_date,basis,district\n" + "\n".join(lines)).encode(),
    )


def _claim(client: Any, number: str, birth: date, **extra: Any) -> Any:
    data = {"number_kind": "rnokpp", "number": number, "birth_date": birth.isoformat()}
    return client.post(CLAIM, data, **extra)


def test_150_claims_in_a_loop_are_stopped_early(client, community, resident, official):
    listed = rnokpp(BIRTH, 7)
    _import(community, official, [listed])
    client.force_login(resident)
    limit = throttle.rates_for("census_claim", "account")[0].limit
    statuses = [_claim(client, rnokpp(BIRTH, serial), BIRTH).status_code for serial in range(100, 250)]
    assert statuses[:limit] == [400] * limit  # not listed: refused on the form
    assert set(statuses[limit:]) == {429}
    refused = _claim(client, listed, BIRTH)  # even the right number now waits
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Забагато спроб" in html and "хвилин" in html and listed not in html
    assert not Verification.objects.exists()


def test_guesses_for_one_birth_date_are_slowed_whoever_makes_them(settings, community, official):
    settings.UCHAST_THROTTLES = {**settings.UCHAST_THROTTLES, "census_claim": {"identity": "3/h"}}
    listed = rnokpp(BIRTH, 7)
    _import(community, official, [listed])
    for serial in range(3):
        with pytest.raises(services.VerificationError):
            services.census_claim(
                user=make_user(),
                community=community,
                kind="rnokpp",
                number=rnokpp(BIRTH, 100 + serial),
                birth_date=BIRTH,
                ip=f"10.1.0.{serial}",
            )
    with pytest.raises(ActionRefused) as refused:
        services.census_claim(
            user=make_user(), community=community, kind="rnokpp", number=listed, birth_date=BIRTH, ip="10.2.0.1"
        )
    assert refused.value.status == 429
    # Another birth date is counted apart.
    other = date(1985, 1, 2)
    with pytest.raises(services.VerificationError) as not_listed:
        services.census_claim(
            user=make_user(), community=community, kind="rnokpp", number=rnokpp(other, 1), birth_date=other
        )
    assert not_listed.value.code == "not_in_census"


def test_an_entry_claimed_with_wrong_birth_dates_locks_and_its_owner_is_told(
    client, community, official, django_capture_on_commit_callbacks, mailoutbox
):
    number = rnokpp(BIRTH, 7)
    _import(community, official, [number])
    owner = make_user(email="owner@example.org")
    services.census_claim(user=owner, community=community, kind="rnokpp", number=number, birth_date=BIRTH)
    entry = CensusEntry.objects.get()
    limit = 5
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(limit):
            with pytest.raises(services.VerificationError) as wrong:
                services.census_claim(
                    user=make_user(),
                    community=community,
                    kind="rnokpp",
                    number=number,
                    birth_date=BIRTH - timedelta(days=n + 1),
                )
            assert wrong.value.code == "not_in_census"  # the same answer as for an unlisted number
    entry.refresh_from_db()
    assert entry.failed_claims == limit and entry.locked_at is not None
    [locked] = AuditEntry.objects.filter(action="verification.census_entry_locked")
    assert locked.actor_id is None and locked.summary == {"failed_claims": limit}
    [mail] = [m for m in mailoutbox if m.to == ["owner@example.org"]]
    assert "/verification/" in mail.body and number not in mail.body
    # Locked: even the right details confirm no one (the owner's confirmation itself stays).
    Verification.objects.filter(user=owner).update(status="revoked")
    with pytest.raises(services.VerificationError) as refused:
        services.census_claim(user=owner, community=community, kind="rnokpp", number=number, birth_date=BIRTH)
    assert (refused.value.code, refused.value.status) == ("census_locked", 409)
    # Staff see it and unlock it; claims work again.
    client.force_login(official)
    assert "1 запис" in client.get("/verification/staff/").content.decode()
    page = client.get("/verification/staff/census/").content.decode()
    unlock = f"/verification/staff/census/{entry.pk}/unlock/"
    assert unlock in page and number not in page
    assert client.post(unlock).status_code == 302
    entry.refresh_from_db()
    assert entry.locked_at is None and entry.failed_claims == 0
    unlocked = AuditEntry.objects.get(action="verification.census_entry_unlocked")
    assert unlocked.actor_id == official.pk
    assert client.post(unlock, follow=True).status_code == 200  # not locked any more: told, nothing changes
    assert AuditEntry.objects.filter(action="verification.census_entry_unlocked").count() == 1
    services.census_claim(user=owner, community=community, kind="rnokpp", number=number, birth_date=BIRTH)
    assert verify_chain().ok


def test_an_unclaimed_locked_entry_waits_in_the_staff_queue(client, community, official, resident, mailoutbox):
    number = rnokpp(BIRTH, 7)
    _import(community, official, [number])
    for n in range(5):
        with pytest.raises(services.VerificationError):
            services.census_claim(
                user=make_user(), community=community, kind="rnokpp", number=number, birth_date=BIRTH - timedelta(n + 1)
            )
    assert CensusEntry.objects.get().locked_at is not None and not mailoutbox
    client.force_login(official)
    assert "/verification/staff/census/#locked" in client.get("/verification/staff/").content.decode()
    client.force_login(resident)  # residents cannot unlock
    entry = CensusEntry.objects.get()
    assert client.post(f"/verification/staff/census/{entry.pk}/unlock/").status_code == 403
    assert CensusEntry.objects.get().locked_at is not None


# --- Import bounds --------------------------------------------------------------------------


HEADER = "number,kind,birth_date,basis,district\n"


def _refused(community: Any, official: Any, data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(services.CensusImportError) as refused:
        services.census_import(community=community, actor=official, data=data)
    assert not CensusEntry.objects.exists()
    return refused.value.errors


def test_a_5_mb_field_is_refused_with_its_line_not_a_server_error(client, community, official):
    good = f"{rnokpp(BIRTH, 1)},rnokpp,1990-05-17,census,\n"
    data = (HEADER + good + f"{rnokpp(BIRTH, 2)},rnokpp,1990-05-17,census," + "x" * 5_000_000 + "\n" + good).encode()
    assert [line for line, _ in _refused(community, official, data)] == [3]
    client.force_login(official)
    response = client.post("/verification/staff/census/", {"file": SimpleUploadedFile("c.csv", data)})
    assert response.status_code == 200
    assert "Рядок 3" in response.content.decode()
    quoted = (
        HEADER + '"' + "y" * 300_000 + '",rnokpp,1990-05-17,census,\n'
    ).encode()  # over the CSV reader's own limit
    errors = _refused(community, official, quoted)
    assert errors[0][0] == 2 and "CSV" in errors[0][1]


def test_a_field_over_200_characters_is_refused_with_its_line(community, official):
    data = (HEADER + f"{rnokpp(BIRTH, 1)},rnokpp,1990-05-17,census," + "d" * 201 + "\n").encode()
    [(line, message)] = _refused(community, official, data)
    assert line == 2 and "200" in message
    header = ("number,kind,birth_date,basis," + "h" * 201 + "\n").encode()
    assert _refused(community, official, header)[0][0] == 1


def test_files_over_the_row_and_byte_limits_are_refused(community, official, monkeypatch):
    monkeypatch.setattr(census_module, "CENSUS_MAX_ROWS", 3)
    rows = "".join(f"{rnokpp(BIRTH, n)},rnokpp,1990-05-17,census,\n" for n in range(1, 6))
    [(line, message)] = _refused(community, official, (HEADER + rows).encode())
    assert line == 5 and "3" in message
    monkeypatch.setattr(census_module, "CENSUS_MAX_BYTES", 100)
    [(line, message)] = _refused(community, official, (HEADER + rows).encode())
    assert line == 0 and "завеликий" in message


def test_a_file_of_faulty_lines_is_reported_in_part(community, official):
    rows = "".join("1234567890,rnokpp,1990-05-17,census,\n" for _ in range(500))
    errors = _refused(community, official, (HEADER + rows).encode())
    assert len(errors) == 51 and errors[-1][0] == 0
