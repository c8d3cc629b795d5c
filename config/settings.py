"""Settings come from the environment (12-factor) with safe development defaults.

Production (DEBUG off) refuses to start with the default secret key or with demo accounts
still able to log in: see ``config.checks``.

One module over 400 lines, deliberately: operators read one flat settings file, by sections.
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PROLONGE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

DEV_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
# Off unless a development command sets it (make run / make test, tests/support/dev_env.py).
DEBUG = env_bool("DEBUG", default=False)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (production).")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# QR codes and e-mail links; in development it follows PORT (``make run PORT=8001``).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "csp",
    "config",
    "inventory",
    "labels",
    "reuse",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RejectNulBytesMiddleware",
    "config.middleware.NoStoreApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed here (whitenoise serves static files pre-compressed, before this runs).
    # BREACH: Django masks the CSRF token afresh on every response and GZipMiddleware pads the
    # gzip header with random bytes ("Heal The Breach"); see docs/ecoindex.md.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.LoginRequiredMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the French lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

FORM_RENDERER = "config.web.ProlongeFormRenderer"

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
                "config.context_processors.prolonge",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'prolonge.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a Celery worker process started by a test sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "config.auth.ProlongeBackend"]

# --- Login lockout (django-axes) ----------------------------------------------------------------
# After AXES_FAILURE_LIMIT wrong passwords for one account, or from one address, logins from it
# are refused for AXES_COOLOFF_TIME hours (a successful login resets the account's count).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "config.auth.lockout_response"
# Behind the proxy the client address is the first of X-Forwarded-For (compose sets it).
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# One catalogue for the whole project, plus one per feature under locale/topics/<topic>/ so that
# work on several features at once never edits the same .po file (merged later at leisure).
LOCALE_PATHS = [BASE_DIR / "locale", *sorted((BASE_DIR / "locale" / "topics").glob("*"))]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Media have no public URL, even with DEBUG: documents and photos go through views that check the
# user (config.web.protected_file_response). In production the web server sends the bytes:
# PROTECTED_MEDIA_SERVER=nginx (X-Accel-Redirect to an `internal` location PROTECTED_MEDIA_PREFIX
# aliased to MEDIA_ROOT) or =sendfile (X-Sendfile); empty: Django streams them.
MEDIA_URL = "/media/"
PROTECTED_MEDIA_SERVER = os.environ.get("PROTECTED_MEDIA_SERVER", "")
PROTECTED_MEDIA_PREFIX = os.environ.get("PROTECTED_MEDIA_PREFIX", "/protected-media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
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

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    # Development: one line per e-mail (config/mail.py); production without SMTP settings: the console.
    "config.mail.SummaryEmailBackend" if DEBUG else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "prolonge@localhost")

# --- Celery -----------------------------------------------------------------------------------
# Without CELERY_BROKER_URL (or REDIS_URL) the embedded setup uses kombu's filesystem transport
# and Celery's file result backend: worker and beat run with no server at all.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", f"file://{VAR_DIR / 'celery' / 'results'}")
    for _folder in ("broker", "processed", "results", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
    # Redis redelivers an unacknowledged (acks_late) message after the visibility timeout: long
    # enough for the nightly review (minutes), short enough that a run killed mid-way is redone
    # the same night, not an hour later. Connection timeouts keep a dead broker from holding a
    # request: notifications go through the outbox, never straight to the broker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "1800")),
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Cache: progress of background jobs (imports, large exports) seen by every process ----------
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    ),
    # Request counters of the throttles (API, password reset, application form): Redis shared by
    # every worker in production; one process's memory otherwise (development, tests).
    "throttle": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "throttle"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
    ),
}
# Requests per period (DRF's "N/second|minute|hour|day" syntax), for the API and two public forms.
THROTTLE_RATES = {
    "anon": os.environ.get("THROTTLE_API_ANON", "60/minute"),
    "user": os.environ.get("THROTTLE_API_USER", "1200/minute"),
    "password_reset": os.environ.get("THROTTLE_PASSWORD_RESET", "5/hour"),
    "application": os.environ.get("THROTTLE_APPLICATION", "10/hour"),
}

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes DRF answer 401 (not 403) without a login.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.StaffPermission"],
    # JSON nested deeper than config.parsers.MAX_DEPTH is a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.PageSizePagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["config.throttle.AnonApiThrottle", "config.throttle.UserApiThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": THROTTLE_RATES["anon"], "user": THROTTLE_RATES["user"]},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Prolonge API",
    "DESCRIPTION": "Register, lifecycle, repairs, reuse and reports of municipal IT devices.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from the sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema component per choice set used under several field names (to, from_status…).
    "ENUM_NAME_OVERRIDES": {"StatusEnum": "inventory.models.Status"},
    # The authority's staff only: association members have no use for the internal API's map.
    "SERVE_PERMISSIONS": ["config.api.StaffPermission"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.api.document_error_answers"],
}

# Made-up legal identity for development and the demo only (its address and decision say so).
DEV_LEGAL = {
    "OWNER_SIRET": "20000000000014",
    "OWNER_ADDRESS": "1 place de la Démonstration, 38000 Grenoble (adresse de démonstration)",
    "OWNER_PLACE": "Grenoble",
    "TRANSFER_DECISION": "la délibération n° DEMO-2025-001 du conseil du 14 mars 2025 autorisant la cession gratuite "
    "des matériels informatiques réformés (délibération de démonstration)",
    "SIGNATORIES": [
        {"key": "vp-numerique", "name": "Claire Martin", "role": "Vice-présidente déléguée au numérique",
         "delegation": "l'arrêté de délégation de fonction et de signature n° DEMO-2025-012 du 3 février 2025"},
        {"key": "dgs", "name": "Paul Bernard", "role": "Directeur général des services",
         "delegation": "l'arrêté de délégation de signature n° DEMO-2025-013 du 3 février 2025"},
    ],
}

# --- Domain settings (DOMAIN.md: every legal threshold is a setting, shown where it applies) ---
PROLONGE = {
    "OWNER_NAME": os.environ.get("PROLONGE_OWNER_NAME", "Grenoble-Alpes Métropole"),
    # Identity on legal documents (agreements, certificates refuse to issue without SIRET and address);
    # development (DEBUG on) gets made-up values so that the demo works, production none.
    "OWNER_SIRET": os.environ.get("PROLONGE_OWNER_SIRET", DEV_LEGAL["OWNER_SIRET"] if DEBUG else ""),
    "ASSET_TAG_PREFIX": os.environ.get("PROLONGE_ASSET_TAG_PREFIX", "GAM"),
    # CG3P art. D. 3212-3: ceiling of the unit value at a free transfer (euros).
    "DONATION_UNIT_CEILING_EUR": int(os.environ.get("PROLONGE_DONATION_CEILING_EUR", "300")),
    # Book value at transfer on the TTC acquisition value (general budget) or HT (reuse/valuation.py).
    "DONATION_VALUE_BASIS": os.environ.get("PROLONGE_DONATION_VALUE_BASIS", "TTC"),
    # Décret 2023-266: share of retired IT equipment directed to reuse, by year.
    "REUSE_TARGETS": {2023: 0.25, 2024: 0.35, 2025: 0.50},
    "REUSE_MAX_AGE_YEARS": 10,
    # Loi AGEC art. 58 / décret 2024-134: share of purchases from reuse, by year.
    "AGEC_TARGETS": {2024: 0.20, 2027: 0.25, 2030: 0.30},
    "OWNER_ADDRESS": os.environ.get("PROLONGE_OWNER_ADDRESS", DEV_LEGAL["OWNER_ADDRESS"] if DEBUG else ""),
    # "Fait à <place>, le <date>" on agreements; the decision authorising free transfers, worded to
    # follow "Vu" ("la délibération n° … du …"), like each signatory's delegation ("l'arrêté n° …");
    # who may sign for the authority, with their standing and delegation (JSON list in the env).
    "OWNER_PLACE": os.environ.get("PROLONGE_OWNER_PLACE", DEV_LEGAL["OWNER_PLACE"] if DEBUG else ""),
    "TRANSFER_DECISION": os.environ.get("PROLONGE_TRANSFER_DECISION", DEV_LEGAL["TRANSFER_DECISION"] if DEBUG else ""),
    "SIGNATORIES": json.loads(os.environ["PROLONGE_SIGNATORIES"]) if os.environ.get("PROLONGE_SIGNATORIES")
    else (DEV_LEGAL["SIGNATORIES"] if DEBUG else []),
    # Loi AGEC: share of purchases with recycled content, by year (décret 2024-134 annex, NOT YET
    # VERIFIED: empty until someone checks the annex for "matériel informatique et téléphonie").
    "AGEC_RECYCLED_TARGETS": {},
    # Open data: indicators downloadable without login at /reports/open-data/ when on.
    "REPORTS_OPEN_DATA_PUBLIC": env_bool("PROLONGE_REPORTS_OPEN_DATA_PUBLIC", False),
    # Reports: a group (model, supplier…) needs this many devices to be ranked or charted.
    "REPORTS_MIN_SAMPLE": int(os.environ.get("PROLONGE_REPORTS_MIN_SAMPLE", "30")),
    # Device exports above this many rows are written by a worker (a progress page, then a file)
    # instead of streamed by a web worker; 0 streams everything.
    "EXPORT_BACKGROUND_ROWS": int(os.environ.get("PROLONGE_EXPORT_BACKGROUND_ROWS", "200000")),
    # Category defaults of the embodied footprint: "negaoctet" (NegaOctet data distributed by
    # Boavizta) or "ademe2022" (ADEME–Arcep 2022 study); docs/footprint.md, page /methode/.
    "FOOTPRINT_DATASET": os.environ.get("PROLONGE_FOOTPRINT_DATASET", "negaoctet"),
}

# The authority's identity on legal exports (AGEC declaration, agreements): SIRET (14 digits)
# and postal address. The AGEC declaration refuses to export without the SIRET.
PROLONGE_OWNER_SIRET = PROLONGE["OWNER_SIRET"]
PROLONGE_OWNER_ADDRESS = PROLONGE["OWNER_ADDRESS"]

DEMO_USERNAMES = ("admin", "technicien", "achats", "association")
DEMO_PASSWORD = "prolonge-demo"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Uploads: Django keeps at most this much of a request body in memory; bigger files go to a
# temporary file, and config.uploads stops any upload past UPLOAD_MAX_BYTES while it streams.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB of non-file body (forms, JSON)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(12 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "config.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Content-Security-Policy (django-csp) --------------------------------------------------------
# Scripts only from our own static files (there is no inline script: tests/config/test_csp.py);
# inline styles stay allowed for the print sheets and the SVG charts' sizes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

if not DEBUG:
    # Behind the TLS proxy (X-Forwarded-Proto): `manage.py check --deploy` is clean with these
    # defaults; each can be turned off from the environment for a plain-HTTP trial.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container's own health check speaks HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
