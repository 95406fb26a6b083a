"""xiaobao settings: everything that differs between machines comes from the environment.

Every variable read here is listed, with its default, in .env.example.
"""

import os
from pathlib import Path

import environ
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env("XIAOBAO_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_from_file(name: str, make) -> str:
    """A secret generated once into var/ and kept, so a fresh clone is safe without configuration."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="") or _secret_from_file("secret_key", get_random_secret_key)
# Fernet keys for personal data at rest; the first encrypts, all decrypt (rotation: prepend a new key).
FIELD_ENCRYPTION_KEYS = env.list("XIAOBAO_FIELD_KEYS", default=[]) or [_secret_from_file("field_key", _fernet_key)]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("XIAOBAO_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "js_lib_htmx",
    "xiaobao.core",
    "xiaobao.registry",
    "xiaobao.accounts",
    "xiaobao.audit",
    "xiaobao.products",
    "xiaobao.complaints",
    "xiaobao.tipoffs",
    "xiaobao.credit",
    "xiaobao.disclosure",
    "xiaobao.publications",
    "xiaobao.disputes",
    "xiaobao.ratings",
    "xiaobao.warning",
    "xiaobao.classifier",
    "xiaobao.grading",
    "xiaobao.oversight",
    "xiaobao.riskwarnings",
    "xiaobao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xiaobao.accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "xiaobao.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "xiaobao.accounts.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xiaobao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "xiaobao.accounts.context_processors.display",
            ],
        },
    }
]

# SQLite in WAL mode under var/ unless DATABASE_URL names another database.
# synchronous=NORMAL in WAL mode keeps every committed transaction across a crash of the
# server process (only a power loss can drop the last commits); IMMEDIATE transactions take
# the write lock up front, so concurrent writers queue instead of failing with "database is locked".
# A 64 MiB page cache per connection (SQLite's default is 2 MiB), taken only as pages are read:
# a million-row public database's indexes do not fit in the default.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'xiaobao.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so the browser tests' live server thread shares it; one per run, so
    # concurrent runs on one machine do not delete each other's database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

BEHIND_PROXY = env.bool("XIAOBAO_BEHIND_PROXY", default=False)
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by all server processes on one machine, which the rate limits need.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
RATELIMIT_ENABLE = env.bool("XIAOBAO_RATELIMIT", default=True)
# Behind a reverse proxy every request comes from the proxy: rate limits key on the address it passes on.
RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP" if BEHIND_PROXY else None
SILENCED_SYSTEM_CHECKS = [
    "django_ratelimit.W001",
    # The sign-in views answer a lock themselves (page and API alike); axes' middleware would replace the page.
    "axes.W002",
    # Locks key on the username alone: an address is limited by LOGIN_RATE, not locked for everyone behind it.
    "axes.W006",
]

# Background work: Django's tasks API; the database queue needs no broker, RQ on Redis scales out.
# With RQ, workers run `manage.py rqworker --job-class django_tasks_rq.Job default`.
if env("XIAOBAO_TASK_BACKEND", default="db") == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# What `manage.py run_clock` enqueues: a task's dotted path and either every=<seconds> or daily_at="HH:MM"
# (Shanghai time). One line per periodic job of every app.
PERIODIC_TASKS = [
    {"task": "xiaobao.complaints.tasks.sweep_deadlines", "every": 300},
    {"task": "xiaobao.publications.tasks.draft_due_publications", "daily_at": "03:00"},
    {"task": "xiaobao.disputes.tasks.sweep_dispute_deadlines", "every": 300},
    {"task": "xiaobao.disclosure.tasks.publish_nightly", "daily_at": "02:00"},
    {"task": "xiaobao.warning.tasks.scan_daily", "daily_at": "01:30"},
    {"task": "xiaobao.grading.tasks.scan_product_signals", "daily_at": "01:45"},
    {"task": "xiaobao.audit.tasks.purge_expired", "daily_at": "04:00"},
]

# Processes that scrub texts during a large public-database build (one per core by default).
PUBLIC_BUILD_WORKERS = env.int("XIAOBAO_PUBLIC_BUILD_WORKERS", default=os.cpu_count() or 1)

AUTH_USER_MODEL = "accounts.User"
# Per-account lockout (xiaobao.accounts.lockout): thresholds from the security policy in the database.
AUTHENTICATION_BACKENDS = [
    "xiaobao.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_FAILURE_LIMIT = "xiaobao.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = "xiaobao.accounts.lockout.lockout_time"
AXES_CLIENT_IP_CALLABLE = "xiaobao.accounts.lockout.client_address"
# Consecutive failures: a successful sign-in clears the count.
AXES_RESET_ON_SUCCESS = True
# A guess while locked neither counts nor lengthens the lock: it ends when the policy says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Sign-ins are recorded by the platform's own audit trail; unlocking is on the user list.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Masked in axes' logs and stored failures, with the password it always masks: the second factor's code too.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Staff sign in with a second factor (xiaobao.accounts.two_factor): the issuer names the platform in the
# authenticator app's list.
OTP_TOTP_ISSUER = "吉林消保平台"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The minimum length is the security policy's (xiaobao.accounts.passwords), edited as data in the admin.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name", "email", "first_name", "last_name")},
    },
    {"NAME": "xiaobao.accounts.passwords.PolicyMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from the finders, but expects the folder to exist
STATICFILES_DIRS = [
    BASE_DIR / "xiaobao" / "static",
    # Apache ECharts and the Jilin map from the npm packages pinned in package.json (no CDN: closed network).
    # The province maps left ECharts with version 5; the pinned 4.9.0 package is used for its map files only.
    ("echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("echarts/map", BASE_DIR / "node_modules" / "echarts-map-data" / "map" / "js" / "province"),
]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"  # attachments: served only through access-checked views, never by URL
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# Served over HTTPS everywhere but `make run` (DEBUG=1): plain HTTP is redirected, browsers are told by
# HSTS to use nothing else for a year, and cookies travel only over HTTPS. XIAOBAO_HTTPS=0 serves plain
# HTTP with DEBUG off (a closed test network without certificates); the variables below fine-tune it.
HTTPS = env.bool("XIAOBAO_HTTPS", default=not DEBUG)
SECURE_COOKIES = env.bool("XIAOBAO_SECURE_COOKIES", default=HTTPS)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("XIAOBAO_SSL_REDIRECT", default=HTTPS)
# A load balancer's health check speaks plain HTTP to the server itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("XIAOBAO_HSTS_SECONDS", default=365 * 24 * 60 * 60 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("XIAOBAO_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
# Behind a reverse proxy that terminates TLS, the request reaches Django over HTTP: the proxy's
# X-Forwarded-Proto says whether the browser used HTTPS (the proxy must set it, never pass on the client's).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

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
        "object-src": ["'none'"],
    }
}

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="xiaobao@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xiaobao.accounts.api.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies with their size, depth and numbers bounded: outside input never reaches a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "xiaobao.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Anonymous reads per client address, at the rate of the security policy in force (staff are not counted).
    "DEFAULT_THROTTLE_CLASSES": ["xiaobao.accounts.throttles.AnonymousReadThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "xiaobao.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "xiaobao API",
    "DESCRIPTION": "吉林省金融消费者权益保护平台 — complaints, routing and handling.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# Public intake and login are rate limited per client address.
INTAKE_RATE = env("XIAOBAO_INTAKE_RATE", default="30/h")
LOGIN_RATE = env("XIAOBAO_LOGIN_RATE", default="20/h")
ATTACHMENT_MAX_BYTES = env.int("XIAOBAO_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
DEMO_PASSWORD = env("XIAOBAO_DEMO_PASSWORD", default="demo-password")
# The TOTP secret (base32) every demo staff account's authenticator shares; published with the demo password.
DEMO_TOTP_SECRET = env("XIAOBAO_DEMO_TOTP_SECRET", default="XIAOBAODEMOJILIN2FA7SECRETKEY234")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # axes notes every failed sign-in at INFO; its warnings (repeated failures, a lock) are the ones to keep.
    "loggers": {"jieba": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Text messages (xiaobao.core.sms): "console" writes them to the outbox file; "aliyun" and "tencent" send
# through those providers with the options in SMS_OPTIONS (keys named in the backends' docstrings).
SMS_BACKEND = env("XIAOBAO_SMS_BACKEND", default="console")
SMS_OUTBOX = Path(env("XIAOBAO_SMS_OUTBOX", default="") or VAR_DIR / "sms-outbox.jsonl")
SMS_OPTIONS = env.json("XIAOBAO_SMS_OPTIONS", default={})
