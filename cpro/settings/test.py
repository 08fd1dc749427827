"""`make test`: real PostgreSQL (embedded or DATABASE_URL), fast hashing, emails kept in memory."""

from .base import *  # noqa: F403

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
