"""`make bench`: what production runs (no debug, no query log) on the development database and files."""

from .dev import *  # noqa: F403

DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},  # no collectstatic needed
}
