"""Chorus settings: one module, read from the environment.

Production is the default: DEBUG off, no wildcard hosts, and every required
value must be given. ``CHORUS_MODE=local`` (set by ``scripts/start`` and the
test settings) fills in friendly defaults for one machine: a SQLite file and a
generated secret key in the data folder, and emails written to files.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from chorus.env import (
    env_allowed_hosts,
    env_bool,
    env_choice,
    env_colour,
    env_int,
    env_list,
    env_str,
)

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent

CHORUS_MODE = env_choice("CHORUS_MODE", "production", ("production", "local"))
LOCAL = CHORUS_MODE == "local"

DATA_DIR = Path(env_str("CHORUS_DATA_DIR", str(PROJECT_DIR / "data"))).resolve()
if LOCAL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """Keep one generated key per data folder, so sessions survive restarts."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _local_secret_key() if LOCAL and not os.environ.get("SECRET_KEY") else env_str("SECRET_KEY")
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long and random.")

if LOCAL:
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
    if "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must not contain '*'.")
else:
    ALLOWED_HOSTS = env_allowed_hosts("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

_default_database = f"sqlite:///{DATA_DIR / 'chorus.sqlite3'}" if LOCAL else None
_database_url = env_str("DATABASE_URL", _default_database)
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
except ValueError as error:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database address Chorus understands ({error}). "
        "Use postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:///PATH."
    ) from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server use the file at once. Each request opens a
    # fresh connection, so pages are read through a memory map (no read() per page) and kept
    # in a 64 MB cache while the request lasts; dashboards over the large demo data scan
    # hundreds of thousands of rows.
    _database["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
            "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    _database["CONN_MAX_AGE"] = 0
elif _database["ENGINE"] == "django.db.backends.postgresql":
    _database["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL compiles any query it expects to be costly (JIT), which adds about 100 ms to
    # each dashboard aggregate over the large data and saves less than that on queries this
    # short. Off for Chorus's connections; the server's setting is left alone.
    _database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (production) or SQLite.")
DATABASES = {"default": _database}
# Equality monitoring answers may live in a database of their own (chorus/equality/routers.py).
_equality_url = env_str("CHORUS_EQUALITY_DATABASE_URL", "")
if _equality_url:
    try:
        DATABASES["equality"] = dj_database_url.parse(_equality_url)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"CHORUS_EQUALITY_DATABASE_URL is not a database address Chorus understands ({error})."
        ) from None
DATABASE_ROUTERS = ["chorus.equality.routers.EqualityRouter"]
CHORUS_SUPPRESS_BELOW = env_int("CHORUS_SUPPRESS_BELOW", 10)
# Calls each staff API token may make a minute (chorus/api, docs/api.md).
CHORUS_API_CALLS_PER_MINUTE = env_int("CHORUS_API_CALLS_PER_MINUTE", 600)
# Webhooks (chorus/webhooks, docs/webhooks.md): how long to wait for an endpoint, the first
# and longest wait between tries (doubling), how long to keep trying, and whether an
# endpoint may be plain http on this machine (local mode only: never in production).
CHORUS_WEBHOOK_TIMEOUT_SECONDS = env_int("CHORUS_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
CHORUS_WEBHOOK_RETRY_FIRST_SECONDS: float = env_int("CHORUS_WEBHOOK_RETRY_FIRST_SECONDS", 60, minimum=1)
CHORUS_WEBHOOK_RETRY_LONGEST_SECONDS: float = env_int("CHORUS_WEBHOOK_RETRY_LONGEST_SECONDS", 3600, minimum=1)
CHORUS_WEBHOOK_RETRY_HOURS = env_int("CHORUS_WEBHOOK_RETRY_HOURS", 24, minimum=1)
CHORUS_WEBHOOK_ALLOW_LOOPBACK = LOCAL
# Whose bank holidays cases' working days skip (chorus/cases/working_days.py).
CASES_HOLIDAY_REGION = env_choice(
    "CHORUS_CASES_HOLIDAY_REGION", "england-and-wales", ("england-and-wales", "scotland", "northern-ireland")
)
# The case address (chorus/core/mailbox.py, docs/deploying.md): email sent to it opens or adds
# to a case. Read every five minutes from an IMAP mailbox over TLS when a host is set;
# otherwise from a folder of .eml files (in local mode ./data/mailbox/cases unless set).
CHORUS_CASES_IMAP_HOST = env_str("CHORUS_CASES_IMAP_HOST", "")
CHORUS_CASES_IMAP_PORT = env_int("CHORUS_CASES_IMAP_PORT", 993, minimum=1)
CHORUS_CASES_IMAP_USER = env_str("CHORUS_CASES_IMAP_USER", "")
CHORUS_CASES_IMAP_PASSWORD = env_str("CHORUS_CASES_IMAP_PASSWORD", "")
CHORUS_CASES_IMAP_FOLDER = env_str("CHORUS_CASES_IMAP_FOLDER", "INBOX")
CHORUS_CASES_IMAP_DONE_FOLDER = env_str("CHORUS_CASES_IMAP_DONE_FOLDER", "")
CHORUS_CASES_IMAP_CA_FILE = env_str("CHORUS_CASES_IMAP_CA_FILE", "")
CHORUS_CASES_MAILBOX = env_str("CHORUS_CASES_MAILBOX", str(DATA_DIR / "mailbox" / "cases") if LOCAL else "")
if CHORUS_CASES_IMAP_HOST and not (CHORUS_CASES_IMAP_USER and CHORUS_CASES_IMAP_PASSWORD):
    raise ImproperlyConfigured(
        "Set CHORUS_CASES_IMAP_USER and CHORUS_CASES_IMAP_PASSWORD with CHORUS_CASES_IMAP_HOST."
    )
# The people address (chorus/engagement/emails.py, docs/deploying.md): email staff forward or
# copy to it is logged on the directory people it concerns. Read like the case address.
CHORUS_PEOPLE_IMAP_HOST = env_str("CHORUS_PEOPLE_IMAP_HOST", "")
CHORUS_PEOPLE_IMAP_PORT = env_int("CHORUS_PEOPLE_IMAP_PORT", 993, minimum=1)
CHORUS_PEOPLE_IMAP_USER = env_str("CHORUS_PEOPLE_IMAP_USER", "")
CHORUS_PEOPLE_IMAP_PASSWORD = env_str("CHORUS_PEOPLE_IMAP_PASSWORD", "")
CHORUS_PEOPLE_IMAP_FOLDER = env_str("CHORUS_PEOPLE_IMAP_FOLDER", "INBOX")
CHORUS_PEOPLE_IMAP_DONE_FOLDER = env_str("CHORUS_PEOPLE_IMAP_DONE_FOLDER", "")
CHORUS_PEOPLE_IMAP_CA_FILE = env_str("CHORUS_PEOPLE_IMAP_CA_FILE", "")
CHORUS_PEOPLE_MAILBOX = env_str(
    "CHORUS_PEOPLE_MAILBOX", str(DATA_DIR / "mailbox" / "people") if LOCAL else ""
)
if CHORUS_PEOPLE_IMAP_HOST and not (CHORUS_PEOPLE_IMAP_USER and CHORUS_PEOPLE_IMAP_PASSWORD):
    raise ImproperlyConfigured(
        "Set CHORUS_PEOPLE_IMAP_USER and CHORUS_PEOPLE_IMAP_PASSWORD with CHORUS_PEOPLE_IMAP_HOST."
    )
# The people address itself, and the domains of the organisation's own staff addresses
# (comma-separated, "justice.gov.uk"): neither is matched to directory people. Staff with a
# Chorus account are known by their account's address whatever these say.
CHORUS_PEOPLE_ADDRESS = env_str("CHORUS_PEOPLE_ADDRESS", "")
CHORUS_STAFF_EMAIL_DOMAINS = [
    d.strip().lower().lstrip("@") for d in env_str("CHORUS_STAFF_EMAIL_DOMAINS", "").split(",") if d.strip()
]
# How long a consultation is open by the organisation's standard (the consultation record
# and the warnings before opening and closing, chorus/consultations/gunning.py).
CHORUS_CONSULTATION_STANDARD_WEEKS = env_int("CHORUS_CONSULTATION_STANDARD_WEEKS", 12)
# Equality figures staff see: counts rounded to this base, refreshed only in releases of at
# least CHORUS_SUPPRESS_BELOW new records and at most once in this many hours
# (chorus/equality/services.py, docs/architecture.md).
CHORUS_EQUALITY_ROUND_TO = env_int("CHORUS_EQUALITY_ROUND_TO", 5)
CHORUS_EQUALITY_RELEASE_HOURS = env_int("CHORUS_EQUALITY_RELEASE_HOURS", 24)
# The secret that links a response to its equality answers: the equality table keeps only a
# keyed hash of the response's random key, so the two cannot be joined from the database or
# a backup alone. Derived from SECRET_KEY unless set; keep it (changing it breaks the link).
CHORUS_EQUALITY_SECRET = (
    env_str("CHORUS_EQUALITY_SECRET", "")
    or hmac.new(SECRET_KEY.encode(), b"chorus equality link", hashlib.sha256).hexdigest()
)
# Anti-spam for consultation responses: the least seconds between starting and sending,
# and the most responses from one address in 10 minutes.
CHORUS_RESPOND_LEAST_SECONDS = env_int("CHORUS_RESPOND_LEAST_SECONDS", 5)
# Moderation: also read each sentence by meaning (all-MiniLM-L6-v2 and a small shipped
# classifier) for special-category passages the word lists miss. Off: word lists only.
CHORUS_SENSITIVE_CLASSIFIER = env_bool("CHORUS_SENSITIVE_CLASSIFIER", True)
# The moderation detector also finds names with a statistical model (chorus/core/person_names.py).
CHORUS_NAME_MODEL = env_bool("CHORUS_NAME_MODEL", True)
# Text analysis: where the distilled fast model is kept, and an optional OpenAI-compatible
# embeddings service ("remote" mode) for teams that run their own.
CHORUS_MODEL_DIR = env_str("CHORUS_MODEL_DIR", str(DATA_DIR / "models"))
os.environ.setdefault("CHORUS_MODEL_DIR", CHORUS_MODEL_DIR)
CHORUS_EMBEDDINGS_URL = env_str("CHORUS_EMBEDDINGS_URL", "")
CHORUS_EMBEDDINGS_MODEL = env_str("CHORUS_EMBEDDINGS_MODEL", "")
CHORUS_EMBEDDINGS_KEY = env_str("CHORUS_EMBEDDINGS_KEY", "")
# Optional: an OpenAI-compatible chat endpoint that rewrites theme labels from their quotes.
CHORUS_CHAT_URL = env_str("CHORUS_CHAT_URL", "")
CHORUS_CHAT_MODEL = env_str("CHORUS_CHAT_MODEL", "")
CHORUS_CHAT_KEY = env_str("CHORUS_CHAT_KEY", "")
CHORUS_RESPOND_MOST_PER_ADDRESS = env_int("CHORUS_RESPOND_MOST_PER_ADDRESS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "chorus.core",
    "chorus.accounts",
    "chorus.directory",
    "chorus.engagement",
    "chorus.events",
    "chorus.cases",
    "chorus.consultations",
    "chorus.equality",
    "chorus.feedback",
    "chorus.analysis",
    "chorus.bulletins",
    "chorus.ideas",
    "chorus.insights",
    "chorus.api",
    "chorus.webhooks",
    "chorus.admin_site.ChorusAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Django Ninja, for the staff API (chorus.api): its Swagger UI files, served from here.
    "ninja",
]

CSRF_FAILURE_VIEW = "chorus.core.views.csrf_failure"
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the rest, so that every response, static files included, gets its headers.
    "chorus.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "chorus.accounts.middleware.SSORecheckMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside locale, sessions and CSP, so that its 405 page is a full page in the right language.
    "chorus.core.methods.MethodsMiddleware",
    # A query that finds the database away answers a kind 503 page, not a 500.
    "chorus.core.outage.DatabaseOutageMiddleware",
    "chorus.core.middleware.ClientAddressMiddleware",
    # Last, so that a locked-out sign-in gets Chorus's own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chorus.urls"
WSGI_APPLICATION = "chorus.wsgi.application"

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
                "chorus.core.context_processors.chorus",
            ],
            # |date_and_time and |time_of_day, on every template.
            "builtins": ["chorus.core.templatetags.dates"],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"

# Single sign-on with OpenID Connect (ADR 0016), off unless an issuer is set. The issuer's
# discovery document gives every endpoint, so any standard provider works by settings alone.
OIDC_ISSUER = env_str("CHORUS_OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = env_str("CHORUS_OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env_str("CHORUS_OIDC_CLIENT_SECRET", "")
if OIDC_ISSUER and not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "CHORUS_OIDC_ISSUER is set, so single sign-on needs CHORUS_OIDC_CLIENT_ID and "
        "CHORUS_OIDC_CLIENT_SECRET too: the application's id and secret from the provider."
    )
# The provider's name on the sign-in button: "Sign in with Microsoft".
OIDC_PROVIDER_NAME = env_str("CHORUS_OIDC_PROVIDER_NAME", "your organisation's account")
OIDC_SCOPES = env_str("CHORUS_OIDC_SCOPES", "openid email profile")
# The claim that lists the groups a person is in (Entra ID: "groups", or "roles" for app roles).
OIDC_GROUPS_CLAIM = env_str("CHORUS_OIDC_GROUPS_CLAIM", "groups")
# "invited": only people an administrator added may sign in. "first-sign-in": anyone in a
# mapped group gets an account the first time they sign in.
OIDC_NEW_USERS = env_choice("CHORUS_OIDC_NEW_USERS", "invited", ("invited", "first-sign-in"))
# "break-glass": passwords are refused except for the administrators listed below, kept for
# when the provider is down. "on": passwords work beside single sign-on.
OIDC_PASSWORDS = env_choice("CHORUS_OIDC_PASSWORDS", "on", ("on", "break-glass"))
OIDC_BREAK_GLASS = [email.lower() for email in env_list("CHORUS_OIDC_BREAK_GLASS", [])]
# How long a single sign-on session lasts before Chorus asks the provider again (sooner if
# the provider's token expires first), so that someone switched off there loses access here.
OIDC_RECHECK_MINUTES = env_int("CHORUS_OIDC_RECHECK_MINUTES", 60, minimum=1)
LOGIN_REDIRECT_URL = "core:staff_home"
LOGOUT_REDIRECT_URL = "core:public_home"

# Lockout after repeated failures, keyed on the email typed in, so that an
# account that does not exist locks exactly like one that does.
AXES_FAILURE_LIMIT = env_int("CHORUS_SIGN_IN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = "chorus.accounts.lockout.cooloff_time"
AXES_LOCKOUT_PARAMETERS = ["username"]
# Staff often share one office address, so axes does not also lock per address at its
# low limit: one mistyped password must not lock out a whole building. Password spraying
# (a few passwords tried on many accounts) is slowed instead by a separate, higher limit
# of failed sign-ins per address in 15 minutes (chorus/accounts/lockout.py).
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # Responses' period index carries the address for PostgreSQL's index-only reads; SQLite
    # keeps the index without it, as meant, so its warning would only be noise.
    "models.W040",
]
CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "chorus.accounts.lockout.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "chorus.accounts.lockout.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_IPWARE_PROXY_COUNT = env_int("CHORUS_PROXY_COUNT", 0)

OTP_TOTP_ISSUER = env_str("CHORUS_SERVICE_NAME", "Chorus")
# No one, not even an administrator, reads another user's two-factor secret in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
# One date format across Chorus, the GOV.UK one ("5 December 2026"): chorus/core/formats/.
FORMAT_MODULE_PATH = ["chorus.core.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_TZ = True

STATIC_URL = env_str("STATIC_URL", "/static/")
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
# Files people asked to export, written by tasks: private (never served as media), each kept
# for CHORUS_EXPORT_KEEP_HOURS after it is ready.
CHORUS_EXPORT_DIR = Path(env_str("CHORUS_EXPORT_DIR", str(DATA_DIR / "exports")))
CHORUS_EXPORT_KEEP_HOURS = env_int("CHORUS_EXPORT_KEEP_HOURS", 24, minimum=1)
# A file that took at least this long is also announced by email (the person may have left the page).
CHORUS_EXPORT_EMAIL_AFTER_SECONDS = env_int("CHORUS_EXPORT_EMAIL_AFTER_SECONDS", 60, minimum=0)

# Duplicate finding runs on DuckDB in the worker (a million people in a few minutes within
# a few GB); "spark" runs the same model on a Spark cluster (CHORUS_LINKAGE_SPARK_MASTER,
# for example spark://linkage.internal:7077, or local[*] to try it on one machine) for
# directories beyond one machine. See docs/deploying.md.
CHORUS_LINKAGE_ENGINE = env_choice("CHORUS_LINKAGE_ENGINE", "duckdb", ("duckdb", "spark"))
CHORUS_LINKAGE_SPARK_MASTER = env_str("CHORUS_LINKAGE_SPARK_MASTER", "local[*]")
CHORUS_LINKAGE_MEMORY_GB = env_int("CHORUS_LINKAGE_MEMORY_GB", 3, minimum=1)

# Tasks are stored in the database and run by `chorus worker`.
TASKS = {
    "default": {
        "BACKEND": env_str("CHORUS_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email", "analysis"],
    }
}
# A running task's worker renews its lease every CHORUS_TASK_HEARTBEAT_SECONDS; a task whose
# lease is older than CHORUS_TASK_LEASE_SECONDS is queued again (at most
# CHORUS_TASK_MAX_ATTEMPTS runs in all) or marked failed. See docs/decisions/0006.
CHORUS_TASK_HEARTBEAT_SECONDS = env_int("CHORUS_TASK_HEARTBEAT_SECONDS", 10, minimum=1)
CHORUS_TASK_LEASE_SECONDS = env_int("CHORUS_TASK_LEASE_SECONDS", 60, minimum=2)
CHORUS_TASK_MAX_ATTEMPTS = env_int("CHORUS_TASK_MAX_ATTEMPTS", 3, minimum=1)
if CHORUS_TASK_LEASE_SECONDS <= 2 * CHORUS_TASK_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "CHORUS_TASK_LEASE_SECONDS must be more than twice CHORUS_TASK_HEARTBEAT_SECONDS, so that "
        "one late heartbeat does not give a running task to another worker."
    )

_email_default = (
    "django.core.mail.backends.filebased.EmailBackend"
    if LOCAL
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", _email_default)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set at most one of EMAIL_USE_TLS and EMAIL_USE_SSL.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chorus@localhost" if LOCAL else None)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Branding: a council or department runs Chorus under its own name and colour.
CHORUS_SERVICE_NAME = env_str("CHORUS_SERVICE_NAME", "Chorus")
CHORUS_SERVICE_NAME_CY = env_str("CHORUS_SERVICE_NAME_CY", CHORUS_SERVICE_NAME)
CHORUS_ORGANISATION_NAME = env_str("CHORUS_ORGANISATION_NAME", "Demo Borough Council" if LOCAL else None)
CHORUS_ORGANISATION_NAME_CY = env_str("CHORUS_ORGANISATION_NAME_CY", CHORUS_ORGANISATION_NAME)
CHORUS_LOGO_URL = env_str("CHORUS_LOGO_URL", "")
CHORUS_BRAND_COLOUR = env_colour("CHORUS_BRAND_COLOUR", "#1d70b8")
CHORUS_SUPPORT_EMAIL = env_str("CHORUS_SUPPORT_EMAIL", DEFAULT_FROM_EMAIL)
# Where Chorus is reached, for links in emails sent by tasks (which have no request).
CHORUS_BASE_URL = env_str(
    "CHORUS_BASE_URL",
    f"http://localhost:{env_str('PORT', '8000')}" if LOCAL else f"https://{ALLOWED_HOSTS[0].lstrip('.')}",
).rstrip("/")

# Bulletins: the sender's address, messages per second (0: no limit), batch size, how many
# workers send one bulletin at once, GOV.UK Notify (used instead of the email backend when
# a key is set), and the token that bounce and complaint callbacks must carry.
CHORUS_BULLETIN_FROM_EMAIL = env_str("CHORUS_BULLETIN_FROM_EMAIL", DEFAULT_FROM_EMAIL)
CHORUS_BULLETIN_RATE = env_int("CHORUS_BULLETIN_RATE", 50)
CHORUS_BULLETIN_BATCH = env_int("CHORUS_BULLETIN_BATCH", 200, minimum=1)
CHORUS_BULLETIN_SENDERS = env_int("CHORUS_BULLETIN_SENDERS", 1, minimum=1)
# A delivery claimed longer ago than this by a sender that has gone is marked "unknown".
CHORUS_BULLETIN_STALE_SECONDS = env_int("CHORUS_BULLETIN_STALE_SECONDS", 600)
CHORUS_NOTIFY_API_KEY = env_str("CHORUS_NOTIFY_API_KEY", "")
CHORUS_NOTIFY_TEMPLATE_ID = env_str("CHORUS_NOTIFY_TEMPLATE_ID", "")
CHORUS_NOTIFY_BASE_URL = env_str("CHORUS_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
CHORUS_BULLETIN_CALLBACK_TOKEN = env_str("CHORUS_BULLETIN_CALLBACK_TOKEN", "")
if CHORUS_NOTIFY_API_KEY:
    if not CHORUS_NOTIFY_TEMPLATE_ID:
        raise ImproperlyConfigured(
            "Set CHORUS_NOTIFY_TEMPLATE_ID to a Notify email template whose subject is ((subject)) "
            "and whose body is ((body)), or leave CHORUS_NOTIFY_API_KEY empty."
        )
    EMAIL_BACKEND = "chorus.bulletins.notify.NotifyEmailBackend"

# Security. Local mode runs on plain http://localhost, so HTTPS-only settings
# apply in production only.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("CHORUS_SESSION_SECONDS", 8 * 60 * 60, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
_https = env_bool("CHORUS_HTTPS", not LOCAL)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _https)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
if env_bool("CHORUS_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Where the provider's sign-out page is, when not at the issuer's own address.
_OIDC_ORIGINS = (
    [env_str("CHORUS_OIDC_SIGN_OUT_ORIGIN", "") or "/".join(OIDC_ISSUER.split("/")[:3])]
    if OIDC_ISSUER
    else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        # Signing out posts to Chorus, which sends the browser on to the provider's sign-out:
        # browsers check that redirect against form-action too.
        "form-action": [SELF, *_OIDC_ORIGINS],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "splink": {"level": "WARNING"}, "py4j": {"level": "WARNING"}},
}

# Limits on every spreadsheet import (chorus/core/spreadsheets.py): the file's size, what an
# Excel workbook may unpack to and how hard it may be compressed, its columns and its rows.
CHORUS_IMPORT_MAX_BYTES = env_int("CHORUS_IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1)
CHORUS_IMPORT_MAX_UNPACKED_BYTES = env_int("CHORUS_IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024, minimum=1)
CHORUS_IMPORT_MAX_COMPRESSION_RATIO = env_int("CHORUS_IMPORT_MAX_COMPRESSION_RATIO", 100, minimum=2)
CHORUS_IMPORT_MAX_ROWS = env_int("CHORUS_IMPORT_MAX_ROWS", 100_000, minimum=1)
CHORUS_IMPORT_MAX_COLUMNS = env_int("CHORUS_IMPORT_MAX_COLUMNS", 200, minimum=1)

# How many rows a staff list shows on one page.
CHORUS_PAGE_SIZE = 50
CHORUS_INVITATION_DAYS = 7
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
CHORUS_AUDIT_RETENTION = timedelta(days=env_int("CHORUS_AUDIT_RETENTION_DAYS", 6 * 365, minimum=365))

del _https, _email_default, _default_database, _database_url, _database
