"""Scale data (``uchast demo --scale``): most generated residents verified, on the bases a displaced
community sees (IDP certificates first), each with a person key from a form-valid РНОКПП, written in
bulk with the ``verification.granted`` entries :func:`services.verification_grant` would add."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from uchast.core import audit
from uchast.verification.demo import demo_rnokpp
from uchast.verification.identity import key_for, person_key_of_identity
from uchast.verification.models import Verification, VerificationStatus
from uchast.verification.services import DEFAULT_VALIDITY_DAYS

#: (method, basis, share): how the generated residents proved their connection to the community.
MIXTURE = [
    ("document", "idp", 0.45),
    ("document", "registered", 0.2),
    ("census", "census", 0.15),
    ("code", "in_person", 0.1),
    ("provider", "provider", 0.05),
]
#: Serials of generated РНОКПП start here, clear of the demo's own (1 to a few hundred).
SERIAL_BASE = 5000


def _method(rng: Any) -> tuple[str, str] | None:
    """A method and basis by the mixture's shares; None for the 5% who never confirmed."""
    draw = rng.random()
    for method, basis, share in MIXTURE:
        if draw < share:
            return method, basis
        draw -= share
    return None


def load_scale(context: Any) -> None:
    community = context.community
    official = context.demo.staff.get("official")
    expires = timezone.localdate() + timedelta(days=DEFAULT_VALIDITY_DAYS)
    now = timezone.now()
    # One number per person, also across runs on the same database: a number taken moves the birth date.
    used = set(Verification.objects.filter(community=community).values_list("identity_key", flat=True))
    rows = []
    for index, resident in enumerate(context.residents):
        chosen = _method(context.rng)
        if chosen is None:
            continue
        serial = SERIAL_BASE + index % 4000
        identity = key_for("rnokpp", demo_rnokpp(resident.birth_date, serial))
        while identity in used:
            resident.birth_date += timedelta(days=1)
            identity = key_for("rnokpp", demo_rnokpp(resident.birth_date, serial))
        used.add(identity)
        resident.person_key = person_key_of_identity(identity)
        method, basis = chosen
        rows.append(
            Verification(
                user_id=resident.user_id,
                community=community,
                method=method,
                basis=basis,
                status=VerificationStatus.ACTIVE,
                birth_date=resident.birth_date,
                district_id=resident.district_id,
                identity_key=identity,
                person_key=resident.person_key,
                verified_by=official if method == "document" else None,
                decided_at=now,
                expires_on=expires,
            )
        )
    created = Verification.objects.bulk_create(rows, batch_size=2000)
    audit.record_many(
        audit.PendingEntry(
            action="verification.granted",
            community_id=community.pk,
            object_type="verification.verification",
            object_id=str(v.pk),
            actor_id=v.verified_by_id,
            summary={
                "user": v.user_id,
                "method": v.method,
                "basis": v.basis,
                "expires_on": v.expires_on,
                "person_number": True,
                "renewal_of": [],
            },
        )
        for v in created
    )
    context.counts["verified residents"] = len(created)
