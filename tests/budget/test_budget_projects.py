from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from uchast.budget import services
from uchast.budget.models import BudgetCycle, Phase, ProjectStatus
from uchast.budget.services import BudgetError, CostLine
from uchast.core.errors import ActionRefused

from .conftest import CHECKS, dates_around, make_category, project_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(community: Any, administrator: Any) -> BudgetCycle:
    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="ГБ",
        year=2026,
        dates=dates_around(timezone.now(), "submission"),
    )
    services.cycle_advance(cycle=cycle)
    return cycle


def test_cost_table_total_and_limits(cycle: BudgetCycle, administrator: Any, author: Any) -> None:
    category = make_category(cycle, administrator)
    draft = services.project_save_draft(
        cycle=cycle,
        author=author,
        category=category,
        district=None,
        values=project_values(),
        costs=[CostLine("Двері", 2, 15_000_00), CostLine("Вентиляція", 1, 1_000_000_00)],
    )
    assert draft.total_cost == 2 * 15_000_00 + 1_000_000_00
    with pytest.raises(BudgetError) as error:
        services.project_submit(project=draft, author=author, accept_rules=True)
    assert error.value.code == "cost_out_of_limits"
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT
    with pytest.raises(BudgetError) as error:
        services.project_submit(project=draft, author=author, accept_rules=False)
    assert error.value.code == "rules_not_accepted"


def test_unverified_author_cannot_submit(cycle: BudgetCycle, administrator: Any, resident: Any) -> None:
    category = make_category(cycle, administrator)
    draft = services.project_save_draft(
        cycle=cycle,
        author=resident,
        category=category,
        district=None,
        values=project_values(),
        costs=[CostLine("Роботи", 1, 50_000_00)],
    )
    with pytest.raises(ActionRefused) as error:
        services.project_submit(project=draft, author=resident, accept_rules=True)
    assert error.value.code == "not_eligible"


def test_forged_category_is_refused(community: Any, cycle: BudgetCycle, administrator: Any, author: Any) -> None:
    other = services.cycle_create(
        community=community, actor=administrator, title="інший", year=2027, dates=dates_around(timezone.now(), "draft")
    )
    foreign = make_category(other, administrator)
    with pytest.raises(BudgetError) as error:
        services.project_save_draft(
            cycle=cycle, author=author, category=foreign, district=None, values=project_values(), costs=[]
        )
    assert error.value.code == "forged_category"


def test_review_revision_and_appeal(cycle: BudgetCycle, administrator: Any, official: Any, author: Any) -> None:
    category = make_category(cycle, administrator)
    projects = []
    for title in ("Перший", "Другий"):
        draft = services.project_save_draft(
            cycle=cycle,
            author=author,
            category=category,
            district=None,
            values=project_values(title),
            costs=[CostLine("Роботи", 1, 50_000_00)],
        )
        projects.append(services.project_submit(project=draft, author=author, accept_rules=True))
    first, second = projects
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    services.project_assign(project=first, actor=administrator, reviewer=official, department="Відділ освіти")
    with pytest.raises(BudgetError) as error:
        services.review_record(
            project=first,
            reviewer=official,
            conclusion="admitted",
            public_reason="ok",
            checklist={**CHECKS, "realistic_cost": False},
        )
    assert error.value.code == "checklist_incomplete"
    with pytest.raises(BudgetError):
        services.review_record(
            project=first, reviewer=official, conclusion="rejected", public_reason=" ", checklist=CHECKS
        )
    services.review_record(
        project=first,
        reviewer=official,
        conclusion="needs_revision",
        public_reason="Уточніть кошторис",
        checklist=CHECKS,
    )
    services.review_record(
        project=second,
        reviewer=official,
        conclusion="rejected",
        public_reason="Не комунальна власність",
        checklist=CHECKS,
    )
    # Revision is only possible in the revision phase.
    with pytest.raises(BudgetError):
        services.project_revise(project=first, author=author, values={}, costs=[CostLine("Роботи", 1, 60_000_00)])
    services.cycle_set_phase(cycle=cycle, phase=Phase.REVISION, actor=administrator)
    services.project_revise(project=first, author=author, values={}, costs=[CostLine("Роботи", 1, 60_000_00)])
    assert first.status == ProjectStatus.SUBMITTED and first.total_cost == 60_000_00
    services.review_record(
        project=first,
        reviewer=official,
        conclusion="admitted",
        public_reason="Виправлено",
        checklist=CHECKS,
        corrected_costs=[CostLine("Роботи (уточнено)", 1, 55_000_00)],
    )
    first.refresh_from_db()
    assert first.status == ProjectStatus.ADMITTED and first.total_cost == 55_000_00
    services.project_appeal(project=second, author=author, text="Ділянка передана громаді у 2024 році")
    with pytest.raises(BudgetError):
        services.review_record(
            project=second, reviewer=official, conclusion="needs_revision", public_reason="x", checklist=CHECKS
        )
    services.review_record(
        project=second, reviewer=official, conclusion="rejected", public_reason="Підтверджено", checklist=CHECKS
    )
    with pytest.raises(BudgetError) as error:
        services.project_appeal(project=second, author=author, text="Ще раз")
    assert error.value.code == "appeal_used"


def test_image_is_resized_and_stripped(
    cycle: BudgetCycle, administrator: Any, author: Any, settings: Any, tmp_path: Any
) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path)
    category = make_category(cycle, administrator)
    image = Image.new("RGB", (3000, 1000), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (50.0, 27.0, 0.0)}  # GPSInfo
    raw = io.BytesIO()
    image.save(raw, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("photo.jpg", raw.getvalue(), content_type="image/jpeg")
    project = services.project_save_draft(
        cycle=cycle, author=author, category=category, district=None, values=project_values(), costs=[], image=upload
    )
    with Image.open(project.image.path) as stored:
        assert max(stored.size) <= 1600
        assert not stored.getexif()


def _image() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from uchast.testing.files import png_bytes

    return SimpleUploadedFile("фото.png", png_bytes(), content_type="image/png")


def test_a_draft_failing_after_its_image_is_written_keeps_no_image(
    cycle: BudgetCycle, administrator: Any, author: Any, monkeypatch: Any
) -> None:
    from django.db import IntegrityError

    from uchast.budget.models import Project
    from uchast.budget.services import projects
    from uchast.testing.files import stored_files

    def cost_table_fails(*args: Any, **kwargs: Any) -> int:
        raise IntegrityError("a cost line breaks a constraint after the image was written")

    category = make_category(cycle, administrator)
    monkeypatch.setattr(projects, "write_costs", cost_table_fails)
    with pytest.raises(IntegrityError):
        services.project_save_draft(
            cycle=cycle,
            author=author,
            category=category,
            district=None,
            values=project_values(),
            costs=[],
            image=_image(),
        )
    assert not Project.objects.exists()
    assert stored_files() == []


def test_a_replaced_image_leaves_once_the_change_commits(
    cycle: BudgetCycle, administrator: Any, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from uchast.testing.files import stored_files

    category = make_category(cycle, administrator)
    values = {"cycle": cycle, "author": author, "category": category, "district": None, "values": project_values()}
    project = services.project_save_draft(**values, costs=[], image=_image())
    first = f"media/{project.image.name}"
    assert stored_files() == [first]
    with django_capture_on_commit_callbacks(execute=True):
        project = services.project_save_draft(**values, costs=[], project=project, image=_image())
    assert stored_files() == [f"media/{project.image.name}"] != [first]
