"""Demo civil society for the fictional displaced community (runs after verification, before the
participation modules): confirmed organisations (one of displaced people), one awaiting staff, a
finished competition with published scores and an interim report awaiting review, an open one."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from uchast.accounts.models import User
from uchast.organisations import bodies, services
from uchast.organisations.models import Application, Competition, Organisation
from uchast.verification.demo import demo_person_key
from uchast.verification.selectors import active_verification
from uchast.verification.services import verification_grant

ORGANISATIONS: list[dict[str, Any]] = [
    {
        "name": "ГО «Зоряни разом»",
        "edrpou": "43005393",
        "legal_form": "public_organisation",
        "registered_on": date(2019, 4, 12),
        "areas": "допомога внутрішньо переміщеним особам, юридичні консультації, психологічна підтримка",
        "description": "Об'єднує мешканців громади, які виїхали до Дніпра та Запоріжжя після 2022 року. "
        "Веде гарячу лінію, допомагає з житлом і документами.",
        "works_with_idps": True,
        "email": "info@zoriany-razom.org.ua",
        "phone": "+380 56 700 10 20",
        "website": "https://zoriany-razom.org.ua",
    },
    {
        "name": "БО «Світанок Степового»",
        "edrpou": "14360570",
        "legal_form": "charity",
        "registered_on": date(2016, 9, 1),
        "areas": "підтримка людей похилого віку, гуманітарна допомога",
        "description": "",
        "works_with_idps": False,
        "email": "svitanok@example.org",
        "phone": "",
        "website": "",
    },
    {
        "name": "ГО «Молодь Зорянська»",
        "edrpou": "00032129",
        "legal_form": "public_organisation",
        "registered_on": date(2024, 2, 20),
        "areas": "молодіжні ініціативи, волонтерство",
        "description": "",
        "works_with_idps": True,
        "email": "molod@example.org",
        "phone": "",
        "website": "",
    },
]


def _verified(user: User, community: Any) -> User:
    if active_verification(user, community) is None:
        verification_grant(
            user=user,
            community=community,
            method="demo",
            basis="idp",
            birth_date=date(1984, 6, 2),
            person_key=demo_person_key(user),
            verified_by_label="demo",
        )
    return user


def _announce(context: Any, title: str, opens: Any, closes: Any, commission: list[tuple[User, str]]) -> Competition:
    return services.competition_announce(
        actor=context.staff["official"],
        community=context.community,
        values={
            "title": title,
            "description": "Рада фінансує програми інститутів громадянського суспільства, що відповідають "
            "пріоритетам громади, за Порядком проведення конкурсу, затвердженим рішенням ради.",
            "priorities": "підтримка ВПО та ветеранів; психологічна допомога; молодіжні ініціативи",
            "budget": 200_000_00,
            "max_per_programme": 150_000_00,
            "min_own_percent": 10,
            "min_registered_months": 6,
            "eligibility_rules": "Немає заборгованості зі сплати податків; програма виконується в громаді "
            "або для її мешканців у місцях тимчасового проживання.",
            "aggregation": "trimmed_mean",
            "applications_open_at": opens,
            "applications_close_at": closes,
        },
        criteria=[("Актуальність для громади", 10), ("Реалістичність бюджету", 10), ("Досвід організації", 5)],
        commission=commission,
    )


def _apply(competition: Competition, organisation: Organisation, head: User, title: str, own: int, asked: int) -> Any:
    return services.application_submit(
        competition=competition,
        organisation=organisation,
        actor=head,
        values={
            "title": title,
            "goals": "Допомогти мешканцям громади, які живуть у місцях тимчасового проживання.",
            "activities": "Щотижневі консультації, виїзні прийоми, інформаційні зустрічі.",
            "schedule": "Березень — листопад",
            "own_total": own,
            "requested_total": asked,
        },
        lines=[("Оренда приміщення та зв'язок", own, 0), ("Оплата праці фахівців", 0, asked)],
    )


def _png(size: tuple[int, int], background: str, mark: str) -> SimpleUploadedFile:
    """A small picture drawn here (no binary files in the repository): a circle or a sun on a field."""
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    w, h = size
    if mark == "star":
        draw.ellipse((w * 0.2, h * 0.2, w * 0.8, h * 0.8), fill="#ffd500")
        draw.polygon([(w * 0.5, h * 0.28), (w * 0.6, h * 0.62), (w * 0.4, h * 0.62)], fill="#0057b7")
    else:
        draw.rectangle((0, h * 0.6, w, h), fill="#6b8e23")
        draw.ellipse((w * 0.7, h * 0.1, w * 0.9, h * 0.35), fill="#ffd500")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(f"{mark}.png", out.getvalue())


def _pdf(lines: list[str]) -> SimpleUploadedFile:
    """A one-page PDF with a few lines of ASCII text (built here, with its cross-reference table)."""
    text = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 760 Td {text} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return SimpleUploadedFile("statute.pdf", out.getvalue())


def load_demo(context: Any) -> None:
    community, official = context.community, context.staff["official"]
    heads = [_verified(context.staff["organisation"], community), context.residents[1], context.residents[5]]
    for user in heads[1:]:
        _verified(user, community)
    organisations = [
        services.organisation_register(author=head, community=community, values={**values, "districts": []})
        for head, values in zip(heads, ORGANISATIONS, strict=True)
    ]
    # The organisation of displaced people shows a logo and its statute (drawn and written here).
    services.organisation_files_set(
        organisation=organisations[0],
        actor=heads[0],
        logo=_png((160, 160), "#0057b7", "star"),
        statute=_pdf(["Statute of the public organisation Zoriany Razom", "Demo document"]),
    )
    zoriany = services.organisation_confirm(organisation=organisations[0], actor=official)
    svitanok = services.organisation_confirm(organisation=organisations[1], actor=official)
    commission = [(official, "staff"), (context.residents[2], "public"), (context.residents[4], "public")]
    now = timezone.now()
    finished = _announce(
        context, "Конкурс програм ІГС 2026 року", now - timedelta(days=1), now + timedelta(days=1), commission
    )
    first = _apply(finished, zoriany, heads[0], "Правова допомога переселенцям у Дніпрі", 20_000_00, 120_000_00)
    second = _apply(finished, svitanok, heads[1], "Гаряча лінія для літніх людей", 10_000_00, 90_000_00)
    # Demo history: the application period is moved into the past, as if months had passed.
    Competition.objects.filter(pk=finished.pk).update(
        applications_open_at=now - timedelta(days=150), applications_close_at=now - timedelta(days=120)
    )
    finished = services.competition_sync_phase(competition=Competition.objects.get(pk=finished.pk))
    for application in (first, second):
        services.application_set_eligibility(application=application, actor=official, eligible=True)
    criteria = list(finished.criteria.all())
    services.conflict_declare(application=second, member_user=context.residents[2], note="Мама — волонтерка БО")
    marks: dict[int, list[tuple[int, int, int] | None]] = {
        first.pk: [(9, 8, 5), (8, 9, 4), (10, 7, 5)],
        second.pk: [(7, 6, 3), None, (8, 8, 4)],
    }
    for application in (first, second):
        for (user, _kind), values in zip(commission, marks[application.pk], strict=True):
            if values is not None:
                scores = dict(zip((c.pk for c in criteria), values, strict=True))
                services.scores_submit(application=application, member_user=user, values=scores)
    services.results_publish(competition=finished, actor=official)
    winner = Application.objects.get(pk=first.pk)
    services.report_submit(
        application=winner,
        actor=heads[0],
        kind="interim",
        text="За пів року проведено 214 консультацій і 6 виїзних прийомів у Дніпрі та Запоріжжі.",
        spending=[(line.pk, line.own_amount + line.requested_amount // 2) for line in winner.lines.all()],
        photos=[_png((480, 320), "#87ceeb", "field")],  # public once staff accept the report
    )
    _idp_council(context, zoriany, svitanok)
    _announce(
        context,
        "Конкурс програм ІГС 2027 року",
        now - timedelta(days=3),
        now + timedelta(days=27),
        [(official, "staff"), (context.residents[4], "public")],
    )


def _idp_council(context: Any, zoriany: Organisation, svitanok: Organisation) -> None:
    """The IDP council: two organisations and a resident; a past meeting with minutes and decisions
    (one sent to the council), and the next meeting with its agenda."""
    official, now = context.staff["official"], timezone.now()
    body = bodies.body_create(
        actor=official,
        community=context.community,
        name="Рада з питань внутрішньо переміщених осіб",
        kind="idp_council",
        description="Консультативно-дорадчий орган при раді: голос переселенців у рішеннях громади.",
    )
    bodies.body_member_add(body=body, actor=official, organisation=zoriany, role="chair")
    bodies.body_member_add(body=body, actor=official, organisation=svitanok, role="member")
    bodies.body_member_add(body=body, actor=official, user=context.residents[0], role="member")
    held = bodies.meeting_schedule(
        body=body,
        actor=official,
        starts_at=now - timedelta(days=40),
        place="Дніпро, тимчасове приміщення ради, зала 2",
        agenda="1. Житло для переселенців у Дніпрі.\n2. Графік виїзних прийомів ЦНАП.",
    )
    held = bodies.minutes_publish(
        meeting=held,
        actor=official,
        minutes="Присутні 9 з 11 членів. Заслухали інформацію про модульне містечко та чергу на житло.",
        decisions=[
            "Рекомендувати раді передбачити компенсацію оренди житла для багатодітних родин ВПО.",
            "Просити ЦНАП проводити виїзний прийом у Дніпрі двічі на місяць.",
        ],
    )
    bodies.decision_send(decision=held.decisions.all()[0], actor=official)
    bodies.meeting_schedule(
        body=body,
        actor=official,
        starts_at=now + timedelta(days=12),
        place="Онлайн і в Дніпрі",
        agenda="1. Звіт про виконання рекомендацій.\n2. Пропозиції до громадського бюджету.",
    )
