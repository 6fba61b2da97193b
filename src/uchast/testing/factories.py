from __future__ import annotations

from typing import Any, cast

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from uchast.accounts.models import Role, User
from uchast.core.models import Community, District

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    slug = factory.Sequence(lambda n: f"hromada-{n}")
    name_uk = factory.Sequence(lambda n: f"Тестова громада {n}")
    name_en = factory.Sequence(lambda n: f"Test community {n}")
    katottg = factory.Sequence(lambda n: f"UA99{n:015d}")
    is_displaced = True
    host_city_uk = "Львів"
    host_city_en = "Lviv"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"d{n}")
    name_uk = factory.Sequence(lambda n: f"Округ {n}")
    name_en = factory.Sequence(lambda n: f"District {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Мешканка {n}")

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:  # noqa: N805
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(obj: User, create: bool, extracted: bool | None, **kwargs: Any) -> None:  # noqa: N805
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def make_user(role: Role | str | None = None, *, totp: bool = True, **kwargs: Any) -> User:
    """A user with a verified e-mail; staff roles get a TOTP device (secret ``TEST_TOTP_SECRET``)."""
    user = cast(User, UserFactory(**kwargs))
    if role:
        group, _ = Group.objects.get_or_create(name=str(Role(role).value))
        user.groups.add(group)
        if totp and Role(role) != Role.ORGANISATION:
            TOTP.activate(user, TEST_TOTP_SECRET)
    return user


def sign_in_reauthenticated(client: Any, user: User) -> None:
    """Sign ``user`` in on the test ``client`` as if they had just entered their password again,
    so sensitive actions (``accounts.decorators.reauthentication_required``) are not held."""
    import time

    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def current_totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def make_verified_resident(
    community: Community,
    *,
    basis: str = "idp",
    birth_date: Any = None,
    district: District | None = None,
    expires_on: Any = None,
    person_key: str | None = None,
    **user_kwargs: Any,
) -> User:
    """A resident with an active verification (default: IDP, born 1990-05-17) in ``community``.

    ``person_key``: by default a person of their own (a random key); pass another resident's key
    for a second account of the same person, or "" for a verification that proved no person."""
    import secrets
    from datetime import date

    from uchast.verification.services import verification_grant

    user = make_user(**user_kwargs)
    verification_grant(
        user=user,
        community=community,
        method="test",
        basis=basis,
        birth_date=birth_date or date(1990, 5, 17),
        district=district,
        expires_on=expires_on,
        person_key=secrets.token_hex(32) if person_key is None else person_key,
        verified_by_label="test",
    )
    return user
