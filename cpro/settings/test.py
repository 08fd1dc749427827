"""`make test`: real PostgreSQL (embedded or DATABASE_URL), fast hashing, emails kept in memory."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Views' tasks run in-process; tests/test_celery_tenancy.py starts a real worker (memory and Redis brokers).
CELERY_TASK_ALWAYS_EAGER = True

# `make test` runs two pytest processes side by side (tests/run.py): each creates and drops its own test database.
_SUFFIX = env("CPRO_TEST_DB_SUFFIX", "")
if _SUFFIX:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_SUFFIX}"}  # noqa: F405
