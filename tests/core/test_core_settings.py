"""Configuration from the environment, run as the real ``uchast`` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

UCHAST = [sys.executable, "-m", "uchast"]
# Every test here runs the command line without the suite's DATABASE_URL: the same on both suites.
pytestmark = pytest.mark.once


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "UCHAST_TESTING", "UCHAST_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run([*UCHAST, *args], env=full_env, cwd=cwd, capture_output=True, text=True, timeout=120)


PRODUCTION_ENV = {
    "UCHAST_ENV": "production",
    "SECRET_KEY": "x" * 20 + "Zr7!kq2@Lp9#Vw4$Tn6^Hs8&Jd3*Mf5(",
    "IDENTITY_HASH_KEY": "identity-" + "Qw3Er5Ty7Ui9Op1As" * 3,
    "PERSON_KEY_SECRET": "person-" + "Gh4Jk6Lz8Xc0Vb2Nm" * 3,
    "VOTER_TOKEN_KEY": "voter-" + "Pl1Ok2Ij3Uh4Yg5Tf" * 3,
    "BUDGET_SEAL_KEY": "seal-" + "Zx9Cv8Bn7Mq6We5Rt" * 3,
    "ALLOWED_HOSTS": "uchast.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/15",
    "EMAIL_URL": "smtp+tls://user:password@smtp.example.org:587",
    "AUDIT_SIGNING_KEY": "3C10va0HKrV29Wui5mQTjkuYq90e13tDzjKM13tDcB0=",
}


def test_production_deploy_check_passes(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"], {**PRODUCTION_ENV, "UCHAST_VAR_DIR": str(tmp_path)}, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "error_id"),
    [
        ({"EMAIL_URL": "consolemail://"}, "uchast.E002"),
        ({"IDENTITY_HASH_KEY": ""}, "uchast.E003"),  # defaults to SECRET_KEY
        ({"IDENTITY_HASH_KEY": PRODUCTION_ENV["SECRET_KEY"] + "-identity"}, "uchast.E003"),
        ({"PERSON_KEY_SECRET": ""}, "uchast.E007"),  # defaults to one built from SECRET_KEY
        ({"PERSON_KEY_SECRET": PRODUCTION_ENV["IDENTITY_HASH_KEY"]}, "uchast.E007"),
        ({"PERSON_KEY_SECRET": "short-but-own"}, "uchast.E007"),
        ({"VOTER_TOKEN_KEY": ""}, "uchast.E008"),
        ({"VOTER_TOKEN_KEY": PRODUCTION_ENV["SECRET_KEY"]}, "uchast.E008"),
        ({"BUDGET_SEAL_KEY": ""}, "uchast.E009"),  # defaults to one built from SECRET_KEY
        ({"BUDGET_SEAL_KEY": PRODUCTION_ENV["VOTER_TOKEN_KEY"]}, "uchast.E009"),
        ({"DEBUG": "true"}, "uchast.E004"),
        ({"ALLOWED_HOSTS": "*"}, "uchast.E005"),
        ({"AUDIT_SIGNING_KEY": ""}, "uchast.E006"),
        ({"AUDIT_SIGNING_KEY": "c2hvcnQ="}, "uchast.E006"),
    ],
)
def test_production_deploy_check_fails_on_each_weak_setting(tmp_path, change, error_id):
    env = {**PRODUCTION_ENV, "UCHAST_VAR_DIR": str(tmp_path), **change}
    result = _run(["check", "--deploy"], env, tmp_path)
    assert result.returncode != 0
    assert error_id in result.stdout + result.stderr


def test_production_refuses_to_start_with_a_per_process_cache(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CACHE_URL"}
    result = _run(["check"], {**env, "UCHAST_VAR_DIR": str(tmp_path)}, tmp_path)
    assert result.returncode != 0
    assert "shared cache" in result.stderr and "CACHE_URL" in result.stderr
    env["CACHE_URL"] = "locmemcache://x"
    assert "shared cache" in _run(["check"], {**env, "UCHAST_VAR_DIR": str(tmp_path)}, tmp_path).stderr


def test_deploy_check_reports_a_per_process_cache_outside_production(tmp_path):
    result = _run(["check", "--deploy"], {"UCHAST_VAR_DIR": str(tmp_path / "var")}, tmp_path)
    assert "uchast.E001" in result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _run(["check"], {**env, "UCHAST_VAR_DIR": str(tmp_path)}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    env = {"UCHAST_VAR_DIR": str(tmp_path / "var")}
    assert _run(["check"], env, tmp_path).returncode == 0
    key_file = tmp_path / "var" / "secret_key"
    first = key_file.read_text()
    assert len(first) > 50 and oct(key_file.stat().st_mode)[-3:] == "600"
    assert _run(["check"], env, tmp_path).returncode == 0
    assert key_file.read_text() == first


@pytest.mark.slow
def test_demo_loads_into_the_database_named_by_database_url(tmp_path):
    env = {"UCHAST_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    assert _run(["migrate", "-v", "0"], env, tmp_path).returncode == 0
    result = _run(["demo"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "official@demo.uchast.org" in result.stdout and "demo-uchast-2026" in result.stdout
    # The logins are the last lines (issue 14: a calm first start), and no e-mail is printed.
    assert result.stdout.strip().splitlines()[-1].split()[0] == "yurii@demo.uchast.org"
    assert "Subject:" not in result.stdout
    assert (tmp_path / "demo.sqlite3").exists()
    again = _run(["demo", "--if-empty"], env, tmp_path)
    assert again.returncode == 0 and "already" in again.stdout
    assert again.stdout.strip().splitlines()[-1].split()[0] == "yurii@demo.uchast.org"
    assert _run(["demo"], env, tmp_path).returncode != 0
    verify = _run(["audit", "verify"], env, tmp_path)
    assert verify.returncode == 0 and "intact" in verify.stdout
    code = _run(["demo_totp"], env, tmp_path).stdout.strip()
    assert code.isdigit() and len(code) == 6


def test_development_mail_goes_to_files_under_var(tmp_path):
    show = 'from django.conf import settings; print(settings.EMAIL_BACKEND, getattr(settings, "EMAIL_FILE_PATH", None))'
    result = _run(["shell", "-c", show], {"UCHAST_VAR_DIR": str(tmp_path / "var")}, tmp_path)
    assert result.stdout.split()[-2:] == [
        "django.core.mail.backends.filebased.EmailBackend",
        str(tmp_path / "var" / "mail"),
    ]
    given = _run(["shell", "-c", show], {"UCHAST_VAR_DIR": str(tmp_path), "EMAIL_URL": "consolemail://"}, tmp_path)
    assert given.stdout.split()[-1] == "django.core.mail.backends.console.EmailBackend"


def test_demo_is_refused_in_production(tmp_path):
    env = {**PRODUCTION_ENV, "UCHAST_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"}
    result = _run(["demo"], env, tmp_path)
    assert result.returncode != 0 and "UCHAST_ENV=production" in result.stderr


def test_an_installation_of_one_module_gets_the_floors_it_builds_on(tmp_path):
    """The ballot benchmark runs the budget alone; it imports verification and organisations."""
    env = {"UCHAST_VAR_DIR": str(tmp_path), "UCHAST_MODULES": "budget"}
    shown = _run(["shell", "-c", "from django.conf import settings; print(settings.UCHAST_MODULE_APPS)"], env, tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == str(
        ["uchast.verification", "uchast.organisations", "uchast.budget"]
    )
    assert _run(["check"], env, tmp_path).returncode == 0
