"""Django settings for Fupin. Everything that differs between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ

from fupin.core.plugins import discover_apps

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
env = environ.Env()
if (PROJECT_DIR / ".env").exists():
    environ.Env.read_env(PROJECT_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("FUPIN_VAR_DIR", default=str(PROJECT_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("FUPIN_TESTING", default=False)
if DEBUG or TESTING:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    # `fupin` commands (fupin.cli) turn a missing variable into one line naming it.
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "django_tables2",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Fupin's apps: every package of fupin/ with a plugin.py, lowest layer first.
    *discover_apps(),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "fupin.core.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "fupin.urls"
WSGI_APPLICATION = "fupin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "fupin.core.context_processors.navigation",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'fupin.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # Production keeps connections open for a minute (checked before reuse): no connect per
    # request, and the monitoring re-check's prepared statement is planned once per connection.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0 if DEBUG else 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Each checkout or CI job may name its own test database so parallel runs do not collide.
if env.str("TEST_DB_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DB_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock-out after repeated failed logins (django-axes), per user name AND address: a stranger
# guessing someone's name from elsewhere locks out only that combination, never the real user
# at the office. The name is normalised (spaces, case) so variants count as one.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "fupin.accounts.security.axes_username"
# The address is REMOTE_ADDR (a client cannot forge it); behind a reverse proxy set
# AXES_IPWARE_PROXY_COUNT=1 so the proxy's X-Forwarded-For is used instead.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"])
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "fupin.accounts.security.LockoutAwareTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "fupin.core.api.StandardPagination",
    "DEFAULT_PARSER_CLASSES": [
        "fupin.core.api_input.NulFreeJSONParser",  # NUL is refused with a 400 (issue 12)
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "fupin.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fupin API",
    "DESCRIPTION": "扶贫：建档立卡、防止返贫动态监测与帮扶的接口",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
}

TASKS = {
    "default": {
        "BACKEND": env.str(
            "FUPIN_TASK_BACKEND",
            default=(
                "django_tasks.backends.immediate.ImmediateBackend"
                if TESTING
                else "django_tasks_db.DatabaseBackend"
            ),
        )
    }
}

# Background jobs: a running job beats every FUPIN_JOB_HEARTBEAT_SECONDS (on its own
# connection, so progress shows during a write transaction); one silent for
# FUPIN_JOB_STALE_MINUTES, or whose worker process is gone, is marked failed.
FUPIN_JOB_HEARTBEAT = env.bool("FUPIN_JOB_HEARTBEAT", default=True)
FUPIN_JOB_HEARTBEAT_SECONDS = env.int("FUPIN_JOB_HEARTBEAT_SECONDS", default=15)
FUPIN_JOB_STALE_MINUTES = env.int("FUPIN_JOB_STALE_MINUTES", default=30)
# Staged rows, uploaded files, rejected-row reports and exports (full IDs) are removed this
# many days after their import or export finished (`fupin ledger cleanup`, nightly).
FUPIN_LEDGER_RETENTION_DAYS = env.int("FUPIN_LEDGER_RETENTION_DAYS", default=7)

# Upload limits (ledgers, attachments); bytes.
FUPIN_MAX_UPLOAD_BYTES = env.int("FUPIN_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# Ledger reading limits, checked before allocation (fupin.core.limits).
for _name, _default in (("FUPIN_LEDGER_MAX_ROWS", 1_100_000), ("FUPIN_LEDGER_MAX_COLUMNS", 256),
                        ("FUPIN_LEDGER_MAX_CELLS", 50_000_000),
                        ("FUPIN_LEDGER_MAX_LINE_BYTES", 64 * 1024),
                        ("FUPIN_LEDGER_MAX_UNZIPPED_BYTES", 1024 * 1024 * 1024)):
    globals()[_name] = env.int(_name, default=_default)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Sessions last a working day, not two weeks.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Production (DEBUG off) is served over HTTPS: secure cookies and HSTS on by default; a
# plain-HTTP trial may switch them off with SECURE_COOKIES=0 / SECURE_HSTS_SECONDS=0.
_production = not DEBUG and not TESTING
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=_production)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=_production)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content-Security-Policy (fupin.core.security.ContentSecurityPolicyMiddleware): scripts only
# from this site; on by default when DEBUG is off.
FUPIN_CSP = env.bool("FUPIN_CSP", default=_production)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
