"""The Celery app. tenant-schemas-celery stamps the current schema on each task message and the worker
switches to it before running the task, so a task always works in the establishment that sent it."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpro.settings.dev")

app = CeleryApp("cpro")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
