"""The demo community: clearly fictional, realistic, in Ukrainian. Modules add their content
through ``registry.add_demo_loader``; each loader receives the :class:`DemoContext`."""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from uchast.accounts import services as account_services
from uchast.accounts.models import Role, User
from uchast.core import audit
from uchast.core.models import Community, District
from uchast.core.registry import registry

DEMO_PASSWORD = "demo-uchast-2026"  # noqa: S105 - printed by `uchast demo` on purpose
# Fixed, public demo secret (base32). Never used outside the demo: `uchast demo` refuses production.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105


@dataclass
class DemoContext:
    community: Community
    districts: dict[str, District]
    staff: dict[str, User]
    residents: list[User]
    password: str = DEMO_PASSWORD
    logins: list[tuple[str, str]] = field(default_factory=list)  # (e-mail, role description)


DISTRICTS = [
    ("zoriansk", "Зорянськ (центр громади)", "Zoriansk (centre)", False),
    ("stepove", "Степовий старостинський округ", "Stepove starosta district", False),
    ("kalynivka", "Калинівський старостинський округ", "Kalynivka starosta district", True),
    ("haivka", "Гаївський старостинський округ", "Haivka starosta district", True),
]

STAFF = [
    ("admin@demo.uchast.org", "Ірина Коваленко", Role.ADMINISTRATOR, "адміністратор / administrator"),
    ("official@demo.uchast.org", "Андрій Мельник", Role.OFFICIAL, "посадова особа / official"),
    ("moderator@demo.uchast.org", "Світлана Бондар", Role.MODERATOR, "модератор / moderator"),
    ("ngo@demo.uchast.org", "Олег Ткаченко (ГО «Зоряни разом»)", Role.ORGANISATION, "представник ІГС / NGO"),
]

RESIDENTS = [
    ("olena@demo.uchast.org", "Олена Шевчук"),
    ("taras@demo.uchast.org", "Тарас Кравець"),
    ("mariia@demo.uchast.org", "Марія Литвин"),
    ("petro@demo.uchast.org", "Петро Гончаренко"),
    ("sofiia@demo.uchast.org", "Софія Савчук"),
    ("yurii@demo.uchast.org", "Юрій Олійник"),
]


def _user(email: str, name: str) -> User:
    user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, role) of every demo account, in the order `uchast demo` creates them."""
    staff = [(email, label) for email, _name, _role, label in STAFF]
    return staff + [(email, "мешканець / resident") for email, _name in RESIDENTS]


def login_lines() -> list[str]:
    """The demo logins to print, or nothing when the demo is not loaded (or in production)."""
    from django.conf import settings

    if settings.PRODUCTION or not User.objects.filter(email=STAFF[0][0]).exists():
        return []
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    return lines + [f"  {email:32} {role}" for email, role in demo_logins()]


@transaction.atomic
def load_demo() -> DemoContext:
    """Create the demo community and call every module's demo loader. Precondition: empty database."""
    community = Community.objects.create(
        slug="zoriansk",
        name_uk="Зорянська міська територіальна громада",
        name_en="Zoriansk City Territorial Community",
        katottg="UA99000000000000001",
        description_uk=(
            "Демонстраційна, вигадана громада. Частина її території тимчасово окупована, "
            "рада працює в Дніпрі, а мешканці живуть по всій Україні та за кордоном. "
            "Тут вони разом вирішують, що відновлювати першим."
        ),
        description_en=(
            "A fictional demo community. Part of its territory is temporarily occupied, the council "
            "works from Dnipro, and residents live all over Ukraine and abroad. Here they decide "
            "together what to rebuild first."
        ),
        email="rada@zoriansk.example.org",
        phone="+380 56 000 00 00",
        address="м. Дніпро, вул. Вигадана, 1 (тимчасове розміщення ради)",
        website="https://zoriansk.example.org",
        is_displaced=True,
        host_city_uk="Дніпро",
        host_city_en="Dnipro",
        holidays_are_working_days=True,
        statute={
            "petition_threshold": 150,
            "petition_collection_days": 60,
            "petition_moderation_working_days": 2,
            "petition_answer_working_days": 10,
            "budget_min_voting_age": 14,
        },
    )
    districts = {
        code: District.objects.create(community=community, code=code, name_uk=uk, name_en=en, is_occupied=occupied)
        for code, uk, en, occupied in DISTRICTS
    }
    context = DemoContext(community=community, districts=districts, staff={}, residents=[])
    for email, name, role, label in STAFF:
        user = _user(email, name)
        account_services.role_grant(actor=None, user=user, role=role, community=community)
        if role != Role.ORGANISATION:
            TOTP.activate(user, DEMO_TOTP_SECRET)
        context.staff[role.value] = user
        context.logins.append((email, label))
    for email, name in RESIDENTS:
        context.residents.append(_user(email, name))
        context.logins.append((email, "мешканець / resident"))
    audit.record(action="core.demo_loaded", community=community, obj=community, summary={"districts": len(districts)})
    for _order, loader in sorted(registry.demo_loaders, key=lambda pair: pair[0]):
        loader(context)
    return context
