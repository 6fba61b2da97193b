"""Staff sign in one way: the Django admin's login form is not a door (it skipped the second factor
and was never throttled); it sends people to the one sign-in page, which asks for the TOTP code."""

from __future__ import annotations

from django.urls import reverse

from uchast.testing.factories import TEST_PASSWORD, current_totp_code, make_user


def test_the_admin_login_form_signs_no_one_in(client, community) -> None:
    admin = make_user("administrator", is_staff=True, is_superuser=True)
    response = client.post(
        "/admin/login/?next=/admin/core/auditentry/", {"username": admin.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2Fcore%2Fauditentry%2F"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/login/?next=https://evil.example/")["Location"].endswith("?next=%2Fadmin%2F")


def test_the_admin_is_reached_only_after_the_second_factor(client, community) -> None:
    admin = make_user("administrator", is_staff=True, is_superuser=True)
    unsigned = client.get("/admin/")
    assert unsigned.status_code == 302 and unsigned["Location"].startswith("/admin/login/")
    login = client.post(client.get(unsigned["Location"])["Location"], {"login": admin.email, "password": TEST_PASSWORD})
    assert "/2fa/authenticate" in login["Location"]
    assert client.get("/admin/")["Location"].startswith("/admin/login/")  # the password alone is not enough
    done = client.post(login["Location"], {"code": current_totp_code()})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
