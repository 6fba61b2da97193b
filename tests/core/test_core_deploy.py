"""docs/deploy.md, exercised: gunicorn + PostgreSQL + Redis with production settings, on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEPLOY_DB = "uchast_deploy_check"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.postgres
@pytest.mark.slow
def test_gunicorn_postgres_redis_production_stack(tmp_path: Path) -> None:
    if not _port_open(6379):
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is expected on 127.0.0.1:6379 in CI")
        pytest.skip("no Redis on 127.0.0.1:6379")
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DEPLOY_DB}")
        conn.execute(f"CREATE DATABASE {DEPLOY_DB}")
    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in {"UCHAST_TESTING", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "UCHAST_ENV": "production",
            "SECRET_KEY": "deploy-check-" + "q7Lm2Xv9Rt4Bn8Kc" * 4,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DEPLOY_DB}",
            "CACHE_URL": "redis://127.0.0.1:6379/15",
            "IDENTITY_HASH_KEY": "deploy-identity-" + "Hj5Kl7Zx9Cv1Bn3M" * 4,
            "AUDIT_SIGNING_KEY": "3C10va0HKrV29Wui5mQTjkuYq90e13tDzjKM13tDcB0=",
            "PERSON_KEY_SECRET": "deploy-person-" + "Wq2Ee4Rr6Tt8Yy0U" * 4,
            "VOTER_TOKEN_KEY": "deploy-voter-" + "Aa1Ss3Dd5Ff7Gg9H" * 4,
            "BUDGET_SEAL_KEY": "deploy-seal-" + "Pp3Oo5Ii7Uu9Yy1T" * 4,
            "EMAIL_URL": "smtp://127.0.0.1:2525",  # never reached by this test; a console backend fails the check
            "SECURE_SSL_REDIRECT": "false",  # TLS is the proxy's job; here we talk to gunicorn directly
            "UCHAST_VAR_DIR": str(tmp_path),
        }
    )
    uchast = [sys.executable, "-m", "uchast"]
    try:
        for args in (["migrate", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
            done = subprocess.run([*uchast, *args], env=env, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
        behind_proxy = {k: v for k, v in env.items() if k != "SECURE_SSL_REDIRECT"}
        check = subprocess.run(
            [*uchast, "check", "--deploy"], env=behind_proxy, capture_output=True, text=True, timeout=120
        )
        assert "no issues" in check.stdout, check.stdout + check.stderr
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "uchast.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while not _port_open(port):
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
            base = f"http://127.0.0.1:{port}"

            def get(path: str):  # type: ignore[no-untyped-def]
                # As the TLS proxy of docs/deploy.md would forward it.
                request = urllib.request.Request(f"{base}{path}", headers={"X-Forwarded-Proto": "https"})  # noqa: S310
                # A generous timeout: the first request of a fresh worker loads the whole app, slow on a busy machine.
                return urllib.request.urlopen(request, timeout=60)  # noqa: S310 - loopback test server

            with get("/healthz") as response:
                assert response.status == 200
            with get("/") as response:
                assert response.status == 200
                assert "strict-transport-security" in {h.lower() for h in response.headers}
            with get("/accounts/login/") as response:
                cookies = response.headers.get_all("Set-Cookie") or []
                assert any("csrftoken" in c and "Secure" in c for c in cookies)
            static = "/static/uchast/uchast.css"
            with get("/api/openapi.json") as response:
                assert response.status == 200
            with get("/") as response:
                html = response.read().decode()
            hashed = html.split('href="/static/uchast/uchast.')[1].split('"')[0]
            assert hashed != "css", "static files are served with cache-busting names in production"
            with get(static.replace("uchast.css", "uchast." + hashed)) as r:
                assert r.status == 200
        finally:
            server.terminate()
            server.wait(timeout=15)
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DEPLOY_DB} WITH (FORCE)")
