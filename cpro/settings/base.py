"""Settings shared by every environment. Everything that differs comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, str(default)).lower() in {"1", "true", "yes", "on"}


SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", ".localhost,localhost,127.0.0.1").split(",") if h]

# The public site lives on the base domain; each establishment on <schema>.<base domain>.
CPRO_BASE_DOMAIN = env("CPRO_BASE_DOMAIN", "localhost")
CPRO_PORT = env("CPRO_PORT", "")  # appended to links printed by commands (8000 in development)
CPRO_SCHEME = env("CPRO_SCHEME", "http")

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
CPRO_EMBEDDED = not DATABASE_URL
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
else:
    from cpro.embedded import embedded_database

    _db = embedded_database(BASE_DIR)
_db["ENGINE"] = "django_tenants.postgresql_backend"
# One `SET search_path` per tenant switch instead of one per cursor (about half of a request's statements).
# Safe only because django-tenants 4.0.1 forgets the path it set on rollback, savepoint rollback and close
# (PostgreSQL undoes a SET with the transaction that issued it: django-tenants #1249, #1262);
# tests/test_search_path.py fails if an upgrade loses that.
TENANT_LIMIT_SET_CALLS = True
DATABASES = {"default": _db}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Tenancy ---------------------------------------------------------------------------------------
TENANT_MODEL = "tenants.Etablissement"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New establishments are cloned from a migrated template schema: seconds instead of replaying migrations.
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_BASE_SCHEMA = "modele_etablissement"

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "django_htmx",
    "accounts",
    "referentiels",  # the national catalogue, shared by every establishment (public is on the search path)
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "allauth",
    "allauth.account",
    "accounts",
    "scolarite",
    "evaluations",
    "entreprise",
    "livret",
    "bilans",
    "documents",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS] + ["demo"]

ROOT_URLCONF = "cpro.urls"
PUBLIC_SCHEMA_URLCONF = "cpro.urls_public"

MIDDLEWARE = [
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
                "accounts.context_processors.navigation",
                "tenants.context_processors.abonnement",
                "tenants.context_processors.accessibilite",
            ],
        },
    }
]

WSGI_APPLICATION = "cpro.wsgi.application"

# --- Accounts ----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"  # accounts are created by invitation, never by open sign-up
ACCOUNT_LOGIN_BY_CODE_ENABLED = True  # people with no password yet (tuteurs) log in with an emailed code
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "request_login_code": "20/m/ip,3/m/key",
}
# Where the déclaration d'accessibilité sends people who cannot reach a content (RGAA: a contact is required).
CPRO_CONTACT_ACCESSIBILITE = env("CPRO_CONTACT_ACCESSIBILITE", "")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "cpro <no-reply@cpro.local>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No SESSION_COOKIE_DOMAIN: a session belongs to one establishment's host and schema.
# Sessions are read from the cache (its keys carry the schema) and written through to the schema's table:
# two statements fewer on every request, and nothing lost when the cache is flushed.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Cache: every key is prefixed with the current schema -------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("CACHE_REDIS_URL", REDIS_URL),
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
        }
    }

# --- Celery: the schema travels with each task (tenant-schemas-celery) ---------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")
# Without Redis, tasks run in-process: nothing to install to try the app.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 20 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 18 * 60
_VISIBILITY = 2 * 60 * 60  # longer than any time limit, or late-acked tasks run again
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _VISIBILITY}
CELERY_RESULT_EXPIRES = 24 * 60 * 60
# Celery beat (`celery -A cpro beat`, one process for the whole platform): the tutors' daily digest at 7:00,
# Paris time. A run twice the same day sends nothing more (docs/entreprise.md).
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE = {
    "digest-tuteurs-quotidien": {
        "task": "entreprise.tasks.digest_tuteurs_tous",
        "schedule": crontab(hour=7, minute=0),
    },
    # Documents whose worker died and whose tasks nobody redelivered end as failed, with a message (docs/documents.md).
    "documents-lots-bloques": {
        "task": "documents.tasks.lots_stuck_fail_tous",
        "schedule": crontab(minute="*/5"),
    },
}

# --- Email ------------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# --- Files --------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(Path(env("CPRO_DATA_DIR", str(BASE_DIR / ".data"))) / "media")))
MEDIA_URL = "/media/"  # never served directly: files go through views that check the tenant and the user
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
CPRO_LOGO_MAX_BYTES = 1024 * 1024

# --- Language -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Logging: every line says which establishment it is about ----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant_context": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant": {"format": "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant_context"], "formatter": "tenant"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pgserver": {"level": "WARNING"},
                # WeasyPrint and fontTools log every font and ignored CSS rule at INFO.
                "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Documents: signed credentials, quotes and invoices -------------------------------------------------
# Encrypts the establishments' private signing keys (tenants.signature); changing it makes them unreadable,
# so it is its own setting rather than SECRET_KEY, which one may want to rotate.
CPRO_SIGNATURE_SECRET = env("CPRO_SIGNATURE_SECRET", SECRET_KEY)
# The seller on quotes and invoices (templates/documents/devis.html, facture.html).
CPRO_OPERATEUR = {
    "nom": env("CPRO_OPERATEUR_NOM", "cpro"),
    "adresse": env("CPRO_OPERATEUR_ADRESSE", "Adresse de l'opérateur à renseigner (CPRO_OPERATEUR_ADRESSE)"),
    "siret": env("CPRO_OPERATEUR_SIRET", ""),
    "email": env("CPRO_OPERATEUR_EMAIL", ""),
    # Printed under the totals; a VAT-registered operator sets its own mention and rate.
    "mention_tva": env("CPRO_OPERATEUR_MENTION_TVA", "TVA non applicable, art. 293 B du CGI"),
}
