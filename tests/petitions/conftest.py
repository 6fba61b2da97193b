from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def petition_community(community: Any) -> Any:
    community.statute = {
        "petition_threshold": 3,
        "petition_collection_days": 30,
        "petition_moderation_working_days": 2,
        "petition_answer_working_days": 10,
        "petition_max_open_per_author": 2,
    }
    community.holidays_are_working_days = False
    community.save()
    return community


@pytest.fixture
def author(petition_community: Any) -> Any:
    from uchast.testing.factories import make_verified_resident

    return make_verified_resident(petition_community, full_name="Олена Шевчук", email="author@example.org")


@pytest.fixture
def collecting(petition_community: Any, author: Any, moderator: Any) -> Any:
    from uchast.petitions import services

    petition = services.petition_create(
        author=author,
        community=petition_community,
        title="Відкрити пункт видачі гуманітарної допомоги для ВПО у Дніпрі",
        text="Просимо відкрити постійний пункт видачі допомоги з графіком роботи у вихідні дні.",
    )
    petition = services.petition_submit(petition=petition, actor=author)
    return services.petition_publish(petition=petition, actor=moderator)
