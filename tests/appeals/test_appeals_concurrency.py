"""\"Me too\" once per person under real parallel requests (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from uchast.appeals import services
from uchast.appeals.models import MeToo, ProblemReport
from uchast.testing.factories import CommunityFactory, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARALLEL = 24


def test_parallel_me_too_counts_each_person_once() -> None:
    community = CommunityFactory()
    author = make_user()
    report = services.report_create(author=author, community=community, title="Зачинене укриття", address="Школа №1")
    repeater = make_user()
    others = [make_user() for _ in range(PARALLEL // 2)]
    people = others + [repeater] * (PARALLEL - len(others))  # one person many times, the rest once each
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(people))

    def press(user: Any) -> None:
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            response = client.post(reverse("appeals:metoo", args=[report.pk]))
            with lock:
                statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(people)  # a refusal is a message, never a 500
    report.refresh_from_db()
    assert MeToo.objects.filter(report=report).count() == len(others) + 1
    assert report.metoo_count == len(others) + 1
    assert ProblemReport.objects.get(pk=report.pk).metoo_count == MeToo.objects.count()
