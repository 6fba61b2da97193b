from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # test helpers next to this file (importlib mode)

from oidc_provider import OidcProvider  # noqa: E402


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


CLIENT_SECRET = "s3cret-for-the-loopback-provider"  # noqa: S105 - test provider only
SECRET_ENV = "UCHAST_TEST_OIDC_SECRET"  # noqa: S105


@pytest.fixture
def oidc_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[OidcProvider]:
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    claims = {"sub": "bankid-7731", "birthdate": "1988-02-29", "drfo": "3206513580", "address": {"katottg": "UA99"}}
    with OidcProvider(client_id="uchast-test", client_secret=CLIENT_SECRET, claims=claims) as server:
        yield server


@pytest.fixture
def oidc_config(community: Any, oidc_server: OidcProvider) -> Any:
    from uchast.verification.models import OidcProvider as ProviderConfig

    return ProviderConfig.objects.create(
        community=community,
        slug="testid",
        name="TestID",
        issuer=oidc_server.issuer,
        client_id="uchast-test",
        client_secret_env=SECRET_ENV,
        scopes="openid profile",
        claims_map={"birth_date": "birthdate", "document_number": "drfo", "katottg": "address.katottg"},
        identity_kind="rnokpp",
    )
