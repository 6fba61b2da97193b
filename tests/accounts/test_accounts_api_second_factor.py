"""Staff use the API only with a second factor set up, as they use the site (issue 9's rule "staff
sign in with a second factor everywhere"): a staff member without TOTP is refused (403
``second_factor_required``) by session and by token, on signed-in and public operations alike;
once TOTP is set up, or for a resident, nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from uchast.accounts import services
from uchast.testing.factories import make_user

pytestmark = pytest.mark.django_db

SIGNED_IN = "/api/v1/me"
PUBLIC = "/api/v1/community"


def _code(response: Any) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_staff_without_a_second_factor_are_refused_by_session(client: Client, community: Any) -> None:
    official = make_user("official", totp=False)
    client.force_login(official)
    for path in (SIGNED_IN, PUBLIC):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="uk")
        assert _code(response) == (403, "second_factor_required"), path
        assert "другий фактор" in response.json()["error"]["message"]
    english = client.get(SIGNED_IN, HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"]
    assert english.startswith("Staff set up a second factor")


def test_a_token_made_before_a_promotion_is_refused_until_totp_is_set_up(client: Client, community: Any) -> None:
    person = make_user(email="promoted@example.org")
    _token, key = services.api_token_create(user=person, name="script")
    assert client.get(SIGNED_IN, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    official = make_user("official", totp=False, email="promoted-official@example.org")
    person.groups.set(official.groups.all())  # made an official; no TOTP yet
    for headers in ({"HTTP_AUTHORIZATION": f"Bearer {key}"}, {"HTTP_X_API_KEY": key}):
        assert _code(client.get(SIGNED_IN, **headers)) == (403, "second_factor_required")
        assert _code(client.get(PUBLIC, **headers)) == (403, "second_factor_required")
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get(SIGNED_IN, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_staff_with_totp_and_residents_are_not_asked(client: Client, community: Any, official: Any) -> None:
    client.force_login(official)  # the fixture's official has TOTP
    assert client.get(SIGNED_IN).status_code == 200 and client.get(PUBLIC).status_code == 200
    resident = make_user(email="resident-2fa@example.org")
    client.force_login(resident)
    assert client.get(SIGNED_IN).status_code == 200
    _token, key = services.api_token_create(user=resident, name="script")
    assert Client().get(PUBLIC, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
