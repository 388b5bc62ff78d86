"""Settings for Ballast.

All configuration comes from environment variables (see docs/configuration.md). The
defaults give the embedded mode: SQLite in ./var, debug on, local addresses only. The
production mode (``BALLAST_MODE=production``) refuses to start without a secret key and
allowed hosts.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ballast.core.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BALLAST_VAR_DIR", str(BASE_DIR / "var")))

MODE = env_choice("BALLAST_MODE", "embedded", ("embedded", "production"))
PRODUCTION = MODE == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production mode (BALLAST_MODE=production)."
        )
    SECRET_KEY = "embedded-mode-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production mode.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ballast.core",
    "ballast.regions",
    "ballast.accounts",
    "ballast.attachments",
    "ballast.inbox",
    "ballast.projects",
    "ballast.reports",
    "ballast.figures",
    "ballast.alerts",
    "ballast.assessments",
    "ballast.coordination",
    "ballast.attraction",
    "ballast.imports",
    "ballast.bulletins",
    "ballast.demo",
    "ballast.web",
    "ballast.dashboards",
    "ballast.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files (issue 16), before sessions
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ballast.core.replica.ReplicaMiddleware",  # heavy reads to the replica (issue 16)
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ballast.core.history.HistoryActorMiddleware",
    "ballast.accounts.middleware.AccountSecurityMiddleware",
    # After the others, so that it sees a view's exception first: a lock wait that ran
    # out, a serialization failure or a stale save becomes a 409/503 page, never a 500.
    "ballast.web.middleware.ConflictMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ballast.urls"

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
                "django.template.context_processors.i18n",
                # the header's unread badge (the shell shows ``inbox`` if present)
                "ballast.inbox.context_processors.inbox",
            ],
        },
    },
]

WSGI_APPLICATION = "ballast.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ballast.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
# --- database: concurrency (issue 10, holes 5 and 6; docs/concurrency.md) ---------------
# Two people acting at once must never get an error page: writers wait their turn, and a
# wait that runs out becomes a "请稍后重试" page (ballast.web.middleware.ConflictMiddleware),
# never a 500. Lost updates are refused by the records' versions (ballast.core.concurrency).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    pg_options = []
    if env_bool("DATABASE_JIT_OFF", True):
        # PostgreSQL's JIT compiles the figures' aggregates afresh on every call and makes
        # them 1.4–2× slower (docs/performance.md); off unless DATABASE_JIT_OFF=false.
        pg_options.append("-c jit=off")
    # A write waiting on another's row lock gives up after this long (the person is asked
    # to try again) instead of holding a worker indefinitely; 0 waits for ever.
    pg_options.append(f"-c lock_timeout={env_int('DATABASE_LOCK_TIMEOUT', 20, minimum=0)}s")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(pg_options)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Seconds a connection waits for the write lock (SQLite's busy timeout).
            "timeout": env_int("DATABASE_LOCK_TIMEOUT", 20, minimum=1),
            # Every transaction.atomic() starts with BEGIN IMMEDIATE: it takes the write lock
            # at its start and waits (timeout) for it. With the default DEFERRED a
            # transaction that read first and writes second cannot wait — SQLite answers
            # "database is locked" at once when another writer got in between — which gave
            # the 500s of two simultaneous approvals. Reads outside atomic blocks (pages)
            # take no lock and, with WAL, never wait for a writer.
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# --- end database: concurrency --------------------------------------------------------

# --- Authentication (identification, passwords, lockout, sessions, 2FA) ------------------
# One block, documented in docs/configuration.md and docs/security.md (等保2.0 L3
# 身份鉴别, ASVS 5.0 V6/V7). The same rules hold in both modes.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out account or address before any password
    # is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 8, minimum=8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Three of four character classes; not the username; not one of the last N (the
    # city's security settings, accounts.SecuritySettings).
    {"NAME": "ballast.accounts.passwords.CharacterClassesValidator"},
    {"NAME": "ballast.accounts.passwords.NotUsernameValidator"},
    {"NAME": "ballast.accounts.passwords.ReuseHistoryValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"

# Lockout (django-axes): after BALLAST_LOGIN_FAILURE_LIMIT failures the account AND the
# address are each locked for BALLAST_LOGIN_COOLOFF_MINUTES, or until the security
# administrator unlocks them (/accounts/locks/).
AXES_FAILURE_LIMIT = env_int("BALLAST_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("BALLAST_LOGIN_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The locks are managed on the security administrator's page, not in the admin site.
AXES_ENABLE_ADMIN = False

# Sessions: end when the browser closes, and after BALLAST_IDLE_TIMEOUT_MINUTES without a
# request (the expiry is pushed forward by every request).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * env_int("BALLAST_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
# The idle expiry is pushed on by a request at most once a minute
# (accounts.middleware.AccountSecurityMiddleware), not by saving on every request.
SESSION_SAVE_EVERY_REQUEST = False
BALLAST_SESSION_TOUCH_SECONDS = env_int("BALLAST_SESSION_TOUCH_SECONDS", 60, minimum=0)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor (TOTP, django-otp): who must use it. "off": nobody must (anyone may enrol,
# and who has enrolled is asked at every sign-in); "administrators": the three
# administrators (系统/安全管理员, 审计员); "city": those and every city-level role.
BALLAST_2FA_REQUIRED = env_choice(
    "BALLAST_2FA_REQUIRED", "city" if PRODUCTION else "off", ("off", "administrators", "city")
)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "压舱石")
# --- end of authentication --------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "ballast" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
if not PRODUCTION:
    # The embedded mode keeps its uploads beside its database; production's MEDIA_ROOT is
    # shared storage made by the installation (docs/deployment.md), checked by /healthz.
    MEDIA_ROOT.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ballast@localhost")

# --- attachments and photos (issue 13; docs/attachments.md) -------------------------------
# The largest file accepted (MB), the longest side a photo is kept at (pixels; larger ones
# are scaled down) and the most pixels a photo may decode to (a decompression bomb is
# refused before it fills the memory).
BALLAST_ATTACHMENT_MAX_MB = env_int("BALLAST_ATTACHMENT_MAX_MB", 20, minimum=1)
BALLAST_ATTACHMENT_MAX_SIDE = env_int("BALLAST_ATTACHMENT_MAX_SIDE", 4096, minimum=320)
BALLAST_ATTACHMENT_MAX_PIXELS = env_int("BALLAST_ATTACHMENT_MAX_PIXELS", 60_000_000, minimum=1)

# --- notifications (issue 13; docs/notifications.md) --------------------------------------
# The site's address as people reach it, for links in e-mails and messenger sends.
BALLAST_SITE_URL = env_str("BALLAST_SITE_URL", "http://127.0.0.1:8000")
# The messenger seam (政务钉钉/企业微信/SMS): "" (none) or "webhook", which POSTs each
# notification as JSON to BALLAST_MESSENGER_URL (signed with BALLAST_MESSENGER_SECRET).
BALLAST_MESSENGER = env_choice("BALLAST_MESSENGER", "", ("", "webhook"))
BALLAST_MESSENGER_URL = env_str("BALLAST_MESSENGER_URL", "")
BALLAST_MESSENGER_SECRET = env_str("BALLAST_MESSENGER_SECRET", "")
BALLAST_MESSENGER_TIMEOUT = env_int("BALLAST_MESSENGER_TIMEOUT", 5, minimum=1)
# The local hour on Monday from which the weekly digest is written.
NOTICE_DIGEST_HOUR = env_int("NOTICE_DIGEST_HOUR", 8, minimum=0)

if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

# ── Security headers ──────────────────────────────────────────────────────────────────
# HTTPS redirect, HSTS, CSP, frames, referrer, opener (docs/configuration.md "Security
# headers", docs/security.md). `manage.py check --deploy` is clean in production mode
# (tests/test_deploy_check_is_clean.py); the browser tests run under this CSP and fail on
# any violation (tests/browser/conftest.py).
if PRODUCTION:
    # The secret signs sessions and password-reset links: a short or repetitive one is
    # guessable, so production refuses it (the same rule as Django's security.W009).
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 50 random characters in production mode "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    # Behind a TLS-terminating proxy: the header it sets on HTTPS requests, as
    # "Header-Name: value" (e.g. "X-Forwarded-Proto: https"). Only when the proxy always
    # sets (and never passes on) that header — otherwise a client could claim HTTPS.
    _proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER", "")
    if _proxy_ssl_header:
        _name, _sep, _value = _proxy_ssl_header.partition(":")
        if not _sep or not _name.strip() or not _value.strip():
            raise ImproperlyConfigured(
                "SECURE_PROXY_SSL_HEADER must read 'Header-Name: value' "
                f"(e.g. 'X-Forwarded-Proto: https'), not {_proxy_ssl_header!r}"
            )
        SECURE_PROXY_SSL_HEADER = (
            "HTTP_" + _name.strip().upper().replace("-", "_"),
            _value.strip(),
        )
    # Plain HTTP is redirected to HTTPS; turn off only when the proxy itself redirects.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # HSTS: browsers keep to HTTPS for a year at least (等保 secure transport).
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # The language cookie (set by the language switch) goes over HTTPS only, like the
    # session and CSRF cookies above.
    LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A strict Content Security Policy in both modes: scripts, styles, fonts, images and
# requests from the server itself only; no inline script or style attribute anywhere
# (templates keep to this: docs/development.md "Pages under the CSP"). ECharts draws on a
# canvas and sets styles through the CSSOM, which the policy allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": ["/csp-report/"],  # ballast.web.views.csp
    },
}
# The largest violation report the endpoint reads (bytes); larger ones are refused.
BALLAST_CSP_REPORT_MAX_BYTES = 16_384
# ── end of security headers ───────────────────────────────────────────────────────────

# How long the audit trail is kept before audit_prune may remove it (等保2.0 三级: at
# least six months); a value below 180 days refuses to start.
AUDIT_RETENTION_DAYS = env_int("BALLAST_AUDIT_RETENTION_DAYS", 180, minimum=180)

# The city this installation serves by default (GB/T 2260 code).
BALLAST_CITY = env_str("BALLAST_CITY", "321000")

# ── the REST API (/api/v1/, docs/api.md) ─────────────────────────────────────────────
# Personal API tokens: the default lifetime and the longest a person may choose (days).
BALLAST_API_TOKEN_DAYS = env_int("BALLAST_API_TOKEN_DAYS", 90, minimum=1)
BALLAST_API_TOKEN_MAX_DAYS = env_int("BALLAST_API_TOKEN_MAX_DAYS", 365, minimum=1)
if BALLAST_API_TOKEN_DAYS > BALLAST_API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured("BALLAST_API_TOKEN_DAYS must not exceed BALLAST_API_TOKEN_MAX_DAYS")
# Requests a token (or a signed-in browser session) may make, in DRF's "N/period" form.
BALLAST_API_RATE = env_str("BALLAST_API_RATE", "120/min")
BALLAST_API_PAGE_SIZE = env_int("BALLAST_API_PAGE_SIZE", 50, minimum=1)
BALLAST_API_MAX_PAGE_SIZE = env_int("BALLAST_API_MAX_PAGE_SIZE", 500, minimum=1)
# How long an Idempotency-Key is remembered (hours).
BALLAST_API_IDEMPOTENCY_HOURS = env_int("BALLAST_API_IDEMPOTENCY_HOURS", 24, minimum=1)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ballast.api.authentication.TokenAuthentication",
        "ballast.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies only (an upload endpoint would add the multipart parser for itself).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "ballast.api.pagination.PageNumberPagination",
    "PAGE_SIZE": BALLAST_API_PAGE_SIZE,
    "DEFAULT_FILTER_BACKENDS": ["ballast.api.filters.FilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["ballast.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": BALLAST_API_RATE},
    "DEFAULT_SCHEMA_CLASS": "ballast.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "ballast.api.exceptions.problem_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
    # The format is negotiated by Accept only (no ?format= beside the filters).
    "URL_FORMAT_OVERRIDE": None,
    "DATE_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "压舱石 Ballast API",
    "DESCRIPTION": "重大项目全生命周期服务管理接口（docs/api.md）。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several models have a "kind": name each choice set.
    "ENUM_NAME_OVERRIDES": {
        "RegionKindEnum": "ballast.regions.choices.RegionKind",
        "NodeKindEnum": "ballast.projects.choices.NodeKind",
        "BulletinKindEnum": "ballast.bulletins.choices.Kind",
        "IssueCategoryEnum": "ballast.coordination.choices.IssueCategory",
        "IssueLevelEnum": "ballast.coordination.choices.IssueLevel",
        "ProjectCategoryEnum": "ballast.projects.choices.Category",
        "ProjectLevelEnum": "ballast.projects.choices.Level",
        "VisitKindEnum": "ballast.coordination.choices.VisitKind",
        "ImportKindEnum": "ballast.imports.models.ImportJob.Kind",
        "ImportStatusEnum": "ballast.imports.models.ImportJob.Status",
        "SuspensionKindEnum": "ballast.projects.choices.SuspensionKind",
        "SuspensionReasonEnum": "ballast.projects.choices.SuspensionReason",
        "TerminationReasonEnum": "ballast.projects.choices.TerminationReason",
        "LeadStageEnum": "ballast.attraction.choices.LeadStage",
        "ProjectStageEnum": "ballast.projects.choices.Stage",
        "LeadAdvanceStageEnum": "ballast.attraction.choices.ADVANCE_STAGES",
        "LeadTerminationReasonEnum": "ballast.attraction.choices.LeadTerminationReason",
    },
}
# ── end of the REST API ──────────────────────────────────────────────────────────────

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- production stack (issue 16) ---------------------------------------------------------
# gunicorn (ballast/gunicorn.conf.py) behind nginx; see docs/deployment.md.

# Static files are served by whitenoise from STATIC_ROOT. In production the names carry a
# content hash (far-future cache headers are then safe) and gzip copies are made by
# collectstatic; the embedded mode keeps Django's plain storage (runserver --insecure).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if not PRODUCTION:
    # whitenoise reads STATIC_ROOT at start and warns when it is missing (bin/demo fills it).
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Cache and sessions live outside the app server process, so any server answers any
# request: Redis when REDIS_URL is set (Django's own RedisCache on redis-py), else in
# production a database table (created by bin/serve). Sessions are "cached_db": read from
# the cache, written through to the database, so a Redis restart logs nobody out. The
# embedded mode keeps the per-process memory cache and database sessions.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ballast"),
            "OPTIONS": {
                # A Redis that does not answer fails a request in seconds, not minutes.
                "socket_connect_timeout": 2,
                "socket_timeout": 2,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif PRODUCTION:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ballast_cache",
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ballast"),
        }
    }

# Behind nginx (deploy/nginx.conf) set SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"
# (the security-headers block above): without it Django sees plain HTTP and refuses the
# HTTPS Origin of every form (CSRF).
# The balancer probes /healthz over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# /healthz thresholds (ballast/health/checks.py).
HEALTH_DISK_WARN_PERCENT = env_int("HEALTH_DISK_WARN_PERCENT", 90, minimum=1)
HEALTH_DISK_FAIL_PERCENT = env_int("HEALTH_DISK_FAIL_PERCENT", 98, minimum=1)
HEALTH_QUEUE_WARN_SECONDS = env_int("HEALTH_QUEUE_WARN_SECONDS", 600, minimum=1)

# The task queue (ballast/core/queue.py, docs/deployment.md "The workers"): procrastinate
# on the PostgreSQL database (workers: `manage.py procrastinate worker`), or in the
# embedded mode the immediate backend (a task runs in the process after the commit).
_ON_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
TASK_QUEUE = env_choice(
    "TASK_QUEUE", "procrastinate" if _ON_POSTGRES else "immediate", ("immediate", "procrastinate")
)
if TASK_QUEUE == "procrastinate":
    if not _ON_POSTGRES:
        raise ImproperlyConfigured("TASK_QUEUE=procrastinate needs PostgreSQL (DATABASE_URL).")
    # Before the Ballast apps, so their tasks modules find the worker's app ready.
    INSTALLED_APPS.insert(INSTALLED_APPS.index("ballast.core"), "procrastinate.contrib.django")
# A worker sends a heartbeat every TASK_HEARTBEAT_SECONDS; the jobs of a worker silent for
# TASK_STALLED_SECONDS are queued again (checked by a periodic task, TASK_STALLED_CHECK_CRON).
TASK_HEARTBEAT_SECONDS = env_int("TASK_HEARTBEAT_SECONDS", 10, minimum=1)
TASK_STALLED_SECONDS = env_int("TASK_STALLED_SECONDS", 60, minimum=2)
TASK_STALLED_CHECK_CRON = env_str("TASK_STALLED_CHECK_CRON", "* * * * *")
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": TASK_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": TASK_STALLED_SECONDS,
    # Finished jobs are deleted; failed ones stay for the operator (admin, `procrastinate`).
    "delete_jobs": "successful",
}
# A worker that has not sent a heartbeat for this long makes /healthz warn.
HEALTH_WORKER_WARN_SECONDS = env_int("HEALTH_WORKER_WARN_SECONDS", 120, minimum=1)

# A read replica (ballast/core/replica.py, docs/deployment.md "Read replica"): heavy reads
# (figures, warnings, exports, bulletins) go to it; a person who just saved reads from the
# primary for REPLICA_STICKY_SECONDS.
REPLICA_DATABASE_URL = env_str("REPLICA_DATABASE_URL")
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 15, minimum=0)
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_DATABASE_URL,
        conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0),
    )
    if DATABASES["replica"]["ENGINE"] == DATABASES["default"]["ENGINE"]:
        DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASE_ROUTERS = ["ballast.core.replica.ReplicaRouter"]
# --- end of production stack (issue 16) --------------------------------------------------

# On PostgreSQL the figures read the sums of reports and new events that triggers keep per
# city, unit and month (ballast/figures/facts.py); false computes them from scratch.
FIGURES_MAINTAINED = env_bool("FIGURES_MAINTAINED", True)
