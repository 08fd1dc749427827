"""`make run`: debug on, emails on the console, the embedded PostgreSQL unless DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
CPRO_PORT = env("CPRO_PORT", "8000")
