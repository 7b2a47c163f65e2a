"""Django settings for thidua: values come from the environment (see .env.example)."""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("THIDUA_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _development_secret() -> str:
    """A secret generated once into var/, so the repository never holds one."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("THIDUA_DEBUG", default=False)
PRODUCTION = env.bool("THIDUA_PRODUCTION", default=False)
SECRET_KEY = env.str("THIDUA_SECRET_KEY", default="") or _development_secret()
ALLOWED_HOSTS = env.list("THIDUA_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("THIDUA_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "template_partials",
    "axes",
    "huey.contrib.djhuey",
    "thidua",
    "thidua.org",
    "thidua.audit",
    "thidua.accounts",
    "thidua.notifications",
    "thidua.movements",
    "thidua.reporting",
    "thidua.oversight",
    "thidua.evaluation",
    "thidua.awards",
    "thidua.council",
    "thidua.dashboards",
    "thidua.disclosures",
    "thidua.packs",
    "thidua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "thidua.lib.middleware.CookieLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "thidua.urls"
# Form widgets render from the project's templates, so that thidua/templates/django/forms/
# overrides them: every file input uses includes/file_input.html (words in the page's language).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "thidua.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "thidua" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "thidua.accounts.context.site",
                "thidua.notifications.context.unread",
            ],
            "builtins": ["thidua.lib.templatetags.vi"],
        },
    }
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'thidua.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    # Reuse connections between requests (a new PostgreSQL connection per request costs
    # ~15 ms); health checks drop a connection the server closed.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("THIDUA_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.int("THIDUA_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
# Failures count per user name at one address: one person's typos lock neither the office
# behind the same proxy nor that name elsewhere; an administrator can lift a lockout.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "thidua.accounts.lockouts.client_ip"
# Reverse proxies in front of the app whose forwarded-for header is trusted (0: none, the
# connection's address counts) and the header they set, as a request.META key.
THIDUA_TRUSTED_PROXIES = env.int("THIDUA_TRUSTED_PROXIES", default=0)
THIDUA_PROXY_IP_HEADER = env.str("THIDUA_PROXY_IP_HEADER", default="HTTP_X_FORWARDED_FOR")
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["thidua.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Never group integers implicitly: ids in URLs and HTML ids must stay plain. Figures are
# formatted explicitly with the vnnum / vnexact filters (1.234.567,5).
USE_THOUSAND_SEPARATOR = False
LANGUAGE_COOKIE_NAME = "thidua_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
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
MEDIA_ROOT = VAR_DIR / "media"
# The private keys of open council sessions' ballots: outside the database and its backups
# (docs/decisions/0005-secret-ballot.md). Every app server must see the same directory.
BALLOT_KEY_DIR = Path(env.str("THIDUA_BALLOT_KEY_DIR", default=str(VAR_DIR / "ballot-keys")))
WHITENOISE_USE_FINDERS = not PRODUCTION

# Uploads: 20 MB is the product's limit for any imported file.
THIDUA_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# audit_verify also checks the chain against the heads anchored in the public log (issue 12).
THIDUA_AUDIT_ANCHORS = "thidua.disclosures.anchors.local_anchors"
# The portal publishes finished phase reviews through this module (issue 12; dashboards and
# disclosures are siblings in the layers and do not import each other).
THIDUA_PUBLIC_REVIEWS = "thidua.dashboards.review_public"
# Digital signatures on issued decisions (PAdES, docs/transparency.md "Chữ ký số"): off unless
# a PKCS#12 file (or a directory of them, one `<unit code>.p12` per issuing unit) is given.
THIDUA_SIGNING_P12 = env.str("THIDUA_SIGNING_P12", default="")
THIDUA_SIGNING_P12_PASSWORD = env.str("THIDUA_SIGNING_P12_PASSWORD", default="")
THIDUA_SIGNING_DIR = env.str("THIDUA_SIGNING_DIR", default="")
THIDUA_SIGNING_TRUST = env.str("THIDUA_SIGNING_TRUST", default="")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# Background jobs (Excel imports): huey with its queue in var/huey.sqlite3, or in Redis when
# THIDUA_REDIS_URL is set. `manage.py run_huey` runs the worker (`make run` starts one).
# THIDUA_HUEY_IMMEDIATE=1 runs each job inside the request instead (no worker needed).
HUEY: dict[str, object] = {
    "name": "thidua",
    "immediate": env.bool("THIDUA_HUEY_IMMEDIATE", default=False),
    "results": False,
    "consumer": {"workers": 1, "worker_type": "thread"},
}
if env.str("THIDUA_REDIS_URL", default=""):
    HUEY |= {"huey_class": "huey.RedisHuey", "url": env.str("THIDUA_REDIS_URL")}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}

# E-mail (notifications, password reset): THIDUA_EMAIL_URL as smtp://user:pass@host:587/?tls=True
# or smtp+ssl://...; the console backend (messages printed by the server) by default.
_email = env.email_url("THIDUA_EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = int(_email.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_TIMEOUT = env.int("THIDUA_EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("THIDUA_EMAIL_FROM", default="thidua <thidua@localhost>")
# The address of the site as users reach it, for the links in e-mails.
THIDUA_SITE_URL = env.str("THIDUA_SITE_URL", default="http://127.0.0.1:8000")

# Security: strict in production, relaxed for http://127.0.0.1 in development.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("THIDUA_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("THIDUA_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("THIDUA_LOG_LEVEL", default="WARNING")},
}
# Publicity on time (Decree 266/2026) on reporting's completeness board and org's unit page:
# disclosures answers through this function (it sits above both in the layers).
THIDUA_PUBLICITY_STATUS = "thidua.disclosures.views_national.publicity_summary"
# A report's figures approved or taken back: the plan flags re-check the unit's year at once.
THIDUA_REPORT_LOCK_CHANGED = ["thidua.oversight.actions_plan.recheck_report"]
