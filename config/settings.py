"""Lectern settings, read from the environment. See README.md, "Configuration"."""

from pathlib import Path
from zoneinfo import available_timezones

import dj_database_url
from celery.schedules import crontab
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

from config.env import email_settings, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set unless DEBUG is on.")
    SECRET_KEY = "insecure-debug-only-key-do-not-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS: on by default in production; turn off only behind plain HTTP on a trusted network.
SECURE_HTTPS = env_bool("SECURE_HTTPS", default=not DEBUG)
if SECURE_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers check over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every page: scripts and style sheets come from this
# site's files only (no inline <script>, no on…= handlers, no eval, no <style> blocks). Style
# attributes stay allowed (style-src-attr): the schedule grid and the progress bars place
# their boxes with them, and they cannot run code. Uploaded files carry their own, stricter
# policy (config.media).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF],
        "style-src-attr": [csp_constants.UNSAFE_INLINE],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF],
        "connect-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    }
}
# Browser features no page of Lectern uses, refused to the site and anything it embeds.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=(), "
    "xr-spatial-tracking=()"
)

INSTALLED_APPS = [
    "config.apps.LecternAdminConfig",  # Django's admin, with the staff login closed
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Its indexes' expressions (cfp: trigram indexes on UPPER(title)…) are written correctly
    # only with the app installed; on SQLite it does nothing.
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's and Redoc's files, served from here (no CDN)
    "rules.apps.AutodiscoverRulesConfig",
    "speakers",
    "cfp",
    "reviews",
]

MIDDLEWARE = [
    # The policy headers first, so that every response carries them, the health check's too.
    "config.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.LocalHealthCheckMiddleware",  # before the host and HTTPS checks
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.Utf8FormBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# The benchmark harness (bench/) reads each request's query count and time from this file.
REQUEST_STATS_FILE = env_str("REQUEST_STATS_FILE")
if REQUEST_STATS_FILE:
    MIDDLEWARE.insert(0, "config.middleware.RequestStatsMiddleware")

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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'lectern.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Several requests at once (a browser and Celery tasks) must wait, not fail, on a lock:
    # in WAL mode readers never wait for the writer, and a transaction takes the write lock
    # when it begins (waiting up to the timeout), never by upgrading a read lock halfway
    # through, which fails at once with "database is locked" when another writer went first.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query whose estimate looks big (a list with EXISTS filters
    # over 20,000 proposals) and spent 30-50 ms doing so on queries that run in 10 ms.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "speakers.User"
# Permissions are rules (cfp/rules.py); the two sign-in backends grant no model permissions
# and load the user with their profile (speakers/backends.py).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "speakers.backends.PasswordBackend",
    "speakers.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "cfp:my_proposals"

# The site's name in account emails and their subjects ("Hello from Lectern!").
SITE_NAME = env_str("SITE_NAME", "Lectern")

# The client's address, for the rate limits: REMOTE_ADDR unless proxies of ours stand in front.
# TRUSTED_PROXY_COUNT proxies each append to X-Forwarded-For (its n-th entry from the right is
# the client); or TRUSTED_CLIENT_IP_HEADER names a header the proxy sets (e.g. X-Real-IP).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER") or None

# django-allauth: login by email, verified by a link; rate limits on login and sign-up.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# A password reset for an address without an account sends nothing (the page reads the same).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_RATE_LIMITS = {
    # Every login from one address, right or wrong: only a flood guard (each try costs an Argon2
    # hash), high enough for a venue's or an office's crowd signing in at once.
    "login": "300/m/ip",
    # Wrong passwords per account: the sixth try within 5 minutes is refused, even a right one.
    "login_failed": "5/5m/key",
    # Wrong passwords per address (a venue, an office): past 10 a minute, each account gets one
    # wrong try per 5 minutes from there; a right password still signs in (cfp.adapters).
    "login_failed_address": "10/m/ip",
    "login_failed_noisy_address": "1/5m/key",
    "signup": "20/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
if TIME_ZONE not in available_timezones():
    raise ImproperlyConfigured(f"TIME_ZONE {TIME_ZONE!r} is not a known IANA time zone")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Files only some people may open (answers to file questions): never under MEDIA_URL,
# served by views that check who asks (cfp.questions).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-files-are-never-served/"},
    },
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploaded photos are re-encoded; anything bigger than this never reaches Pillow.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = env_str("REDIS_URL")
# Without Redis, tasks run inside the request that sends them (SMTP too) and each process keeps
# its own cache: fine with DEBUG, never for a site, so outside DEBUG it stops the start. Only
# TASKS_IN_PROCESS=1 says it is meant (the test suite: config/settings_test.py).
if not REDIS_URL and not DEBUG and not env_bool("TASKS_IN_PROCESS", default=False):
    raise ImproperlyConfigured(
        "REDIS_URL must be set unless DEBUG is on, e.g. REDIS_URL=redis://127.0.0.1:6379/0: "
        "Celery's broker (tasks, emails included, run in a worker) and the shared cache."
    )
if REDIS_URL:
    # While Redis cannot be reached, the cache (and the login rate limits in it) fall back to
    # this process's memory: pages and logins keep working (config/cache.py).
    CACHES = {"default": {"BACKEND": "config.cache.FallbackRedisCache", "LOCATION": REDIS_URL}}
else:
    # Each process counts for itself: run one web process without Redis (see README).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with Redis a worker runs the tasks; without it they run in-process, at once.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# The queue tasks go to and workers take from (several installations may share one Redis).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_BEAT_SCHEDULE = {
    # The outbox sweeper: pending messages whose task was lost, and claims of dead workers.
    "requeue-due-messages": {"task": "cfp.tasks.requeue_due_messages", "schedule": 60.0},
    # The webhooks' sweeper: deliveries due for a retry, whose task was lost, or whose
    # worker died.
    "requeue-due-webhooks": {"task": "cfp.tasks.requeue_due_webhooks", "schedule": 60.0},
    # Review figures whose refresh task was lost: the normalised scores catch up.
    "refresh-stale-scores": {"task": "reviews.tasks.refresh_stale_scores", "schedule": 60.0},
    # Accepted speakers who have not confirmed, once a day (each proposal is reminded once).
    "send-confirmation-reminders": {
        "task": "cfp.tasks.send_confirmation_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    # Speakers of confirmed talks without slides, once each; hourly, so that the reminder
    # comes soon after midnight in each event's own time zone.
    "send-slides-reminders": {
        "task": "cfp.tasks.send_slides_reminders",
        "schedule": crontab(minute=20),
    },
}

EMAIL_URL = env_str("EMAIL_URL", "console:" if DEBUG else "smtp://127.0.0.1:25")
_email = email_settings(EMAIL_URL)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Lectern <noreply@localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The first retry after a transient SMTP failure; each next one waits twice as long.
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 30)
# How long the SMTP server may take to answer the end of a message: RFC 5321 4.5.3.2 says
# 10 minutes (the greeting and the commands keep EMAIL_URL's `timeout`, 10 s).
EMAIL_DATA_REPLY_TIMEOUT = env_int("EMAIL_DATA_REPLY_TIMEOUT", 600)
# The delivery task may wait that long, plus its commands and recording the outcome; a claim
# older than this plus a margin is a dead worker's (cfp.outbox.claim_timeout).
OUTBOX_DELIVERY_TIME_LIMIT = EMAIL_DATA_REPLY_TIMEOUT + 180
CELERY_TASK_ANNOTATIONS = {
    "cfp.tasks.deliver_message": {
        "soft_time_limit": OUTBOX_DELIVERY_TIME_LIMIT - 30,
        "time_limit": OUTBOX_DELIVERY_TIME_LIMIT,
    }
}

# Webhooks (cfp.webhooks): how long a receiver may take to answer, the first retry's wait
# (each next one waits twice as long), and whether endpoints may be private, loopback or
# link-local addresses (off: an organizer's URL must not reach into our own network).
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=False)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Speakers' slides (PDF): anything bigger is refused before it is opened.
SLIDES_MAX_BYTES = env_int("SLIDES_MAX_MB", 20) * 1024 * 1024
# The public talks and schedule pages: how long a rendered body is reused (0: never cached).
# A newly published version shows at once; an edited title or speaker name within this time.
PROGRAMME_CACHE_SECONDS = env_int("PROGRAMME_CACHE_SECONDS", 60)

# How long a co-speaker invitation link stays valid.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
# The site's address as visitors reach it: links in emails and feeds start with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
if not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL must be set unless DEBUG is on, e.g. SITE_URL=https://cfp.example.org: "
        "the address that links in emails point at."
    )
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=DEBUG)
ACCOUNT_ADAPTER = "cfp.adapters.AccountAdapter"

# The API (/api/v1/, config/api.py): JSON only, a token (speakers.api) or the browser's
# session (the docs page, with CSRF), cursor pages, errors always JSON of one shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "speakers.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["speakers.api.permissions.SignedIn"],
    "DEFAULT_THROTTLE_CLASSES": [
        "speakers.api.throttling.TokenRateThrottle",
        "speakers.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("API_RATE_PER_TOKEN", "600/minute"),
        "anonymous": env_str("API_RATE_ANONYMOUS", "300/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api.CursorPages",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "config.api.StrictOrdering",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
}
# Wrong tokens from one address: a flood guard on the API's credential check (allauth's
# rate limiter, as for passwords).
API_RATE_LIMITS = {"token_failed": env_str("API_RATE_TOKEN_FAILED", "30/m/ip")}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lectern API",
    "DESCRIPTION": "The call for papers, its proposals, reviews and published programme.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
