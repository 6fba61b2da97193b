"""City-sized data: ``uchast demo --scale N`` loads the demo community, then N × 1,500 residents and
what they do, so pages and staff work can be measured on a database the size of a real city
(N = 100 is about Kyiv: 150,000 voters).

Every module adds its part through ``registry.add_scale_loader(fn, order)``; each loader receives
the :class:`ScaleContext` and writes in bulk (``bulk_create``, ``audit.record_many``) what its
services would write one by one: the same rows, counters, participation-register rows and audit
entries, so the invariants the services keep hold on the result (``tests/accounts/test_accounts_scale.py``
checks them, and ``uchast audit verify`` passes). Small objects (cycles, consultations, petitions)
go through the services themselves. Deterministic: one seeded random generator.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from uchast.accounts.demo import DEMO_PASSWORD, DemoContext, load_demo
from uchast.accounts.models import User
from uchast.core.registry import registry

#: Residents per unit of scale: N = 1 is a small hromada, N = 100 a city of Kyiv's turnout.
BASE_RESIDENTS = 1500
BATCH = 2000
EMAIL_DOMAIN = "@scale.demo.uchast.org"

FIRST_NAMES = [
    "Олена", "Тарас", "Марія", "Петро", "Софія", "Юрій", "Ганна", "Олександр", "Наталія", "Іван",
    "Оксана", "Дмитро", "Ірина", "Богдан", "Катерина", "Василь", "Людмила", "Микола", "Тетяна", "Сергій",
]  # fmt: skip
LAST_NAMES = [
    "Шевчук", "Коваль", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Мельник", "Поліщук", "Лисенко",
    "Руденко", "Савченко", "Гончар", "Марченко", "Клименко", "Павленко", "Кузьменко", "Левченко", "Романюк",
]  # fmt: skip


@dataclass
class ScaleResident:
    """A generated resident: the account, and what verification proved (the person key is set by
    the verification loader; empty means not verified)."""

    user_id: int
    birth_date: date
    district_id: int
    district_code: str
    person_key: str = ""


@dataclass
class ScaleContext:
    demo: DemoContext
    scale: float  # N × fraction: how many base communities
    residents: list[ScaleResident]
    rng: random.Random
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def community(self):  # type: ignore[no-untyped-def]
        return self.demo.community

    def count(self, per_base: float, minimum: int = 1) -> int:
        """``per_base`` things per 1,500 residents, at least ``minimum``."""
        return max(minimum, round(per_base * self.scale))

    def verified(self) -> list[ScaleResident]:
        return [r for r in self.residents if r.person_key]


def _residents(context: DemoContext, total: int, rng: random.Random) -> list[ScaleResident]:
    """``total`` accounts with verified e-mail addresses and the demo password (hashed once)."""
    password = make_password(DEMO_PASSWORD)
    districts = list(context.districts.values())
    first = User.objects.filter(email__endswith=EMAIL_DOMAIN).count() + 1  # after an earlier run's
    users = []
    for n in range(first, first + total):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        users.append(User(email=f"resident{n:06d}{EMAIL_DOMAIN}", full_name=name, password=password))
    created: list[User] = []
    for start in range(0, total, BATCH):
        created.extend(User.objects.bulk_create(users[start : start + BATCH]))
    if any(user.pk is None for user in created):  # SQLite before RETURNING, or a backend without it
        ids = dict(User.objects.filter(email__endswith=EMAIL_DOMAIN).values_list("email", "pk"))
        for user in created:
            user.pk = ids[user.email]
    EmailAddress.objects.bulk_create(
        (EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in created), batch_size=BATCH
    )
    residents = []
    for user in created:
        district = rng.choice(districts)
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 67))  # adults: 18 to 86 in 2026
        residents.append(ScaleResident(user.pk, birth, district.pk, district.code))
    return residents


def load_scale(
    scale: int, *, fraction: float = 1.0, seed: int = 2026, progress: Callable[[str], None] | None = None
) -> ScaleContext:
    """Load the demo, then ``scale`` × 1,500 residents (times ``fraction``, for tests) and every
    module's scale loader. Precondition: an empty database."""
    started = time.monotonic()
    demo = load_demo()
    context = scale_up(demo, scale * fraction, seed=seed, progress=progress)
    context.timings["total"] = time.monotonic() - started
    return context


def scale_up(
    demo: DemoContext, size: float, *, seed: int = 2026, progress: Callable[[str], None] | None = None
) -> ScaleContext:
    """Add ``size`` × 1,500 residents to the demo community and run every scale loader (each in its
    own transaction). May run again on the same database: each run adds residents of its own."""
    say = progress or (lambda line: None)
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - generated data, not security
    with transaction.atomic():
        residents = _residents(demo, max(20, round(BASE_RESIDENTS * size)), rng)
    context = ScaleContext(demo=demo, scale=size, residents=residents, rng=rng)
    context.timings["residents"] = time.monotonic() - started
    say(f"{len(residents)} residents: {context.timings['residents']:.1f} s")
    for _order, loader in sorted(registry.scale_loaders, key=lambda pair: pair[0]):
        step = time.monotonic()
        with transaction.atomic():
            loader(context)
        name = loader.__module__.rsplit(".", 2)[-2]
        context.timings[name] = time.monotonic() - step
        say(f"{name}: {context.timings[name]:.1f} s")
    context.timings["total"] = time.monotonic() - started
    return context
