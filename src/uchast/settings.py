"""Django settings for Uchast, read from the environment.

Development needs no configuration: SQLite and a generated secret key live under ``./var/``.
Production (``UCHAST_ENV=production``) refuses to start without ``SECRET_KEY``, ``ALLOWED_HOSTS``
and a shared cache (``CACHE_URL``), and turns on every ``check --deploy`` safeguard; ``check
--deploy`` also fails on console e-mail, an identity, person-key or voter-token key built from
``SECRET_KEY``, ``DEBUG`` and a wildcard host (``core/checks.py``).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
env = environ.Env()

PRODUCTION = env.str("UCHAST_ENV", default="development") == "production"
TESTING = env.bool("UCHAST_TESTING", default=False)
VAR_DIR = Path(env.str("UCHAST_VAR_DIR", default=str(Path.cwd() / "var"))).resolve()


def _development_secret_key() -> str:
    """Keep one random key per checkout so sessions survive restarts in development."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")  # no default: production must be given one
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key()
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])

DEBUG = env.bool("DEBUG", default=False)
# Identity numbers are hashed with their own key so rotating SECRET_KEY (sessions) does not
# orphan every census list and ballot token.
IDENTITY_HASH_KEY = env.str("IDENTITY_HASH_KEY", default="") or SECRET_KEY
# Ed25519 seed (base64) that signs the audit log's daily checkpoints (`uchast audit keygen`);
# without it no checkpoint is signed (check --deploy refuses that in production).
AUDIT_SIGNING_KEY = env.str("AUDIT_SIGNING_KEY", default="")
if not AUDIT_SIGNING_KEY and not PRODUCTION and not TESTING:
    # Development and the demo sign checkpoints too, with a key kept beside the secret key.
    _audit_key_file = VAR_DIR / "audit_signing_key"
    if not _audit_key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        import base64

        _audit_key_file.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
        _audit_key_file.chmod(0o600)
    AUDIT_SIGNING_KEY = _audit_key_file.read_text().strip()
# Two more keys of their own (docs/budget.md, threat model): the person key of the participation
# register (it outlives accounts, so it can never be rotated) and the voter token that links an
# online ballot to its voter until voting closes. Development derives them from SECRET_KEY; the
# deploy check refuses that in production (core/checks.py).
PERSON_KEY_SECRET = env.str("PERSON_KEY_SECRET", default="") or f"{SECRET_KEY}:person-key"
VOTER_TOKEN_KEY = env.str("VOTER_TOKEN_KEY", default="") or f"{SECRET_KEY}:voter-token"
# Server-key custody of sealed budget ballots: each cycle's private key is derived from it and lives
# nowhere else (docs/budget.md, "Sealed ballots"); a deploy check wants its own value in production.
BUDGET_SEAL_KEY = env.str("BUDGET_SEAL_KEY", default="") or f"{SECRET_KEY}:budget-seal"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "uchast.core",
    "uchast.accounts",
    "uchast.channels",
    "uchast.api",
]
# Participation modules register themselves here as they land; each is a Django app of the same shape.
# UCHAST_MODULES (comma-separated, e.g. "verification,petitions") limits an installation to some modules.
# Verification (who may take part) and organisations (acting for one) are floors the participation
# modules build on, so they are installed whatever the list names: "budget" alone still works.
_FLOOR_MODULES = ["verification", "organisations"]
_wanted_modules = _FLOOR_MODULES + [
    name
    for name in env.list("UCHAST_MODULES", default=["budget", "consultations", "petitions", "appeals"])
    if name not in _FLOOR_MODULES
]
UCHAST_MODULE_APPS: list[str] = [
    f"uchast.{name}" for name in _wanted_modules if (PACKAGE_DIR / name / "apps.py").exists()
]
INSTALLED_APPS += UCHAST_MODULE_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "uchast.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "uchast.core.middleware.UkrainianFirstLocaleMiddleware",
    "uchast.core.middleware.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "uchast.core.middleware.CurrentCommunityMiddleware",
    "uchast.accounts.middleware.StaffTwoFactorMiddleware",
    "uchast.accounts.middleware.SignOutClearsOfflineCopiesMiddleware",
]

ROOT_URLCONF = "uchast.urls"
WSGI_APPLICATION = "uchast.wsgi.application"
ASGI_APPLICATION = "uchast.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "uchast.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'uchast.sqlite3'}"
DATABASES = {"default": env.db_url("DATABASE_URL", default=_default_sqlite)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let web requests and the task worker share the file safely.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # The ORM binds on the client and never prepares; the few statements of the voting peak use
    # server-side binding (uchast.core.db.hot_cursor) and are prepared after this many runs on a
    # connection. Behind a transaction-mode pooler without prepared statements set it to "off".
    _prepare = env.str("DB_PREPARE_THRESHOLD", default="5")
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "prepare_threshold", None if _prepare.lower() in ("", "off", "none") else int(_prepare)
    )
if _replica := env.str("DATABASE_REPLICA_URL", default=""):
    # A streaming replica of the primary: anonymous public reads go there (uchast.core.dbrouter).
    DATABASES["replica"] = env.db_url_config(_replica)
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"].get("CONN_MAX_AGE", 0))
    DATABASES["replica"].setdefault("CONN_HEALTH_CHECKS", True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["uchast.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ------------------------------------------------------------------------
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://uchast")}
if PRODUCTION and not CACHES["default"]["BACKEND"].endswith(("RedisCache", "DatabaseCache", "PyMemcacheCache")):
    # Rate limits and sessions must be shared by every worker (core/checks.py says why).
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Production needs a shared cache: set CACHE_URL=redis://host:6379/0.")
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cache"
    if CACHES["default"]["BACKEND"].endswith("RedisCache")
    else "django.contrib.sessions.backends.db"
)

# --- Tasks ----------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default="django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2's deliberate slowness would dominate the test run; production keeps argon2 first.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Участь] "
ACCOUNT_ADAPTER = "uchast.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "uchast.accounts.forms.SignupExtraForm"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# The client address for every rate limit (allauth's and ours): behind a proxy, REMOTE_ADDR is the
# proxy's, so set the number of proxies you run (nginx in front: 1); X-Forwarded-For is read then.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Our attempt limits (uchast.accounts.throttle), counted in a store every worker shares: Redis when
# the cache is Redis, else the database. Per scope, per "account", "ip" or "identity" (what the
# attempt is about, e.g. the birth date a census claim names): rates like allauth's, "5/15m,20/d".
# UCHAST_THROTTLES (JSON) overrides single entries: {"api_write": {"account": "120/m"}}.
UCHAST_THROTTLES: dict[str, dict[str, str]] = {
    "census_claim": {"account": "5/15m,20/d", "ip": "20/15m", "identity": "10/h,30/d"},
    "code_redeem": {"account": "5/15m,20/d", "ip": "20/15m"},
    "receipt_check": {"account": "20/5m", "ip": "30/5m,200/d"},
    "api_write": {"account": "60/m,1000/h", "ip": "300/m"},
    # Sign-up, password reset, adding an address: per address typed (allauth counts per client).
    "email": {"identity": "5/h,20/d"},
    # "The e-mail did not arrive" (send again / correct the address): it checks a password.
    "confirmation_help": {"ip": "10/15m", "identity": "5/15m,20/d"},
}
for _scope, _limits in env.json("UCHAST_THROTTLES", default={}).items():
    UCHAST_THROTTLES.setdefault(_scope, {}).update(_limits)
# A census entry that many wrong claims name (its number with another birth date) is locked for review.
UCHAST_CENSUS_LOCK_AFTER = env.int("UCHAST_CENSUS_LOCK_AFTER", default=5)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Uchast"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", _("Ukrainian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Kyiv"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "uchast_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when serving from finders
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Private files (verification documents) never live under MEDIA_ROOT, so no URL can reach them.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Images: pixels a header may announce before anything is decoded (a 50 MP phone photo passes;
# decoding 60 MP takes ~180 MB). Pillow's own bomb limit is set to the same figure.
UCHAST_MAX_IMAGE_PIXELS = env.int("UCHAST_MAX_IMAGE_PIXELS", default=60_000_000)
# Appeals (docs/appeals.md). The register number's format: {kind} (П, З, С for proposal, application,
# complaint), {seq} (running number in the year), {year}, {yy}, {month}, {day}.
UCHAST_APPEALS_REGISTER_FORMAT = env.str("UCHAST_APPEALS_REGISTER_FORMAT", default="{kind}-{seq}/{yy}")
# Years after the answer before an appeal's personal data and files are erased (the standard list of
# documents keeps citizens' appeals 5 years; a council's own nomenclature may differ).
UCHAST_APPEALS_RETENTION_YEARS = env.int("UCHAST_APPEALS_RETENTION_YEARS", default=5)
# Days before the answer is due when the department is reminded.
UCHAST_APPEALS_REMIND_DAYS = env.int("UCHAST_APPEALS_REMIND_DAYS", default=3)
# Largest attachment of an appeal or a problem report, in megabytes.
UCHAST_APPEALS_MAX_FILE_MB = env.int("UCHAST_APPEALS_MAX_FILE_MB", default=10)

# --- E-mail ---------------------------------------------------------------------------------
# Development writes each e-mail to a file under var/mail/ (the demo sends thousands, which on the
# console buried the address and the demo logins); tests and production keep the console default
# (tests capture mail in memory anyway; production must set EMAIL_URL, check --deploy says so).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if not (PRODUCTION or TESTING or env.str("EMAIL_URL", default="")):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Участь <noreply@uchast.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION or env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# When the web UI and the API are served with different hosts later, keep one community per host.
# Open data (issue 18): where the nightly snapshots are written, and the licence every dataset carries.
UCHAST_OPEN_DATA_DIR = env.str("UCHAST_OPEN_DATA_DIR", default=str(VAR_DIR / "open-data"))
UCHAST_OPEN_DATA_LICENCE = env.str("UCHAST_OPEN_DATA_LICENCE", default="https://creativecommons.org/licenses/by/4.0/")
UCHAST_OPEN_DATA_LICENCE_NAME = env.str("UCHAST_OPEN_DATA_LICENCE_NAME", default="CC BY 4.0")
UCHAST_DEFAULT_COMMUNITY_SLUG = env.str("UCHAST_COMMUNITY", default="")
# Demo convenience: staff second factor codes can be printed by `uchast demo-totp` outside production.
UCHAST_ALLOW_DEMO_TOTP = not PRODUCTION
UCHAST_REQUIRE_STAFF_MFA = env.bool("UCHAST_REQUIRE_STAFF_MFA", default=True)
CSRF_FAILURE_VIEW = "uchast.core.views.csrf_failure"
EMAIL_SUBJECT_PREFIX = "[Участь] "
UCHAST_BASE_URL = env.str("UCHAST_BASE_URL", default="http://127.0.0.1:8000")
UCHAST_TURNOUT_MIN_GROUP = env.int("UCHAST_TURNOUT_MIN_GROUP", default=10)  # budget turnout: smaller groups combined
# Budget: answer successful API ballot casts in front of the middleware (uchast/budget/castpath/lane.py).
UCHAST_BALLOT_FAST_LANE = env.bool("UCHAST_BALLOT_FAST_LANE", default=True)

# Channels (docs/channels.md, docs/deploy.md). The Telegram bot is off without a token; webhook
# requests must carry TELEGRAM_WEBHOOK_SECRET in X-Telegram-Bot-Api-Secret-Token. TELEGRAM_API_URL
# is the Bot API's base (tests point it at a loopback server). Web push needs the VAPID key pair
# (`uchast vapid_keys` prints one) and a contact address for push services.
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_WEBHOOK_SECRET = env.str("TELEGRAM_WEBHOOK_SECRET", default="")
TELEGRAM_BOT_USERNAME = env.str("TELEGRAM_BOT_USERNAME", default="")
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", default="https://api.telegram.org/bot")
WEBPUSH_VAPID_PRIVATE_KEY = env.str("WEBPUSH_VAPID_PRIVATE_KEY", default="")
WEBPUSH_VAPID_PUBLIC_KEY = env.str("WEBPUSH_VAPID_PUBLIC_KEY", default="")
WEBPUSH_CONTACT = env.str("WEBPUSH_CONTACT", default="mailto:admin@example.org")
# Push services are https; plain http only for tests' loopback endpoint.
WEBPUSH_ALLOW_HTTP = TESTING
# Staff announcements (channels): at most this many per community in 24 hours.
UCHAST_ANNOUNCEMENTS_PER_DAY = env.int("UCHAST_ANNOUNCEMENTS_PER_DAY", default=3)
