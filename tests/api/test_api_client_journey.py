"""A typed client generated from the committed schema (openapi-python-client, issue 18) drives a
real server: a resident proposes a project, an official reviews it, a resident's petition is
published, another resident signs it and an official answers it — every step over HTTP through
the generated client, with the same services, permissions and audit as the pages."""

from __future__ import annotations

import importlib
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from uchast.accounts import services as account_services
from uchast.api.management.commands.apischema import COMMITTED
from uchast.budget import services as budget_services
from uchast.budget.models import BallotRule, CountingRule, Phase, Project, ProjectStatus
from uchast.core.models import AuditEntry
from uchast.petitions.models import Petition, PetitionStatus
from uchast.testing.factories import make_verified_resident

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The client generated into a temporary folder and imported from there."""
    root = tmp_path_factory.mktemp("client")
    config = root / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run: the generated code is used as it is
    subprocess.run(
        [str(GENERATOR), "generate", "--path", str(COMMITTED), "--output-path", str(root / "uchast_client"),
         "--meta", "none", "--config", str(config)],
        check=True, capture_output=True, cwd=root, timeout=300,
    )  # fmt: skip
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("uchast_client")
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == "uchast_client" or n.startswith("uchast_client.")]:
            del sys.modules[name]


def _operation(package: Any, tag: str, operation_id: str) -> Any:
    return importlib.import_module(f"{package.__name__}.api.{tag}.{operation_id}")


def _client(package: Any, live_server: Any, key: str) -> Any:
    return package.AuthenticatedClient(base_url=live_server.url, token=key, raise_on_unexpected_status=True)


def _setup(community: Any, administrator: Any) -> Any:
    community.statute = {**(community.statute or {}), "petition_threshold": 1}
    community.save()
    start = timezone.now() - timedelta(days=1)  # submission opened yesterday
    dates = {
        "submission_opens": start,
        "review_opens": start + timedelta(days=30),
        "revision_opens": start + timedelta(days=50),
        "voting_opens": start + timedelta(days=60),
        "voting_closes": start + timedelta(days=75),
    }
    cycle = budget_services.cycle_create(
        community=community, actor=administrator, title="Бюджет участі 2027", year=2027, dates=dates
    )
    budget_services.cycle_advance(cycle=cycle)
    category = budget_services.category_save(
        cycle=cycle,
        actor=administrator,
        values={
            "name": "Загальні",
            "budget": 100_000_000,
            "min_cost": 1_000_000,
            "max_cost": 60_000_000,
            "ballot_rule": BallotRule.UP_TO_N,
            "max_selected": 2,
            "min_selected": 1,
            "counting_rule": CountingRule.GREEDY,
        },
    )
    return cycle, category


def test_generated_client_journey(
    client_package: Any, live_server: Any, community: Any, administrator: Any, official: Any, moderator: Any
) -> None:
    cycle, category = _setup(community, administrator)
    resident = make_verified_resident(community, email="resident@example.org", full_name="Ірина Коваль")
    author = make_verified_resident(community, email="author@example.org", full_name="Петро Гнатюк")
    keys = {
        "resident": account_services.api_token_create(user=resident, name="journey")[1],
        "author": account_services.api_token_create(user=author, name="journey")[1],
        # Staff tokens: created right after the second factor (the profile page's path is tested in accounts).
        "official": account_services.api_token_create(
            user=official, name="journey", scopes=("read", "staff"), second_factor_recent=True
        )[1],
        "moderator": account_services.api_token_create(
            user=moderator, name="journey", scopes=("read", "staff"), second_factor_recent=True
        )[1],
    }
    models = importlib.import_module("uchast_client.models")
    as_ = {who: _client(client_package, live_server, key) for who, key in keys.items()}

    # 1. A resident proposes a project and submits it.
    propose = _operation(client_package, "budget", "uchast_budget_api_write_propose_project")
    body = models.ProjectIn.from_dict(
        {
            "category_id": category.pk,
            "title": "Укриття для школи № 3",
            "summary": "Облаштувати укриття в підвалі школи",
            "description": "Вентиляція, освітлення, лави й запас води на 300 учнів.",
            "expected_result": "Діти навчаються під час тривог",
            "beneficiaries": "Учні та вчителі школи № 3",
            "costs": [{"description": "Роботи", "quantity": 1, "unit_price_kopiykas": 25_000_000}],
            "submit": True,
            "accept_rules": True,
        }
    )
    proposed = propose.sync_detailed(cycle_id=cycle.pk, client=as_["resident"], body=body)
    assert proposed.status_code == 201, proposed.content
    assert proposed.parsed.status == "submitted"
    project = Project.objects.get(pk=proposed.parsed.id)
    assert project.author == resident

    # 2. Review opens; an official admits the project.
    budget_services.cycle_set_phase(cycle=cycle, phase=Phase.REVIEW, actor=administrator)
    review = _operation(client_package, "budget", "uchast_budget_api_write_review_project")
    # A resident's token may not review.
    verdict = models.ReviewIn(conclusion="admitted", public_reason="Відповідає всім вимогам положення.")
    refused = review.sync_detailed(project_id=project.pk, client=as_["resident"], body=verdict)
    assert refused.status_code == 403
    for check in ("within_powers", "community_property", "realistic_cost", "no_duplicate"):
        setattr(verdict, check, True)
    reviewed = review.sync_detailed(project_id=project.pk, client=as_["official"], body=verdict)
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.parsed.status == ProjectStatus.ADMITTED

    # 3. Another resident's petition: created, submitted, published by a moderator.
    create = _operation(client_package, "petitions", "uchast_petitions_api_write_create_petition")
    draft = create.sync(
        client=as_["author"],
        body=models.PetitionIn(
            title="Продовжити маршрут автобуса № 7 до модульного містечка",
            text="Просимо продовжити маршрут, щоб переселенці могли дістатися до лікарні без пересадок.",
        ),
    )
    assert draft.status == PetitionStatus.DRAFT
    submit = _operation(client_package, "petitions", "uchast_petitions_api_write_submit_petition")
    assert submit.sync(petition_id=draft.id, client=as_["author"]).status == PetitionStatus.MODERATION
    publish = _operation(client_package, "petitions", "uchast_petitions_api_write_publish_petition")
    assert publish.sync(petition_id=draft.id, client=as_["moderator"]).status == PetitionStatus.COLLECTING

    # 4. The resident signs it (the threshold of one signature starts consideration).
    sign = _operation(client_package, "petitions", "uchast_petitions_api_sign_petition")
    signed = sign.sync_detailed(petition_id=draft.id, client=as_["resident"], body=models.SignatureIn(display="name"))
    assert signed.status_code in (200, 201), signed.content
    assert Petition.objects.get(pk=draft.id).status == PetitionStatus.CONSIDERATION

    # 5. An official answers.
    answer = _operation(client_package, "petitions", "uchast_petitions_api_write_answer_petition")
    answered = answer.sync(
        petition_id=draft.id,
        client=as_["official"],
        body=models.AnswerIn(outcome="supported", text="Маршрут продовжено з 1 січня, розклад на сайті ради."),
    )
    assert answered.status == PetitionStatus.ANSWERED and answered.answer_outcome == "supported"

    # The same audit as the pages.
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"budget.project_reviewed", "petition.answered"} <= actions, actions
