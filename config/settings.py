"""All settings, read from the environment in one place, top to bottom.

Every variable read here is listed in the README with its default. The defaults run the portal on a
laptop with nothing else installed (SQLite, a file-system Celery broker, mail printed and stored);
production sets DATABASE_URL, CELERY_BROKER_URL, CACHE_URL, SECRET_KEY and the Anymail variables.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # git-ignored: SQLite file, local broker folders, stored dev mail


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG")

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghijkl"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.OrganisationAdminConfig",  # Django admin, for organisation admins only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "anymail",
    "csp",
    "axes",
    "projects",
    "comms",
    "escalations",
    "dashboard",
    "portal",
    "api",
]

MIDDLEWARE = [
    "config.middleware.private_and_featureless",  # first: its headers go on every response
    "config.middleware.utc_between_requests",
    "comms.webhooks.closed_without_secret",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "projects.team_language.MemberLocaleMiddleware",  # Django's LocaleMiddleware, with the member's choice
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as axes asks: turns a locked-out attempt into its answer
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file on a laptop: WAL and IMMEDIATE transactions keep
    # them from failing with "database is locked" when two write at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
else:
    # Every query here is short. PostgreSQL's JIT compiled the larger ones (a record search over
    # thousands of matches) for 0.2–0.4 s, more than running them cost; and the record is read from
    # memory, not a spinning disk, so a random page costs about what a sequential one does (without
    # this the planner scans a common word's whole GIN posting list to avoid reading one project's
    # rows). Measured by bench/search.py.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Time -------------------------------------------------------------------------------------

USE_TZ = True
TIME_ZONE = "UTC"  # storage and logs; people see times in their business calendar's zone
LANGUAGE_CODE = "en-gb"  # the team's pages, and British English wherever a client's language is English
USE_I18N = True
# The languages a client may read the portal and their mail in; each has its catalogue in
# locale/ (compiled with `manage.py compile_translations`). English needs none: it is the source.
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Auth -------------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:portfolio"
LOGOUT_REDIRECT_URL = "login"

# --- Static files -----------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Cache (rate limits of the portal's "send me a link" page) -------------------------------

if not env("CACHE_URL") and not DEBUG:
    # Each web process would count against its own memory: the limits would multiply by their number.
    raise ImproperlyConfigured(
        "CACHE_URL must be set when DEBUG is off (a Redis URL all web processes share)."
    )
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("CACHE_URL")}
        if env("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Celery -----------------------------------------------------------------------------------

CELERY_BROKER_URL = env("CELERY_BROKER_URL") or env("REDIS_URL") or "filesystem://localhost/"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Broker-free default: worker and beat exchange messages through a git-ignored folder.
    BROKER_FOLDER = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER / "queue"),
        "data_folder_out": str(BROKER_FOLDER / "queue"),
        "processed_folder": str(BROKER_FOLDER / "processed"),
        "store_processed": False,
        # Kombu keeps its exchange table here; its default is a `control/` folder in the working directory.
        "control_folder": str(BROKER_FOLDER / "control"),
    }
# Installations (or test runs) that share one Redis each take their own queue.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Mail -------------------------------------------------------------------------------------

EMAIL_BACKEND = env("EMAIL_BACKEND", "comms.devmail.EmailBackend")
DEV_MAIL_DIR = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Client updates <updates@portal.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Replies carry the project's token, so inbound mail can be matched to its project.
REPLY_TO_ADDRESS = env("REPLY_TO_ADDRESS", "reply+{token}@portal.localhost")
ANYMAIL = {
    key: value
    for key, value in {
        "POSTMARK_SERVER_TOKEN": env("ANYMAIL_POSTMARK_SERVER_TOKEN"),
        "MAILGUN_API_KEY": env("ANYMAIL_MAILGUN_API_KEY"),
        "MAILGUN_SENDER_DOMAIN": env("ANYMAIL_MAILGUN_SENDER_DOMAIN"),
        "MAILGUN_WEBHOOK_SIGNING_KEY": env("ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY"),
        "WEBHOOK_SECRET": env("ANYMAIL_WEBHOOK_SECRET"),
        # The providers' API base URLs, for staging and tests that point the real backend at a
        # local server; the outbox asks the provider about an unknown send at the same address.
        "POSTMARK_API_URL": env("ANYMAIL_POSTMARK_API_URL"),
        "MAILGUN_API_URL": env("ANYMAIL_MAILGUN_API_URL"),
    }.items()
    if value
}
if env("ANYMAIL_REQUESTS_TIMEOUT"):
    ANYMAIL["REQUESTS_TIMEOUT"] = float(env("ANYMAIL_REQUESTS_TIMEOUT"))  # seconds; Anymail's default is 30
# --- Chat and the project board ----------------------------------------------------------------
# Slack: a bot token with chat:write, channels:history, groups:history and users:read.email; the
# signing secret verifies the Events API's requests. The API URL is for tests and staging that
# point the official client at a local server.
SLACK_BOT_TOKEN = env("SLACK_BOT_TOKEN")
SLACK_SIGNING_SECRET = env("SLACK_SIGNING_SECRET")
SLACK_API_URL = env("SLACK_API_URL", "https://slack.com/api/")
# The board task updates go to and build updates are drafted from; Trello is the one adapter so far.
BOARD_PROVIDER = env("BOARD_PROVIDER", "trello")
TRELLO_API_KEY = env("TRELLO_API_KEY")
TRELLO_API_TOKEN = env("TRELLO_API_TOKEN")
TRELLO_API_URL = env("TRELLO_API_URL", "https://api.trello.com/1/")
# Seconds a chat or board request may take before it counts as "no answer" (retried, looked up first).
CHANNEL_REQUEST_TIMEOUT = float(env("CHANNEL_REQUEST_TIMEOUT", "10"))

# How long a sender holds a message it is sending before another may take it over, and how long
# after a send whose outcome is unknown the provider's search is trusted (unset: each provider's
# own figure, comms/providers.py). Only a kill test or a staging drill shortens them.
OUTBOX_LEASE = dt.timedelta(seconds=float(env("OUTBOX_LEASE_SECONDS", "120")))
PROVIDER_SEARCH_DELAY = (
    dt.timedelta(seconds=float(env("PROVIDER_SEARCH_DELAY_SECONDS")))
    if env("PROVIDER_SEARCH_DELAY_SECONDS")
    else None
)

# --- Client mail arriving: webhooks routed, attachments stored ---------------------------------

# Postmark's webhooks are routed when its token is set; this routes them without one, for a team
# that receives client mail through Postmark but sends through another provider.
POSTMARK_INBOUND = env_bool("POSTMARK_INBOUND")
# Attachments of client mail. They are handed out only by a view that checks who asks, never from
# MEDIA_URL. On a laptop they go to a git-ignored folder; with STORAGE_BUCKET set, to that
# S3-compatible bucket (boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY itself).
MEDIA_ROOT = VAR_DIR / "media"
if env("STORAGE_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("STORAGE_BUCKET"),
            "endpoint_url": env("STORAGE_ENDPOINT_URL") or None,
            "region_name": env("STORAGE_REGION") or None,
            "location": env("STORAGE_PREFIX"),
            "file_overwrite": False,
        },
    }

# --- Product ----------------------------------------------------------------------------------

# Where the portal is reached from outside, for links in email; `make run` passes its own address.
# An empty value counts as unset: links without a host would not open from a mail client.
SITE_URL = env("SITE_URL") or "http://127.0.0.1:8000"
# How long the read-only portal link in routine update emails stays valid.
PORTAL_LINK_DAYS = int(env("PORTAL_LINK_DAYS", "14"))
# Words the draft lint flags as jargon a client may not know (comma-separated); empty: the
# built-in list in comms/lint.py.
JARGON_WORDS = env_list("JARGON_WORDS")

# --- API -------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: an unauthenticated request then gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.CountedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.handle_exception",
    # JSON only: the browsable API's pages carry inline script that the strict CSP would block.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Client communication portal API",
    "DESCRIPTION": "Read and write the record: projects with their plan, contacts, phases, commitments, "
    "decisions, updates, messages and escalations; search it; look up the team's people. "
    "Authenticate with `Authorization: Token <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Read and write shapes differ (ids in, read-only fields out), so each gets its own component.
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH here still needs its key field (a draft's revision), so it keeps its required list.
    "COMPONENT_SPLIT_PATCH": False,
    # Swagger UI's files come from drf-spectacular-sidecar as our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "Phase": "projects.models.Phase",
        "PlannedPhase": "api.projects.PLANNED_PHASES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# --- Security (production posture; `manage.py check --deploy` passes with DEBUG off) ----------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# /healthz is polled over plain HTTP by docker-compose and load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Security: sign-in throttling, proxies, headers -------------------------------------------

# Reverse proxies in front of the web processes that append to X-Forwarded-For (0: clients connect
# directly). The client's address is the Nth entry from its right (projects/network.py), and the
# portal's rate limits and the sign-in lockout count against that one address.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))

# Failed sign-ins and wrong API tokens (django-axes, its database handler: every process sees the
# same count). Five failures within 15 minutes lock out that username from every address and that
# address for every username (config/lockout.py), until 15 minutes after the last try. By address
# alone, a guesser with many addresses would get five tries at one account from each; by username
# alone, one address could try five passwords at every account. The price is that anyone can pause
# a known username for 15 minutes; an admin lifts it with `manage.py axes_reset_username`.
# A success does not reset the count, or a team member could clear their address between guesses
# at someone else's account.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out attempt before any check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
# Axes' default, stated because the lockout page's "try again after" counts from the latest try.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_PARAMETERS = "config.lockout.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "projects.network.request_ip"
AXES_LOCKOUT_CALLABLE = "config.lockout.locked_out"

# --- Content-Security-Policy (django-csp 4.x) -------------------------------------------------

# Every script and stylesheet is a file we serve (htmx is vendored), so nothing inline runs: no
# 'unsafe-inline', no nonces. Charts are inline SVG styled by presentation attributes and classes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging: everything to stdout, for docker and process managers ---------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "INFO")},
}
