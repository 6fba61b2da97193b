"""A newcomer never gets stuck: ``next`` kept through sign-up and the e-mail link, the e-mail sent
again or to a corrected address (issue 14)."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from uchast.accounts import services
from uchast.accounts.models import User
from uchast.core.errors import ActionRefused
from uchast.testing.factories import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "zoriansk-rebuilds-2026"
NEXT = "/petitions/7/"


def _signup(client: Client, email: str, next_url: str = NEXT) -> None:
    response = client.post(
        reverse("account_signup") + f"?next={next_url}",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, "full_name": "Нова", "next": next_url},
    )
    assert response.status_code == 302, response.content.decode()


def _link(to: str) -> str:
    message = [m for m in mail.outbox if to in m.to][-1]
    found = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", message.body)
    assert found, message.body
    return "/" + found.group(0).split("/", 3)[3]


def test_the_link_keeps_next_and_ends_there_even_in_another_browser(community) -> None:
    _signup(Client(), "nova@example.org")
    link = _link("nova@example.org")
    assert link.endswith("?next=%2Fpetitions%2F7%2F")
    other = Client()  # a mail app's browser: no pending sign-up in its session
    page = other.get(link).content.decode()
    assert 'name="next" value="/petitions/7/"' in page
    response = other.post(link.split("?")[0], {"next": NEXT})
    assert response.status_code == 302 and response["Location"] == NEXT
    assert EmailAddress.objects.get(email="nova@example.org").verified


def test_the_same_browser_is_signed_in_and_returns_to_next(community) -> None:
    client = Client()
    _signup(client, "same@example.org")
    page = client.get(reverse("account_email_verification_sent")).content.decode()
    assert "Підтвердьте свою адресу електронної пошти" in page
    assert reverse("accounts:confirmation_help") + "?next=/petitions/7/" in page
    link = _link("same@example.org")
    response = client.post(link.split("?")[0], {"next": NEXT})
    assert response["Location"] == NEXT
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_send_again_after_the_wait_and_refusals(community) -> None:
    _signup(Client(), "again@example.org")
    helper = Client()
    url = reverse("accounts:confirmation_help")
    assert helper.get(url + "?next=" + NEXT).status_code == 200
    # Right after sign-up: allauth's one e-mail per three minutes applies; said plainly.
    response = helper.post(url, {"email": "again@example.org", "password": PASSWORD, "next": NEXT})
    assert response.status_code == 429 and "кілька хвилин тому" in response.content.decode()
    cache.clear()  # three minutes later
    sent = len(mail.outbox)
    response = helper.post(url, {"email": "again@example.org", "password": PASSWORD, "next": NEXT})
    assert response.status_code == 302 and len(mail.outbox) == sent + 1
    assert _link("again@example.org").endswith("?next=%2Fpetitions%2F7%2F")
    # A wrong password, or an account already confirmed: refused, nothing sent.
    make_user(email="done@example.org")
    for email, password in (("again@example.org", "wrong-password"), ("done@example.org", TEST_PASSWORD)):
        response = helper.post(url, {"email": email, "password": password})
        assert response.status_code == 400
        assert "не відповідають обліковому запису" in response.content.decode()
    assert len(mail.outbox) == sent + 1
    with pytest.raises(ActionRefused) as refused:
        services.unconfirmed_email_resend(
            request=RequestFactory().post(url), email="again@example.org", password="wrong", new_email="x@example.org"
        )
    assert refused.value.code == "not_waiting"
    assert User.objects.filter(email="again@example.org").exists()


def test_correct_a_mistyped_address_before_confirming(community) -> None:
    _signup(Client(), "olena@exmple.org")
    response = Client().post(
        reverse("accounts:confirmation_help"),
        {"email": "olena@exmple.org", "password": PASSWORD, "new_email": "olena@example.org", "next": NEXT},
    )
    assert response.status_code == 302
    user = User.objects.get(email="olena@example.org")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("olena@example.org", False)
    ]
    response = Client().post(_link("olena@example.org").split("?")[0], {"next": NEXT})
    assert response["Location"] == NEXT
    assert EmailAddress.objects.get(user=user).verified


def test_a_corrected_address_of_another_account_changes_nothing_and_reveals_nothing(community) -> None:
    make_user(email="taken@example.org")
    _signup(Client(), "mine@example.org")
    response = Client().post(
        reverse("accounts:confirmation_help"),
        {"email": "mine@example.org", "password": PASSWORD, "new_email": "taken@example.org"},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="mine@example.org").exists()
    assert "taken@example.org" in mail.outbox[-1].to


def test_header_sign_in_and_sign_up_return_to_the_page(community) -> None:
    page = Client().get(reverse("core:about")).content.decode()
    about = reverse("core:about").replace("/", "%2F")
    assert f'{reverse("account_login")}?next={about}"' in page
    assert f'{reverse("account_signup")}?next={about}"' in page


def test_allauth_and_password_texts_read_as_ukrainian(community) -> None:
    page = Client().get(reverse("account_signup")).content.decode()
    assert "Уже маєте обліковий запис? Тоді" in page and "увійдіть" in page
    assert "будь ласка, увійти" not in page
    response = Client().post(
        reverse("account_signup"),
        {"email": "n@example.org", "password1": "84736251946", "password2": "84736251946", "full_name": "Н"},
    )
    html = response.content.decode()
    assert "Пароль складається лише з цифр." in html and "складається лише із цифр" not in html
    page = Client().get(reverse("account_login")).content.decode()
    assert "Пароль" in page and "ятати мене" in page and "Мене" not in page
