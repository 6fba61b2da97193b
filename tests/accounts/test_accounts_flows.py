from __future__ import annotations

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from uchast.accounts.models import User
from uchast.core.models import AuditEntry
from uchast.testing.factories import TEST_PASSWORD, current_totp_code, make_user, sign_in_reauthenticated

pytestmark = pytest.mark.django_db


def test_signup_confirm_login_through_real_smtp(client, community, smtp_server):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "nova@example.org",
            "password1": "zoriansk-rebuilds-2026",
            "password2": "zoriansk-rebuilds-2026",
            "full_name": "Нова Мешканка",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nova@example.org")
    assert user.full_name == "Нова Мешканка"
    assert user.password.startswith(("argon2", "md5"))  # md5 only under UCHAST_TESTING for speed
    (message,) = smtp_server.wait_for("nova@example.org")
    body = smtp_server.body(message)
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", body)
    assert link, body
    path = "/" + link.group(0).split("/", 3)[3]
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nova@example.org").verified
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_signup_with_bad_input_keeps_nothing(client, community):
    response = client.post(
        reverse("account_signup"), {"email": "not-an-email", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert not User.objects.exists()


def test_unconfirmed_email_cannot_log_in(client, community):
    make_user(email="unconfirmed@example.org", verified_email=False)
    response = client.post(reverse("account_login"), {"login": "unconfirmed@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]


def test_login_rate_limit_blocks_guessing(client, community, resident):
    statuses = []
    for _ in range(7):
        response = client.post(reverse("account_login"), {"login": resident.email, "password": "wrong-password"})
        statuses.append(response.status_code)
    assert statuses == [200] * 7
    assert "Занадто багато невдалих спроб входу" in response.content.decode()
    # Even the right password is refused while the limit holds.
    response = client.post(reverse("account_login"), {"login": resident.email, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_staff_without_totp_must_enrol_first(client, community):
    official = make_user("official", totp=False)
    client.force_login(official)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_staff_login_asks_for_second_factor(client, community, official):
    response = client.post(reverse("account_login"), {"login": official.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert "/2fa/authenticate" in response["Location"]
    assert "_auth_user_id" not in client.session
    response = client.post(response["Location"], {"code": current_totp_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(official.pk)
    assert client.get("/").status_code == 200


def test_profile_update_and_validation(client, community, resident):
    client.force_login(resident)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Олена Ш.", "preferred_language": "en", "notify_answers": "on"},
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.full_name == "Олена Ш."
    assert resident.notification_preferences == {
        "answers": True,
        "followed": False,
        "new_processes": False,
        "announcements": False,
    }
    response = client.post(reverse("accounts:profile"), {"full_name": "", "preferred_language": "xx"})
    assert response.status_code == 400  # the form is shown again with its errors (core.web.form_action)
    resident.refresh_from_db()
    assert resident.full_name == "Олена Ш."


def test_data_download_has_everything_about_me_and_nobody_else(client, community, resident, official):
    client.force_login(resident)
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == resident.email
    assert data["email_addresses"] == [{"email": resident.email, "verified": True, "primary": True}]
    assert official.email not in response.content.decode()


def test_account_deletion_anonymises_and_keeps_audit_chain(client, community, resident):
    from uchast.core import audit

    sign_in_reauthenticated(client, resident)  # deletion asks for the password again (test_accounts_staff_audit)
    assert client.post(reverse("accounts:delete"), {"confirm": "no"}).status_code == 400  # the form again
    resident.refresh_from_db()
    assert resident.is_active
    response = client.post(reverse("accounts:delete"), {"confirm": "ВИДАЛИТИ"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert not resident.is_active and resident.anonymised_at is not None
    assert "olena" not in resident.email and resident.full_name == ""
    assert not resident.has_usable_password()
    assert not EmailAddress.objects.filter(user=resident).exists()
    assert AuditEntry.objects.filter(action="accounts.account_deleted").count() == 1
    assert audit.verify_chain().ok
    assert "_auth_user_id" not in client.session


def test_profile_pages_need_login(client, community):
    for name in ("accounts:profile", "accounts:export", "accounts:delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_api_token_is_shown_once_and_stored_hashed(client, community, resident):
    from uchast.accounts.models import ApiToken

    client.force_login(resident)
    response = client.post(reverse("accounts:token_create"), {"name": "мій скрипт"})
    assert response.status_code == 201
    key = re.search(r'value="(uch_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert not ApiToken.objects.exists()


def test_someone_elses_token_cannot_be_revoked(client, community, resident):
    from uchast.accounts import services
    from uchast.accounts.models import ApiToken

    other = make_user()
    token, _key = services.api_token_create(user=other, name="чужий")
    client.force_login(resident)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "Не знайдено." in response.content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_password_reset_through_real_smtp(client, community, resident, smtp_server):
    response = client.post(reverse("account_reset_password"), {"email": resident.email})
    assert response.status_code == 302
    (message,) = smtp_server.wait_for(resident.email)
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", smtp_server.body(message)).group(0)
    path = "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_path, {"password1": "nova-parol-dlia-zoriansk", "password2": "nova-parol-dlia-zoriansk"}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password("nova-parol-dlia-zoriansk")


def test_password_reset_for_unknown_address_reveals_nothing(client, community, smtp_server):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302  # same answer as for a real account: no enumeration


def test_email_change_needs_confirmation(client, community, resident, smtp_server):
    client.force_login(resident)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "olena.new@example.org"})
    assert response.status_code == 302
    (message,) = smtp_server.wait_for("olena.new@example.org")
    assert "confirm-email" in smtp_server.body(message)
    resident.refresh_from_db()
    assert resident.email == "olena@example.org"  # unchanged until the new address is confirmed
