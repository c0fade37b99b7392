"""Settings shared by every environment, configured only through environment variables.

With no variables set the platform runs embedded: SQLite, the local-memory cache and
Celery tasks executed inline, so a newcomer needs nothing but Python.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address for links and QR codes; empty: the address each request came in on
# (units/site.py).
SITE_URL = env("SITE_URL", default="")
# How many reverse proxies stand in front of gunicorn (1 behind one TLS proxy): the client's
# address is then read from X-Forwarded-For. 0 trusts no header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "axes",
    "csp",
    "auditlog",
    "units",
    "feedback",
    "assessment",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "config.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "config.urls"
# Project templates may override Django's form templates (templates/django/forms/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

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
                "units.context_processors.roles",
                "assessment.context_processors.inspection",
            ],
        },
    },
]

# Persistent connections: a new PostgreSQL connection costs ~7 ms, a query ~0.06 ms.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "units.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Staff actions that change assessment results ask for a password entered this recently.
RECENT_LOGIN_SECONDS = env.int("RECENT_LOGIN_SECONDS", default=30 * 60)

# Login throttling: five failures for one username from one address lock it for 15 minutes.
AUTHENTICATION_BACKENDS = [
    "units.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address is REMOTE_ADDR as TrustedProxyMiddleware left it: axes' own reading of
# X-Forwarded-For would let a client that reaches gunicorn directly rotate its lock-out key.
AXES_CLIENT_IP_CALLABLE = "units.auth.client_address"

# Content Security Policy: scripts only from our own static files, never inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Audit log (django-auditlog): registrations in each app's auditlog_registry.py, the actor
# from the request. Addresses are not kept: citizens' addresses are never stored.
AUDITLOG_DISABLE_REMOTE_ADDR = True
# loaddata (manage.py restore) brings the log back as it was: no new entries for raw saves.
AUDITLOG_DISABLE_ON_RAW_SAVE = True

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ma",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded evidence is private: it is streamed by views that check scope, never from MEDIA_URL.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {
        "BACKEND": env("FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@example.org")
if env("EMAIL_HOST", default=""):
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)

# Celery: with no broker configured tasks run inline, in the request that enqueued them.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # reports: re-send jobs left queued (e.g. while the broker was down); produce the
    # reports of periods that were closed or published (docs/reports.md)
    "reports-sweep-stale": {
        "task": "reports.tasks.sweep_stale_reports",
        "schedule": timedelta(minutes=5),
    },
    "reports-period-reports": {
        "task": "reports.tasks.request_period_reports",
        "schedule": timedelta(minutes=10),
    },
}
# Report files (private, streamed by a scoped view); empty = MEDIA_ROOT/reports.
REPORTS_ROOT = env("REPORTS_ROOT", default="")
REPORTS_MAX_ATTEMPTS = env.int("REPORTS_MAX_ATTEMPTS", default=4)
REPORTS_SWEEP_MINUTES = env.int("REPORTS_SWEEP_MINUTES", default=10)
# Quarterly evidence: remind secretaries this many days before a deadline (each mail once).
REMINDER_DAYS_BEFORE = env.int("REMINDER_DAYS_BEFORE", default=3)
CELERY_BEAT_SCHEDULE["assessment-deadline-reminders"] = {
    "task": "assessment.tasks.send_deadline_reminders",
    "schedule": crontab(hour=8, minute=0),
}
# 系统取数: measured items of open periods follow the platform's figures (docs/scoring.md).
CELERY_BEAT_SCHEDULE["assessment-record-measures"] = {
    "task": "assessment.tasks.record_open_measures",
    "schedule": crontab(hour=2, minute=30),
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "units.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "units.authentication.ReadOnlyTokenPermission",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon_rating": "20/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "模范机关创建管理平台 API",
    "DESCRIPTION": (
        "组织机构、年度计划与考核节点、指标体系、佐证材料报送与审核、整改、得分排名、"
        "群众评议和报告。认证：`Authorization: Bearer <令牌>`（机关工委在“接口令牌”页创建）"
        '或浏览器会话。错误统一为 `{"error": {"status", "code", "message", '
        '"fields"}}`。详见 docs/api.md。'
    ),
    # Tags follow the resource (units, submissions …) rather than the version prefix.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema_hooks.strip_database_integer_bounds",
    ],
    # Stable component names for choice sets that share a field name (status, kind, level).
    "ENUM_NAME_OVERRIDES": {
        "PeriodStatusEnum": "assessment.models.Period.Status",
        "ReportKindEnum": "reports.models.ReportJob.Kind",
        "RatingLevelEnum": "feedback.models.Level",
        "DutyGradeEnum": "assessment.models.DutyReport.Grade",
        # Named explicitly since 述职 grades also use a field called "grade".
        "GradeEnum": "assessment.models.Submission.Grade",
        "StandardEnum": "assessment.models.Standard",
    },
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Cells beginning with = + - @ are neutralised on export (CSV/formula injection).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# Refuse spreadsheets above this many data rows before reading them into memory.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20000)

# Citizen evaluation (feedback app); see README "Citizen evaluation".
# Fernet key for citizens' names and phones; empty = derived from SECRET_KEY. Set it in
# production and keep it: ratings encrypted with a lost key cannot be read back.
FEEDBACK_CONTACT_KEY = env("FEEDBACK_CONTACT_KEY", default="")
# Salt for the hash kept instead of a citizen's IP address; empty = derived from SECRET_KEY.
FEEDBACK_SOURCE_SALT = env("FEEDBACK_SOURCE_SALT", default="")
FEEDBACK_RATE_LIMIT = env.int("FEEDBACK_RATE_LIMIT", default=30)  # per source and window
FEEDBACK_RATE_WINDOW_SECONDS = env.int("FEEDBACK_RATE_WINDOW_SECONDS", default=3600)
FEEDBACK_DUPLICATE_WINDOW_HOURS = env.int("FEEDBACK_DUPLICATE_WINDOW_HOURS", default=24)
FEEDBACK_BURST_WINDOW_HOURS = env.int("FEEDBACK_BURST_WINDOW_HOURS", default=24)
FEEDBACK_BURST_THRESHOLD = env.int("FEEDBACK_BURST_THRESHOLD", default=5)
FEEDBACK_BURST_MAX_SOURCES = env.int("FEEDBACK_BURST_MAX_SOURCES", default=2)
FEEDBACK_REPLY_WORKING_DAYS = env.int("FEEDBACK_REPLY_WORKING_DAYS", default=5)
FEEDBACK_RECTIFY_WORKING_DAYS = env.int("FEEDBACK_RECTIFY_WORKING_DAYS", default=15)
FEEDBACK_MIN_SAMPLE = env.int("FEEDBACK_MIN_SAMPLE", default=20)
FEEDBACK_SHRINKAGE_PRIOR = env.int("FEEDBACK_SHRINKAGE_PRIOR", default=10)

# Benchmarks (docs/performance.md): the load test's bare baseline view at /bench/bare/.
# Off by default; only `python -m bench.loadtest` turns it on, for a loopback server.
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # The in-memory broker of the embedded mode has no host name; kombu says so each time.
        "kombu.connection": {"level": "ERROR"},
        # Embedded mode runs tasks inline: "Task …[uuid] succeeded" lines would only bury the
        # dev server's and load_demo's output. A real worker keeps them.
        **({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
    },
}
