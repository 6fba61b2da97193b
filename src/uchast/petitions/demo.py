"""Demo petitions in every state, for the fictional displaced community (runs after verification)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from uchast.accounts.models import User
from uchast.petitions import services
from uchast.petitions.actions import PetitionAction
from uchast.petitions.models import AnswerOutcome, Petition, RefusalReason
from uchast.petitions.statute import PetitionStatute
from uchast.verification.demo import demo_person_key
from uchast.verification.selectors import active_verification, participation_decision
from uchast.verification.services import verification_grant

FIRST_NAMES = ["Оксана", "Іван", "Галина", "Микола", "Наталія", "Василь", "Людмила", "Сергій", "Ганна", "Олександр"]
LAST_NAMES = [
    "Бондаренко", "Ткачук", "Мороз", "Лисенко", "Руденко", "Поліщук", "Марченко", "Кузьменко", "Павленко",
    "Романюк", "Захарченко", "Остапенко", "Білоус", "Дячук", "Яковенко", "Швець",
]  # fmt: skip

PETITIONS: dict[str, tuple[str, str]] = {
    "draft": (
        "Запровадити безкоштовний проїзд для ВПО з громади в міському транспорті Дніпра",
        "Понад дві тисячі мешканців нашої громади тимчасово проживають у Дніпрі. Просимо раду домовитися з "
        "Дніпровською міською радою про компенсацію проїзду для внутрішньо переміщених осіб із громади.",
    ),
    "moderation": (
        "Облаштувати укриття у школі №2",
        "Школа №2 у Степовому відновлює очне навчання, але підвал не облаштований як укриття. Просимо "
        "передбачити кошти на вентиляцію, освітлення, запас води та доступний вхід для дітей з інвалідністю.",
    ),
    "refused": (
        "Перенести державний кордон",
        "Вимагаємо від сільської ради змінити державний кордон України, щоб наша громада більше не "
        "межувала з районами бойових дій.",
    ),
    "collecting": (
        "Відкрити пункт видачі гуманітарної допомоги для ВПО у Дніпрі",
        "Мешканці громади, які живуть у Дніпрі, отримують допомогу в різних місцях і часто не знають "
        "графіка. Просимо відкрити постійний пункт видачі при тимчасовому приміщенні ради з графіком "
        "роботи у вихідні дні.",
    ),
    "consideration": (
        "Створити цифровий архів документів громади, вивезених з окупованої території",
        "Частина архівів земельних і майнових документів залишилася на окупованій території. Просимо "
        "оцифрувати все, що вдалося вивезти, і дати мешканцям змогу замовляти копії онлайн.",
    ),
    "answered": (
        "Відновити рейсовий автобус Зорянськ — Дніпро",
        "Після деокупації частини громади мешканці не мають прямого сполучення з Дніпром, де працює рада "
        "і ЦНАП. Просимо відновити рейс хоча б двічі на тиждень.",
    ),
    "appeal": (
        "Встановити пандус біля амбулаторії у Степовому",
        "Амбулаторія у Степовому не має пандуса, і люди на візках та батьки з візочками не можуть "
        "потрапити до лікаря без сторонньої допомоги. Просимо встановити пандус до кінця року.",
    ),
    "archived": (
        "Облаштувати меморіал захисникам громади",
        "Просимо раду визначити місце і провести конкурс проєктів меморіалу полеглим захисникам "
        "громади з участю родин загиблих.",
    ),
}


def _ensure_verified(user: User, context: Any) -> None:
    if active_verification(user, context.community) is None:
        verification_grant(
            user=user,
            community=context.community,
            method="demo",
            basis="idp",
            birth_date=date(1985, 3, 14),
            person_key=demo_person_key(user),
            verified_by_label="demo",
        )


def _eligible(user: User, context: Any, action: PetitionAction) -> bool:
    return participation_decision(user, context.community, action).allowed


def _signatories(context: Any, count: int) -> list[User]:
    for user in context.residents:
        _ensure_verified(user, context)
    people = [u for u in context.residents if _eligible(u, context, PetitionAction.SIGN)]
    n = 0
    while len(people) < count:
        name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n // len(FIRST_NAMES) % len(LAST_NAMES)]}"
        user = User.objects.create_user(f"signatory{n + 1}@demo.uchast.org", None, full_name=name)
        _ensure_verified(user, context)
        people.append(user)
        n += 1
    return people


def _submitted(author: User, key: str, context: Any) -> Petition:
    title, text = PETITIONS[key]
    petition = services.petition_create(author=author, community=context.community, title=title, text=text)
    return services.petition_submit(petition=petition, actor=author)


def load_demo(context: Any) -> None:
    community = context.community
    moderator = context.staff["moderator"]
    official = context.staff["official"]
    threshold = PetitionStatute.from_community(community).threshold
    people = _signatories(context, threshold)
    # Authors: the demo residents who may petition (the verification demo has a minor among them),
    # topped up with demo signatories so every state has an author.
    authors = [u for u in context.residents if _eligible(u, context, PetitionAction.CREATE)]
    authors += [u for u in people if u not in authors][: max(0, 6 - len(authors))]

    title, text = PETITIONS["draft"]
    services.petition_create(author=authors[0], community=community, title=title, text=text)
    _submitted(authors[1], "moderation", context)
    services.petition_refuse(
        petition=_submitted(authors[2], "refused", context),
        actor=moderator,
        reason=RefusalReason.OUTSIDE_COMPETENCE,
        text="Зміна державного кордону не належить до повноважень органів місцевого самоврядування.",
    )
    collecting = services.petition_publish(petition=_submitted(authors[3], "collecting", context), actor=moderator)
    for user in people[:5]:
        if user.pk != collecting.author_id:
            services.signature_create(petition=collecting, signer=user)

    def reach_threshold(key: str, author: User) -> Petition:
        petition = services.petition_publish(petition=_submitted(author, key, context), actor=moderator)
        for user in people:
            petition.refresh_from_db()
            if petition.status != "collecting":
                break
            services.signature_create(petition=petition, signer=user)
        petition.refresh_from_db()
        return petition

    considered = reach_threshold("consideration", authors[4])
    services.petition_assign(petition=considered, actor=official, official=official)
    answered = reach_threshold("answered", authors[5])
    services.petition_answer(
        petition=answered,
        actor=official,
        outcome=AnswerOutcome.PARTLY,
        text="Рада погоджує відновлення рейсу один раз на тиждень з 1 березня; другий рейс буде розглянуто "
        "після ремонту дороги на ділянці Степове — Зорянськ.",
    )

    appeal = services.petition_publish(petition=_submitted(authors[0], "appeal", context), actor=moderator)
    services.signature_create(petition=appeal, signer=people[1])
    appeal.refresh_from_db()
    deadline = appeal.collection_deadline or timezone.localdate()
    appeal = services.petition_close_collection(petition=appeal, today=deadline + timedelta(days=1)) or appeal
    services.petition_answer(
        petition=appeal,
        actor=official,
        outcome=AnswerOutcome.SUPPORTED,
        text="Звернення розглянуто як звичайне. Пандус внесено до плану ремонту амбулаторії на поточний рік.",
    )

    archived = reach_threshold("archived", authors[1])
    services.petition_answer(
        petition=archived,
        actor=official,
        outcome=AnswerOutcome.SUPPORTED,
        text="Рада підтримала петицію: конкурс проєктів меморіалу оголошено, до журі включено представників родин.",
    )
    services.petition_archive(petition=archived, actor=official)
