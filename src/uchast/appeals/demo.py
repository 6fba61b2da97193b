"""Demo appeals in every state (one overdue), published answers and problem reports, for the
fictional displaced community. Runs after the accounts' and verification demo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from uchast.appeals import services
from uchast.appeals.models import Appeal, Department, Kind, Priority, ReportStatus, Topic
from uchast.appeals.services import AppealDraft

DEPARTMENTS = [
    ("Загальний відділ (реєстрація звернень)", [], True),
    ("Відділ соціального захисту населення", [Topic.AID, Topic.DOCUMENTS], False),
    ("Відділ житлово-комунального господарства", [Topic.HOUSING, Topic.ROADS, Topic.SAFETY], False),
]

APPEALS: list[dict[str, Any]] = [
    {
        "kind": Kind.APPLICATION,
        "topic": Topic.DOCUMENTS,
        "publish": True,
        "subject": "Довідка про склад сім'ї для ВПО",
        "text": "Прошу видати довідку про склад сім'ї для оформлення допомоги на проживання. Я зареєстрована "
        "у Калинівці, зараз живу у Дніпрі й не можу приїхати до ЦНАПу громади.",
        "answer": "Довідку сформовано й надіслано на вашу електронну пошту. Оригінал можна отримати в "
        "тимчасовому приміщенні ради у Дніпрі (вул. Січеславська Набережна, 15) щодня з 9:00 до 16:00.",
    },
    {
        "kind": Kind.PROPOSAL,
        "topic": Topic.ROADS,
        "publish": True,
        "subject": "Освітлення зупинки на вулиці Шкільній у Степовому",
        "text": "Пропоную встановити ліхтар на зупинці біля школи: взимку діти чекають автобус у темряві.",
        "answer": "Пропозицію підтримано. Ліхтар на сонячній батареї встановлять до 20 грудня за кошти "
        "програми благоустрою.",
    },
    {
        "kind": Kind.COMPLAINT,
        "topic": Topic.AID,
        "publish": False,
        "priority": Priority.WAR_DISABILITY,
        "subject": "Затримка виплати допомоги на проживання",
        "text": "Скаржуся на те, що допомогу на проживання за жовтень досі не нараховано, хоча всі документи "
        "подано вчасно. Я маю інвалідність внаслідок війни.",
    },
    {
        "kind": Kind.APPLICATION,
        "topic": Topic.HOUSING,
        "publish": False,
        "subject": "Обстеження пошкодженого будинку у Зорянську",
        "text": "Прошу направити комісію для обстеження мого будинку на вул. Миру, 12, пошкодженого "
        "обстрілом у вересні, щоб подати заяву на компенсацію за програмою єВідновлення.",
    },
    {
        "kind": Kind.APPLICATION,
        "topic": Topic.OTHER,
        "publish": False,
        "subject": "Відновлення паспорта громадянина України",
        "text": "Прошу допомогти відновити паспорт, втрачений під час евакуації. Куди звернутися у Дніпрі?",
    },
    {
        "kind": Kind.PROPOSAL,
        "topic": Topic.SAFETY,
        "publish": True,
        "subject": "Графік роботи укриття у будинку культури",
        "text": "Пропоную вивісити графік і телефон відповідальної особи на дверях укриття в будинку культури.",
    },
]

REPORTS = [
    ("Не світить ліхтар біля амбулаторії", "вул. Центральна, 7, Степовий", "", "", Topic.ROADS, ReportStatus.ACCEPTED),
    ("Зачинене укриття в школі №1 під час тривоги", "", "47.912300", "33.391800", Topic.SAFETY, ReportStatus.RESOLVED),
    ("Яма на дорозі до кладовища", "Калинівка, дорога до кладовища (окупована)", "", "", Topic.ROADS, ReportStatus.NEW),
]  # fmt: skip


def _draft(person: Any, data: dict[str, Any], displaced: bool) -> AppealDraft:
    return AppealDraft(
        kind=data["kind"],
        topic=data["topic"],
        subject=data["subject"],
        text=data["text"],
        full_name=person.display_name or "Олена Шевчук",
        residence="с. Калинівка, вул. Садова, 3" if displaced else "м. Зорянськ, вул. Миру, 12",
        displaced=displaced,
        current_address="м. Дніпро, вул. Робоча, 18, кв. 40" if displaced else "",
        contact=person.email,
        publish=data["publish"],
        priority=data.get("priority", ""),
    )


def _departments(context: Any) -> list[Department]:
    official = context.staff["official"]
    made = []
    for name, topics, registry in DEPARTMENTS:
        department = Department.objects.create(
            community=context.community, name=name, topics=list(topics), is_registry=registry, head=official
        )
        department.members.add(official)
        made.append(department)
    made[1].parent = made[0]
    made[1].save(update_fields=["parent"])
    return made


def load_demo(context: Any) -> None:
    community, official = context.community, context.staff["official"]
    departments = _departments(context)
    people = context.residents
    filed = []
    for i, data in enumerate(APPEALS):
        person = people[i % len(people)]
        draft = _draft(person, data, displaced=i % 2 == 0)
        filed.append(services.appeal_file(author=person, community=community, draft=draft))
    answered = [
        services.appeal_answer(appeal=appeal, actor=official, text=data["answer"])
        for appeal, data in zip(filed[:2], APPEALS[:2], strict=True)
    ]
    services.appeal_rate(appeal=answered[0], user=answered[0].author, rating=5)
    services.appeal_route(appeal=filed[2], actor=official, department=departments[1], study_needed=True)
    services.appeal_check_priority(appeal=filed[2], actor=official, confirmed=True)
    services.appeal_extend(
        appeal=filed[3],
        actor=official,
        new_due=filed[3].ceiling_date,
        reasons="Потрібне виїзне обстеження будинку комісією разом із представниками ДСНС.",
    )
    services.appeal_forward(appeal=filed[4], actor=official, body="Центральний відділ ДМС у Дніпропетровській області")
    # One overdue appeal: received 40 days ago with a 15-day term (the demo moves its dates back).
    late = filed[5]
    Appeal.objects.filter(pk=late.pk).update(
        received_on=late.received_on - timedelta(days=40),
        due_date=late.due_date - timedelta(days=40),
        forward_due=late.forward_due - timedelta(days=40),
        ceiling_date=late.ceiling_date - timedelta(days=40),
    )
    for title, address, lat, lon, topic, status in REPORTS:
        report = services.report_create(
            author=people[0],
            community=community,
            title=title,
            address=address,
            latitude=lat,
            longitude=lon,
            topic=topic,
        )
        for person in people[1:4]:
            services.report_metoo(report=report, user=person)
        if status != ReportStatus.NEW:
            services.report_update_status(report=report, actor=official, status=status, text="Передано підряднику.")
