"""Settings, read from the environment (cookiecutter-django style).

Unset variables give a development portal on SQLite with a filesystem Celery broker under ``var/``,
so ``make run`` needs no other server. Production sets ``DEBUG=0`` and the secrets.
"""

import importlib.metadata
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
env.read_env(BASE_DIR / ".env")
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)
# A development key is allowed only while DEBUG is on; production must set its own.
SECRET_KEY = env.str("SECRET_KEY") if not DEBUG else env.str("SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "portal",
    "consortia",
    "reviews",
    "annual_reports",
    "monitoring",
    "api",
    "public",
    "demo",
]

MIDDLEWARE = [
    # First: every later line carries the request id, and the probes are answered before host and HTTPS checks.
    "portal.middleware.RequestIdMiddleware",
    # Before the probes, so that every answer carries the Content-Security-Policy (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "portal.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChineseUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Audits every request under /api/ (account, path, status, token prefix), refusals included.
    "api.audit.ApiAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.IdleSessionTimeoutMiddleware",
    # After the idle timeout: an expired session is sent to the login page, not to the second factor.
    "portal.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In development runserver serves static files; in production whitenoise serves the collected ones.
    after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
    MIDDLEWARE.insert(after_security, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
                "portal.context_processors.release",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock rather than fail at once: the web server, worker and beat share one file.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# Lock-out after repeated failed logins (等保 2.0): both numbers are settings.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# Lock the account, not the address: district bureaus reach the portal from behind one government NAT, and an
# address lock-out would lock a whole office. Rotating user agents or cookies (axes.W006's worry) does not get past a
# per-account lock-out.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.views.auth.lockout_response"
AXES_VERBOSE = False
# One client address for axes, the audit log and the per-address limits below: the one the audit log records.
AXES_CLIENT_IP_CALLABLE = "portal.services.client_ip"
# Per address as well (portal/throttle.py): failed logins over any usernames within LOGIN_LOCKOUT_MINUTES, set well
# above the account's limit for a bureau's office behind one NAT address; registrations within the window. 0: off.
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
REGISTRATION_ADDRESS_LIMIT = env.int("REGISTRATION_ADDRESS_LIMIT", default=5)
REGISTRATION_ADDRESS_WINDOW = timedelta(minutes=env.int("REGISTRATION_ADDRESS_MINUTES", default=60))
# Two-factor sign-in (portal/two_factor.py): the roles that must give a TOTP or backup code after the password
# (enrolling at their next login); users of the other roles may enrol from the account menu. Empty: required of nobody.
# By default city staff and administrators in production; nobody with DEBUG on, so that `make run`'s demo accounts
# open without an authenticator app (a deploy check, portal.W002, warns when production leaves one of them out).
TWO_FACTOR_REQUIRED_ROLES = env.list("TWO_FACTOR_REQUIRED_ROLES", default=[] if DEBUG else ["city_staff", "admin"])
OTP_TOTP_ISSUER = "南京市级创新联合体备案管理平台"
# No back-off of django-otp's own: wrong codes lock the account like wrong passwords (LOGIN_FAILURE_LIMIT), and a
# second of back-off would refuse, and count, a right code typed at once after a typo.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Idle session timeout: a session unused for this long is sent back to the login page.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static", ("guide", BASE_DIR / "docs" / "guide" / "images")]  # the guides' screenshots
STATIC_ROOT = VAR_DIR / "staticfiles"
# The faces every PDF is set in (portal/pdf.py), vendored so that no PDF depends on the fonts of the machine.
PDF_FONT_DIR = Path(env.str("PDF_FONT_DIR", default=str(BASE_DIR / "portal" / "fonts")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploaded documents are never public: they live outside the web root and are served only through
# permission-checked views, so there is deliberately no MEDIA_URL route.
MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private-media")))
MEDIA_URL = "/private-media-not-served/"
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=20) * 1024 * 1024
# Filing numbers issued on approval (DESIGN §3): {year} and {number} are filled in, sequential per year.
FILING_NUMBER_PATTERN = env.str("FILING_NUMBER_PATTERN", default="宁创联备〔{year}〕{number:03d}号")
# Uploads above this are streamed to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Where links in e-mails point to.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="南京市科学技术局 <noreply@localhost>")

# Redis when REDIS_URL is set; otherwise a broker in a folder and a local-memory cache, so nothing else need run.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT = "portal.broker:Transport"  # kombu's, writing each message atomically
    CELERY_RESULT_BACKEND = None
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    for folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing a task must not hang a web request when the broker is down: the outbox retry job catches up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# The worker logs through LOGGING below (JSON lines), not Celery's own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # /readyz reads the time of the last run: the beat and a worker are alive (WORKER_HEARTBEAT_MAX_AGE).
    "record-worker-heartbeat": {
        "task": "portal.tasks.record_worker_heartbeat",
        "schedule": 60.0,
    },
    "retry-undelivered-notifications": {
        "task": "portal.tasks.retry_undelivered_notifications",
        "schedule": crontab(minute="*/10"),
    },
    # Daily jobs of the consortium's life (DESIGN §6), in CELERY_TIMEZONE (Asia/Shanghai).
    "expire-consortia": {
        "task": "consortia.tasks.expire_consortia",
        "schedule": crontab(hour=0, minute=30),
    },
    "send-expiry-reminders": {
        "task": "consortia.tasks.send_expiry_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Annual reports (guideline §5.2): overdue flags from the day after the deadline, the reports of consortia approved
    # since their campaign opened, reminders before the deadline.
    "flag-overdue-reports": {
        "task": "annual_reports.tasks.flag_overdue_reports",
        "schedule": crontab(hour=0, minute=45),
    },
    "create-annual-reports": {
        "task": "annual_reports.tasks.create_reports",
        "schedule": crontab(hour=1, minute=0),
    },
    "send-report-reminders": {
        "task": "annual_reports.tasks.send_report_reminders",
        "schedule": crontab(hour=8, minute=15),
    },
    # The audit trail's retention (AUDIT_RETENTION_DAYS): events older than it are removed daily at 02:30.
    "purge-audit-events": {
        "task": "portal.tasks.purge_audit_events",
        "schedule": crontab(hour=2, minute=30),
    },
    # Portfolio export files are kept seven days; the purge removes those past it.
    "purge-exports": {
        "task": "monitoring.tasks.purge_exports",
        "schedule": crontab(hour=3, minute=0),
    },
}
# Days before the end of the construction period on which the lead unit and its district are reminded, once each.
EXPIRY_REMINDER_DAYS = env.list("EXPIRY_REMINDER_DAYS", cast=int, default=[90, 30])
# Days before an annual report's deadline on which the lead unit's users are reminded, once each, until it is submitted.
REPORT_REMINDER_DAYS = env.list("REPORT_REMINDER_DAYS", cast=int, default=[30, 7, 1])

# How many delivery attempts a notification gets before it waits for an operator.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=10)
# Days audit events are kept before the daily purge removes them: at least 180 (网络安全等级保护 2.0, six months);
# a shorter one fails the system check portal.E001 (portal/checks.py).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
# Portfolio exports of more rows than this are written by the Celery worker, not during the request.
EXPORT_ASYNC_THRESHOLD = env.int("EXPORT_ASYNC_THRESHOLD", default=2000)
# The longest an API token may be issued for, in days from the day it is issued (api/services.py).
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
# Seconds since the worker's last heartbeat (run every minute) after which /readyz reports the worker down.
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=180)
# Whether the public list (/public/) shows revoked consortia, as 已撤销备案: the bureau's choice, off unless set.
PUBLIC_LIST_SHOWS_REVOKED = env.bool("PUBLIC_LIST_SHOWS_REVOKED", default=False)

# Production hardening: on whenever DEBUG is off (manage.py check --deploy reports nothing).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp), the same with DEBUG on and off: no template has an inline script, event
# handler or style attribute, so nothing needs 'unsafe-inline' or a nonce (tests/portal/test_csp.py scans them).
# data: images are Bootstrap's icons in its CSS (select arrows, close buttons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# The REST API (api/, issue 16): read-only, signed in by API token or by the portal's session.
REST_FRAMEWORK = {
    # The token first: its Bearer challenge answers unauthenticated requests with 401 (api/authentication.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# The API's OpenAPI schema (api/schema.py) and its Swagger UI, from the vendored sidecar files: nothing from a CDN.
SPECTACULAR_SETTINGS = {
    "TITLE": "南京市级创新联合体备案管理平台 API / Nanjing Innovation Consortium Filing Portal API",
    "DESCRIPTION": (
        "只读数据接口：每个用户只能看到其在平台页面上可见的数据。"
        "使用 API 令牌（Authorization: Bearer）或平台登录会话访问。列表按 id 游标分页。\n\n"
        "A read-only API: each user sees exactly what the portal's pages show them. Call it with an API token "
        "(Authorization: Bearer) or the portal's session. Lists are paged by a cursor over the id."
    ),
    "VERSION": importlib.metadata.version("consortium-portal"),
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_errors",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ConsortiumStatusEnum": "consortia.states.Status",
        "ReportStatusEnum": "annual_reports.models.ReportStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object a line on stdout, with the request id (portal/logging.py).
    "filters": {"request_id": {"()": "portal.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "portal.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "json",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every rendering step at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
