"""Scale data (``uchast demo --scale``): 10 petitions per 1,500 residents, created, submitted and
published through the services, with signatures written in bulk the way ``signature_create`` writes
them: a row per signer, the participation register's row, and the counter set to the number of rows.
The threshold grows with the community (150 per 1,500 residents: 15,000 at N = 100, Kyiv's order).
Signatures follow a long tail; the most popular petition reaches the threshold, its last signature
through ``signature_create`` so the transition to consideration and its audit entry are the real ones.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F

from uchast.core.models import Community
from uchast.petitions import services
from uchast.petitions.actions import PetitionAction
from uchast.petitions.demo import PETITIONS
from uchast.petitions.models import Petition, Signature, SignatureDisplay
from uchast.verification.models import Channel
from uchast.verification.selectors import process_key
from uchast.verification.services import participation_record_many

PETITIONS_PER_BASE = 10
THRESHOLD_PER_BASE = 150
TOPICS = [
    "Облаштувати укриття", "Відремонтувати дорогу", "Відкрити пункт незламності", "Продовжити автобусний рейс",
    "Встановити світлофор", "Зберегти бібліотеку", "Облаштувати пандус", "Відкрити хаб для ВПО",
]  # fmt: skip
PLACES = ["у Степовому", "біля ліцею № 2", "у Калинівці", "на вул. Шевченка", "у Дніпрі для мешканців громади"]


def _signatures(petition: Petition, signers: list[Any], display_initials: float, rng: Any) -> None:
    rows = [
        Signature(
            petition=petition,
            signer_id=resident.user_id,
            display=SignatureDisplay.INITIALS if rng.random() < display_initials else SignatureDisplay.NAME,
        )
        for resident in signers
    ]
    Signature.objects.bulk_create(rows, batch_size=5000)
    participation_record_many(
        process=process_key(PetitionAction.SIGN, petition.pk), people=[(r.person_key, Channel.ONLINE) for r in signers]
    )
    Petition.objects.filter(pk=petition.pk).update(signature_count=F("signature_count") + len(rows))


def load_scale(context: Any) -> None:
    community, rng = context.community, context.rng
    moderator = context.demo.staff["moderator"]
    threshold = max(3, round(THRESHOLD_PER_BASE * context.scale))  # a test sliver: a few
    # As the council's statute would say for a community of this size.
    statute = {**community.statute, "petition_threshold": threshold}
    Community.objects.filter(pk=community.pk).update(statute=statute)
    community.statute = statute
    verified = context.verified()
    petitions = context.count(PETITIONS_PER_BASE, minimum=3)
    # One petition per author while there are enough people: the statute caps how many one person
    # may have collecting at once (3 by default), and 1,000 petitions over 300 authors broke it.
    authors = verified[: max(300, petitions)]
    users = get_user_model().objects.in_bulk([r.user_id for r in authors])
    texts = [text for _title, text in PETITIONS.values()]
    total = 0
    for n in range(petitions):
        author = users[authors[n % len(authors)].user_id]
        title = f"{rng.choice(TOPICS)} {rng.choice(PLACES)}"
        petition = services.petition_create(author=author, community=community, title=title, text=rng.choice(texts))
        petition = services.petition_submit(petition=petition, actor=author)
        petition = services.petition_publish(petition=petition, actor=moderator)
        wanted = threshold if n == 0 else min(threshold - 1, int(threshold * 0.005 * rng.paretovariate(1.0)))
        signers = [r for r in rng.sample(verified, min(len(verified), wanted + 1)) if r.user_id != author.pk][:wanted]
        last = signers.pop() if len(signers) == threshold else None
        _signatures(petition, signers, 0.2, rng)
        if last is not None:  # the signature that reaches the threshold: the real transition
            services.signature_create(petition=petition, signer=get_user_model().objects.get(pk=last.user_id))
        total += len(signers) + (last is not None)
    context.counts["petitions"] = Petition.objects.filter(community=community).count()
    context.counts["signatures"] = total
