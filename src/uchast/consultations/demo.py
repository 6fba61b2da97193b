"""Demo content: one open consultation with everything in it, and one finished with its report."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from uchast.consultations import services
from uchast.consultations.drafts import sections_from_markdown
from uchast.consultations.models import Consultation, MeetingKind, QuestionKind
from uchast.consultations.tasks import refresh_opinion_now

DRAFT = """# Про Програму підтримки внутрішньо переміщених осіб Зорянської громади на 2027 рік

## 1. Загальні положення
Програма визначає заходи підтримки мешканців Зорянської міської територіальної громади, які
через збройну агресію змушені були покинути свої домівки, незалежно від того, де вони
проживають нині. Програма фінансується з бюджету громади та залучених коштів міжнародних партнерів.

## 2. Житло
Громада компенсує частину вартості оренди житла родинам ВПО з дітьми, особам з інвалідністю та
людям похилого віку — до 3000 гривень на місяць на родину протягом шести місяців. Розширюється
мережа місць тимчасового проживання у Дніпрі та Запоріжжі.

## 3. Працевлаштування та власна справа
Громада спільно з центрами зайнятості організовує перенавчання та надає мікрогранти до 50 000 гривень
на відновлення власної справи у місті перебування.

## 4. Психологічна та правова допомога
У хабах громади у Дніпрі, Києві та Львові працюють психологи та юристи; консультації онлайн —
щоденно, для мешканців за кордоном також.

## 5. Фінансування та звітність
Обсяг фінансування Програми — 18,5 млн гривень. Виконавці щокварталу звітують на порталі «Участь»,
звіт публікується як відкриті дані.
"""

STATEMENTS = [
    "Компенсація оренди важливіша за мікрогранти.",
    "Допомогу з житлом треба надавати лише родинам з дітьми.",
    "Громада має витрачати більше на повернення людей додому, ніж на облаштування в інших містах.",
    "Мікрогранти допоможуть людям стати на ноги швидше, ніж виплати.",
    "Перенавчання має бути доступне онлайн для тих, хто за кордоном.",
    "Кошти Програми варто спрямувати насамперед на працевлаштування.",
    "Психологічна допомога потрібна кожній родині ВПО.",
    "Звіти про виконання Програми мають бути відкритими даними.",
]
# Planted opinions of the two synthetic groups on STATEMENTS (1 agree, -1 disagree).
GROUP_VIEWS = [
    [1, 1, 1, -1, -1, -1, 1, 1],
    [-1, -1, -1, 1, 1, 1, 1, 1],
]
VOTERS = 30


def _dt(days: int, hour: int = 10) -> Any:
    now = timezone.localtime()
    return now.replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(days=days)


def _synthetic_voters(context: Any) -> list[Any]:
    from uchast.accounts.models import User
    from uchast.verification.demo import demo_person_key
    from uchast.verification.services import verification_grant

    voters = []
    bases = ["idp", "registered", "census", "in_person"]
    for n in range(1, VOTERS + 1):
        user = User.objects.create_user(f"voter{n:02d}@demo.uchast.org", None, full_name=f"Учасник опитування {n}")
        verification_grant(
            user=user,
            community=context.community,
            method="demo",
            basis=bases[n % len(bases)],
            birth_date=date(1960 + n, 1 + n % 12, 1 + n % 27),
            verified_by_label="demo",
            person_key=demo_person_key(user),  # the binding survey counts one answer per person
        )
        voters.append(user)
    return voters


def _open_consultation(context: Any, official: Any, voters: list[Any]) -> Consultation:
    community = context.community
    c = services.consultation_create(
        actor=official,
        community=community,
        title="Про Програму підтримки внутрішньо переміщених осіб Зорянської громади на 2027 рік",
        summary=(
            "Проєкт рішення міської ради затверджує Програму підтримки ВПО на 2027 рік: житло, "
            "працевлаштування, психологічна та правова допомога. Обсяг — 18,5 млн гривень."
        ),
        alternatives="Продовжити Програму 2026 року без змін; спрямувати всі кошти на грошові виплати.",
        affected_groups="Мешканці громади зі статусом ВПО, їхні родини, громади, що їх приймають.",
        consequences="Близько 2 400 родин отримають допомогу з оренди житла; до 150 мікрогрантів.",
        how_to_take_part=(
            "Коментуйте розділи проєкту, пропонуйте нові формулювання, голосуйте за твердження, заповніть "
            "опитування або приходьте на зустріч у Дніпрі."
        ),
        starts_at=_dt(-10),
        ends_at=_dt(20, 18),
        responsible_name="Андрій Мельник, начальник відділу соціального захисту",
        responsible_contacts="rada@zoriansk.example.org, +380 56 000 00 00",
    )
    # The source is wrapped for reading here; each paragraph is one line in the draft.
    text = re.sub(r"^(?!#)(.*\S)\n(?=[^\n#])", r"\1 ", DRAFT, flags=re.MULTILINE)
    services.draft_version_publish(actor=official, consultation=c, sections=sections_from_markdown(text))
    c = services.consultation_advance(actor=official, consultation=c)
    meeting = services.meeting_create(
        actor=official,
        consultation=c,
        title="Зустріч з мешканцями у Дніпрі",
        kind=MeetingKind.IN_PERSON,
        starts_at=_dt(7, 15),
        capacity=60,
        place="м. Дніпро, вул. Вигадана, 1, зала засідань (тимчасове розміщення ради)",
        agenda="Презентація проєкту Програми; запитання та пропозиції мешканців.",
    )
    survey = services.survey_create(
        actor=official,
        consultation=c,
        title="Що для вас найважливіше?",
        intro="Опитування займе дві хвилини.",
        binding=True,  # one answer per person: staff mark it before the consultation opens
    )
    services.question_add(
        actor=official,
        survey=survey,
        kind=QuestionKind.SINGLE,
        text="Де ви зараз проживаєте?",
        options=["У Дніпрі", "В іншому місті України", "За кордоном"],
    )
    services.question_add(
        actor=official,
        survey=survey,
        kind=QuestionKind.MULTIPLE,
        text="Яка підтримка потрібна вашій родині?",
        options=["Житло", "Робота", "Психологічна допомога", "Правова допомога"],
        max_choices=2,
    )
    services.question_add(
        actor=official, survey=survey, kind=QuestionKind.SCALE, text="Наскільки ви задоволені Програмою 2026 року?"
    )
    services.question_add(actor=official, survey=survey, kind=QuestionKind.TEXT, text="Ваші побажання", required=False)
    c = services.consultation_advance(actor=official, consultation=c)
    survey.consultation = c  # now open for answers
    residents = context.residents
    sections = list(c.versions.get().sections.order_by("position"))
    housing = sections[1]
    services.proposal_create(
        author=residents[0],
        section=housing,
        body="Пропоную поширити компенсацію на самотніх людей похилого віку та збільшити строк до дев'яти місяців.",
        proposed_text=housing.body.replace("протягом шести місяців", "протягом дев'яти місяців"),
    )
    remark = services.proposal_create(
        author=residents[1],
        section=sections[2],
        body="Варто передбачити гранти й для тих, хто хоче відновити справу після повернення додому.",
    )
    services.proposal_support(user=residents[2], proposal=remark)
    services.section_comment(
        author=residents[3], section=sections[3], body="Дуже потрібні консультації юриста щодо зруйнованого житла."
    )
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    for voter in voters[:12]:
        services.survey_answer(
            user=voter,
            survey=survey,
            answers={
                q.pk: v
                for q, v in zip(
                    survey.questions.all(),
                    [rng.randrange(3), sorted(rng.sample(range(4), 2)), rng.randint(1, 5), ""],
                    strict=True,
                )
            },
        )
    statements = [
        services.statement_create(author=official, by_council=True, consultation=c, text=t) for t in STATEMENTS
    ]
    for n, voter in enumerate(voters):
        views = GROUP_VIEWS[0 if n < 18 else 1]
        for statement, view in zip(statements, views, strict=True):
            value = view if rng.random() > 0.1 else 0
            services.statement_vote(user=voter, statement=statement, value=value)
    services.meeting_register(user=residents[4], meeting=meeting)
    _organisation_meetings(context, official, c)
    refresh_opinion_now(c)
    return c


def _organisation_meetings(context: Any, official: Any, c: Consultation) -> None:
    """The organisation of displaced people proposes two meetings: one accepted (public, co-organised),
    one awaiting the council's decision."""
    from uchast.organisations.selectors import acting_as_choices

    member = context.staff["organisation"]
    organisations = acting_as_choices(member, context.community)
    if not organisations:
        return  # the organisations' demo did not run, or the community keeps members from acting for them
    organisation = organisations[0]
    accepted = services.meeting_propose(
        proposer=member,
        consultation=c,
        organisation=organisation.pk,
        title="Зустріч переселенців у Запоріжжі",
        kind=MeetingKind.IN_PERSON,
        starts_at=_dt(12, 17),
        capacity=40,
        place="м. Запоріжжя, вул. Вигадана, 7, хаб громади",
        agenda="Житло й робота для переселенців: що змінює Програма; пропозиції учасників.",
    )
    services.meeting_proposal_accept(actor=official, proposal=accepted)
    services.meeting_propose(
        proposer=member,
        consultation=c,
        organisation=organisation.pk,
        title="Онлайн-зустріч для мешканців за кордоном",
        kind=MeetingKind.ONLINE,
        starts_at=_dt(14, 19),
        capacity=100,
        link="https://meet.example.org/zoriany-razom",
        agenda="Програма для тих, хто зараз за кордоном: перенавчання онлайн, консультації.",
    )


def _finished_consultation(context: Any, official: Any) -> Consultation:
    c = services.consultation_create(
        actor=official,
        community=context.community,
        title="Про Правила благоустрою місць тимчасового проживання ВПО",
        summary="Проєкт рішення встановлює вимоги до облаштування та утримання місць тимчасового проживання.",
        affected_groups="Мешканці місць тимчасового проживання, управителі гуртожитків.",
        starts_at=_dt(-90),
        ends_at=_dt(-60, 18),
        responsible_name="Ірина Коваленко, секретар ради",
        responsible_contacts="rada@zoriansk.example.org",
    )
    services.draft_version_publish(
        actor=official,
        consultation=c,
        sections=sections_from_markdown(
            "## Загальні вимоги\nМісця тимчасового проживання мають бути доступними для осіб з інвалідністю.\n\n"
            "## Утримання\nУправитель щомісяця публікує звіт про витрати на утримання."
        ),
    )
    c = services.consultation_advance(actor=official, consultation=c)
    c = services.consultation_advance(actor=official, consultation=c)
    section = c.versions.get().sections.order_by("position").first()
    assert section is not None  # noqa: S101 - just created
    proposal = services.proposal_create(
        author=context.residents[5],
        section=section,
        body="Додати вимогу облаштувати дитячу кімнату в кожному гуртожитку.",
    )
    c = services.consultation_advance(actor=official, consultation=c)
    services.proposal_answer(
        actor=official,
        proposal=proposal,
        status="partly",
        reason="Вимогу включено для гуртожитків на понад 50 місць; менші не мають вільних приміщень.",
    )
    return services.report_publish(
        actor=official,
        consultation=c,
        summary="Надійшла одна пропозиція, її враховано частково. Рішення ухвалено на сесії ради.",
    )


def load_demo(context: Any) -> None:
    official = context.staff["official"]
    voters = _synthetic_voters(context)
    _open_consultation(context, official, voters)
    _finished_consultation(context, official)
