"""Production: every value comes from the environment; nothing embedded, nothing seeded."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CPRO_BASE_DOMAIN, CPRO_EMBEDDED, REDIS_URL, env, env_bool

DEBUG = False
if CPRO_EMBEDDED:
    raise ImproperlyConfigured("DATABASE_URL est obligatoire en production.")
if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL est obligatoire en production (cache, limites de connexion, tâches).")
SECRET_KEY = env("DJANGO_SECRET_KEY") or ""
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY doit contenir au moins 50 caractères aléatoires.")

ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS", f".{CPRO_BASE_DOMAIN}").split(",")
CPRO_SCHEME = "https"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)  # set false if the domain cannot commit to HTTPS forever
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
