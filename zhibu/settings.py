"""zhibu settings: one file, read from the environment (see README "Configuration").

Nothing here needs editing for a deployment; every knob is an environment variable. Without any,
zhibu runs in development mode on SQLite under ./var.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


BASE_DIR = Path(__file__).resolve().parent
ENV = os.environ.get("ZHIBU_ENV", "development").strip().lower()
PRODUCTION = ENV == "production"
DATA_DIR = Path(os.environ.get("ZHIBU_DATA_DIR") or Path.cwd() / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_from_env_or_file(env_name: str, filename: str, make: type[str] | object) -> str:
    """A secret from the environment; outside production, generated once into the data dir."""
    value = os.environ.get(env_name, "").strip()
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{env_name} must be set when ZHIBU_ENV=production")
    path = DATA_DIR / filename
    if not path.exists():
        # Several processes may start at once on a new data directory (gunicorn workers, test
        # workers): write a complete file aside, then link it into place, which fails if another
        # process got there first. Everyone then reads the one key that won.
        tmp = DATA_DIR / f".{filename}.{os.getpid()}"
        tmp.write_text(make() + "\n")  # type: ignore[operator]
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def _new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = _secret_from_env_or_file(
    "ZHIBU_SECRET_KEY", "secret.key", lambda: secrets.token_urlsafe(50)
)
# Key for the encrypted personal fields (身份证号, 手机号). See core/crypto.py and README "Backup".
FIELD_KEY = _secret_from_env_or_file("ZHIBU_FIELD_KEY", "field.key", _new_fernet_key)

DEBUG = env_bool("ZHIBU_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ZHIBU_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("ZHIBU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "zhibu.core",
    "zhibu.orgs",
    "zhibu.members",
    "zhibu.accounts",
    "zhibu.notices",
    "zhibu.meetings",
    "zhibu.rulebook",
    "zhibu.reports",
    "zhibu.lifemeetings",
    "zhibu.textcheck",
    "zhibu.rectification",
    "zhibu.ballots",
    "zhibu.dues",
    "zhibu.evaluations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "zhibu.accounts.middleware.PasswordChangeRequiredMiddleware",
    # django-axes must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhibu.urls"
WSGI_APPLICATION = "zhibu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhibu.core.context_processors.shell",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# SQLite by default, PostgreSQL (or anything dj-database-url reads) via DATABASE_URL.
_db_url = os.environ.get("DATABASE_URL", "").strip()
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "db.sqlite3"),
            "OPTIONS": {
                # Writers take the lock when the transaction starts, so two gunicorn workers
                # never deadlock on a read-then-write upgrade; WAL lets readers go on meanwhile.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
            # A file, not the shared in-memory database: the browser tests' live server
            # answers from several threads, and each needs a connection of its own.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 等保 2.0: ≥8 characters, 3 of 4 character classes, not the username.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "zhibu.accounts.passwords.CharacterClassValidator"},
    {"NAME": "zhibu.accounts.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle sessions end after ZHIBU_SESSION_IDLE_MINUTES (default 30): the cookie's age is renewed
# on every request, so it measures idleness, not total length.
SESSION_COOKIE_AGE = env_int("ZHIBU_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# django-axes: 5 failures lock the account (not the IP) for 15 minutes.
AXES_FAILURE_LIMIT = env_int("ZHIBU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ZHIBU_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# axes.W006 asks to lock by IP too. 等保 2.0 asks to lock the *account*; locking by IP would let
# an attacker lock out a whole village office behind one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = os.environ.get("ZHIBU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
ROSTER_IMPORT_MAX_BYTES = env_int("ZHIBU_IMPORT_MAX_MB", 20) * 1024 * 1024
# RULES.md §3: excluding someone from 应到会有表决权 (too ill, abroad > 6 months, …) needs the
# higher committee's approval and is a setting, off by default.
VOTING_EXCLUSIONS = env_bool("ZHIBU_VOTING_EXCLUSIONS", False)

# Rectification (整改): reminders before a measure's deadline, then escalation by days overdue:
# the branch secretary at 1 day, the committee above (and its 通报 list) past ESCALATE_DAYS.
RECTIFICATION_REMIND_DAYS = env_int("ZHIBU_RECTIFICATION_REMIND_DAYS", 7)
RECTIFICATION_ESCALATE_DAYS = env_int("ZHIBU_RECTIFICATION_ESCALATE_DAYS", 30)
# 回头看: how many months after 销号 a closed problem is checked again.
RECTIFICATION_RECHECK_MONTHS = env_int("ZHIBU_RECTIFICATION_RECHECK_MONTHS", 3)
# Material checks (材料质检): how alike two problems must be (0–1, on normalized characters) to
# be reported as copied between members or repeated from an earlier year.
TEXTCHECK_SIMILARITY = float(os.environ.get("ZHIBU_TEXTCHECK_SIMILARITY", "0.8"))
# 优秀 may be at most this share of a branch's 正式党员 (RULES.md §7: 1/3; some places 15%).
# "1/3", "0.15" or "15%"; checked when the grades are proposed.
EVALUATION_EXCELLENT_SHARE = os.environ.get("ZHIBU_EVALUATION_EXCELLENT_SHARE", "1/3")

EMAIL_BACKEND = os.environ.get(
    "ZHIBU_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("ZHIBU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ZHIBU_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("ZHIBU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ZHIBU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ZHIBU_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("ZHIBU_EMAIL_FROM", "zhibu@localhost")
# The site's address for links in e-mails and calendar feeds, e.g. https://zhibu.example.org
SITE_URL = os.environ.get("ZHIBU_SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")

# Security headers. In production zhibu sits behind a TLS-terminating proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("ZHIBU_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("ZHIBU_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("ZHIBU_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHIBU_LOG_LEVEL", "WARNING")},
}

# Backups are JSON Lines with personal fields kept encrypted (core/serializers.py).
SERIALIZATION_MODULES = {"zhibu": "zhibu.core.serializers"}

# zhibu's own knobs.
DEMO_PASSWORD = os.environ.get("ZHIBU_DEMO_PASSWORD", "Zhibu@2026")
PAGE_SIZE = env_int("ZHIBU_PAGE_SIZE", 50)
