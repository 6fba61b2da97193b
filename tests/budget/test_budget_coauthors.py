"""Co-authors invited by e-mail (issue 5, item 3), through the real SMTP server."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from uchast.budget import services
from uchast.budget.models import BudgetCycle, CoauthorInvitation, Project
from uchast.budget.services import BudgetError, CostLine
from uchast.testing.factories import make_user

from .conftest import dates_around, make_category, project_values

pytestmark = pytest.mark.django_db


def _body(message: Any) -> str:
    if message.is_multipart():
        return "".join(_body(part) for part in message.iter_parts())
    return str(message.get_content())


@pytest.fixture
def draft(community: Any, administrator: Any, author: Any) -> Project:
    cycle = services.cycle_create(
        community=community,
        actor=administrator,
        title="ГБ",
        year=2026,
        dates=dates_around(timezone.now(), "submission"),
    )
    services.cycle_advance(cycle=cycle)
    assert isinstance(cycle, BudgetCycle)
    return services.project_save_draft(
        cycle=cycle,
        author=author,
        category=make_category(cycle, administrator),
        district=None,
        values=project_values("Спільний проєкт"),
        costs=[CostLine("Роботи", 1, 50_000_00)],
    )


def _refused(code: str, call: Any) -> None:
    with pytest.raises(BudgetError) as caught:
        call()
    assert caught.value.code == code, caught.value.code


def _token(text: str) -> str:
    match = re.search(r"/budget/invitations/([A-Za-z0-9_-]+)/", text)
    assert match, text
    return match.group(1)


def test_invite_new_address_accept_and_edit(
    draft: Project, author: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.coauthor_invite(project=draft, author=author, email=" Maria@Example.org ")
    assert invitation.email == "maria@example.org"
    assert invitation.token_hash == services.invitation_token_hash(token) and token not in invitation.token_hash
    (message,) = smtp_server.wait_for("maria@example.org")
    body = _body(message)
    assert "Спільний проєкт" in body and "invites you to co-author" in body  # Ukrainian and the English copy
    assert "запрошує" in body
    assert _token(body) == token

    # She registers later; before her address is verified the invitation is refused.
    maria = make_user(email="other@example.org")
    EmailAddress.objects.create(user=maria, email="maria@example.org", verified=False)
    _refused("wrong_account", lambda: services.coauthor_accept(token=token, user=maria))
    _refused("invalid_token", lambda: services.coauthor_accept(token=token + "x", user=maria))
    EmailAddress.objects.filter(user=maria, email="maria@example.org").update(verified=True)

    client = Client()
    client.force_login(maria)
    url = reverse("budget:invitation", args=[token])
    assert "Спільний проєкт" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert list(draft.coauthors.all()) == [maria]
    from uchast.budget.selectors import personal_data

    assert personal_data(maria)["coauthored"] == ["Спільний проєкт"]
    page = client.get(reverse("budget:project", args=[draft.pk])).content.decode()
    assert maria.display_name in page and reverse("budget:project_edit", args=[draft.pk]) in page
    assert client.get(reverse("budget:project_edit", args=[draft.pk])).status_code == 200
    services.project_save_draft(
        cycle=draft.cycle,
        author=maria,
        category=draft.category,
        district=None,
        values={"title": "Спільний проєкт, доповнений"},
        costs=[CostLine("Роботи", 2, 30_000_00)],
        project=draft,
    )
    assert Project.objects.get(pk=draft.pk).title == "Спільний проєкт, доповнений"

    # Used: refused with a clear message, nothing changes.
    page = client.post(url).content.decode()
    assert "вже прийнято" in page
    assert draft.coauthors.count() == 1


def test_invite_existing_account_in_its_language(
    draft: Project, author: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    petro = make_user(email="petro@example.org", preferred_language="en")
    EmailAddress.objects.get_or_create(user=petro, email="petro@example.org", defaults={"verified": True})
    EmailAddress.objects.filter(user=petro).update(verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = services.coauthor_invite(project=draft, author=author, email="petro@example.org")
    (message,) = smtp_server.wait_for("petro@example.org")
    body = _body(message)
    assert "invites you to co-author" in body and "запрошує" not in body
    assert "Invitation to co-author" in str(message["Subject"])
    _refused(
        "already_invited", lambda: services.coauthor_invite(project=draft, author=author, email="petro@example.org")
    )
    # A stranger signed in with another account cannot use the link.
    stranger = make_user(email="stranger@example.org")
    _refused("wrong_account", lambda: services.coauthor_accept(token=_token(body), user=stranger))
    services.coauthor_accept(token=token, user=petro)
    _refused(
        "already_coauthor", lambda: services.coauthor_invite(project=draft, author=author, email="petro@example.org")
    )


def test_refusals(draft: Project, author: Any, community: Any) -> None:
    other = make_user(email="someone@example.org")
    _refused("bad_email", lambda: services.coauthor_invite(project=draft, author=author, email="not-an-address"))
    _refused("not_author", lambda: services.coauthor_invite(project=draft, author=other, email="x@example.org"))
    _refused("already_coauthor", lambda: services.coauthor_invite(project=draft, author=author, email=author.email))
    invitation, token = services.coauthor_invite(project=draft, author=author, email="late@example.org")
    late = make_user(email="late@example.org")
    EmailAddress.objects.update_or_create(user=late, email="late@example.org", defaults={"verified": True})
    CoauthorInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    _refused("expired_token", lambda: services.coauthor_accept(token=token, user=late))
    assert draft.coauthors.count() == 0
    # A co-author may not invite others, nor edit a non-member's draft; outsiders get 404 on the draft.
    client = Client()
    client.force_login(other)
    assert client.get(reverse("budget:project", args=[draft.pk])).status_code == 404
    assert client.get(reverse("budget:coauthor_invite", args=[draft.pk])).status_code in (403, 404)
    assert Client().get(reverse("budget:invitation", args=[token])).status_code in (302, 403)


def test_invite_form(draft: Project, author: Any, smtp_server: Any) -> None:
    client = Client()
    client.force_login(author)
    url = reverse("budget:coauthor_invite", args=[draft.pk])
    assert client.post(url, {"email": "bad"}).status_code == 400
    assert not CoauthorInvitation.objects.exists()
    assert client.post(url, {"email": "friend@example.org"}).status_code == 302
    assert CoauthorInvitation.objects.get().email == "friend@example.org"


def test_no_plain_token_is_stored_in_any_notification(
    draft: Project, author: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from uchast.core.models import Notification

    petro = make_user(email="petro@example.org")
    EmailAddress.objects.update_or_create(user=petro, email="petro@example.org", defaults={"verified": True})
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = services.coauthor_invite(project=draft, author=author, email="petro@example.org")
    (message,) = smtp_server.wait_for("petro@example.org")
    assert _token(_body(message)) == token  # the e-mail carries the link
    stored = Notification.objects.get(user=petro)
    assert stored.emailed_at is not None
    assert "«Спільний проєкт»" in stored.subject and "e-mail" in stored.body or "листі" in stored.body
    for row in Notification.objects.values_list("subject", "body", "url"):
        assert all(token not in value and "/budget/invitations/" not in value for value in row)


def test_author_revokes_a_pending_invitation(
    draft: Project, author: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from uchast.core.models import AuditEntry

    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.coauthor_invite(project=draft, author=author, email="olha@example.org")
    olha = make_user(email="olha@example.org")
    EmailAddress.objects.update_or_create(user=olha, email="olha@example.org", defaults={"verified": True})

    # The author sees the pending invitation with a button on the project page and the invite page.
    client = Client()
    client.force_login(author)
    revoke = reverse("budget:coauthor_revoke", args=[draft.pk, invitation.pk])
    for url in (reverse("budget:project", args=[draft.pk]), reverse("budget:coauthor_invite", args=[draft.pk])):
        page = client.get(url).content.decode()
        assert "olha@example.org" in page and revoke in page, url

    # Only the author: a co-author, a stranger and an anonymous visitor change nothing.
    coauthor = make_user(email="co@example.org")
    draft.coauthors.add(coauthor)
    _refused("not_author", lambda: services.coauthor_revoke(invitation=invitation, author=coauthor))
    other = Client()
    other.force_login(coauthor)
    assert other.post(revoke).status_code == 403
    assert Client().post(revoke).status_code in (302, 403, 404)  # a draft's existence is not leaked
    assert client.get(revoke).status_code == 405  # POST only
    assert CoauthorInvitation.objects.get(pk=invitation.pk).revoked_at is None

    response = client.post(revoke, {"back": "coauthors"})
    assert response.status_code == 302 and response["Location"] == reverse("budget:coauthor_invite", args=[draft.pk])
    assert CoauthorInvitation.objects.get(pk=invitation.pk).revoked_at is not None
    entry = AuditEntry.objects.get(action="budget.coauthor_invitation_revoked")
    assert entry.summary == {"invitation": invitation.pk}
    assert revoke not in client.get(reverse("budget:project", args=[draft.pk])).content.decode()

    # Twice: a clear message, no error page.
    response = client.post(revoke, follow=True)
    assert response.status_code == 200 and "відкликав" in response.content.decode()
    _refused("revoked_token", lambda: services.coauthor_revoke(invitation=invitation, author=author))

    # The link no longer works: a clear message already on opening it, and accepting changes nothing.
    invited = Client()
    invited.force_login(olha)
    url = reverse("budget:invitation", args=[token])
    page = invited.get(url).content.decode()
    assert "відкликав" in page and 'type="submit"' not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert "відкликав" in invited.post(url).content.decode()
    _refused("revoked_token", lambda: services.coauthor_accept(token=token, user=olha))
    assert draft.coauthors.filter(pk=olha.pk).exists() is False

    # A new invitation to the same address may be sent after a withdrawal.
    services.coauthor_invite(project=draft, author=author, email="olha@example.org")


def test_accepted_and_expired_invitations_cannot_be_revoked(draft: Project, author: Any) -> None:
    accepted, token = services.coauthor_invite(project=draft, author=author, email="ivan@example.org")
    ivan = make_user(email="ivan@example.org")
    EmailAddress.objects.update_or_create(user=ivan, email="ivan@example.org", defaults={"verified": True})
    services.coauthor_accept(token=token, user=ivan)
    _refused("used_token", lambda: services.coauthor_revoke(invitation=accepted, author=author))
    expired, _token_value = services.coauthor_invite(project=draft, author=author, email="late@example.org")
    CoauthorInvitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    _refused("expired_token", lambda: services.coauthor_revoke(invitation=expired, author=author))
    # Neither is listed as pending on the author's page.
    client = Client()
    client.force_login(author)
    page = client.get(reverse("budget:project", args=[draft.pk])).content.decode()
    assert "late@example.org" not in page and "ivan@example.org" not in page
    # Another project's invitation is not reachable through this project's URL.
    revoke = reverse("budget:coauthor_revoke", args=[draft.pk + 1000, expired.pk])
    assert client.post(revoke).status_code == 404
