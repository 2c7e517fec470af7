"""Production settings of the example site: what a county portal runs (docs/deployment.md).

    DJANGO_SETTINGS_MODULE=example_site.settings_production

Everything comes from the environment; nothing secret is written here. Needs the extras:
``pip install "govinfo-wagtail[postgres,tasks,security]"``.
"""

import os

from .settings import *  # noqa: F403
from .settings import INSTALLED_APPS

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")

# Background work (search index updates, report PDFs) in the database queue, run by
# `manage.py db_worker` processes; `manage.py govinfo_tasks_recover` (cron, every 5 minutes)
# puts back tasks a killed worker left running.
INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Behind a TLS-terminating proxy (nginx) that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
# nginx and Varnish on this machine: the visitor's address is read from X-Forwarded-For
# behind them (找错 rate limit, django-axes), never from anyone else's header.
GOVINFO_TRUSTED_PROXIES = os.environ.get("GOVINFO_TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
AXES_CLIENT_IP_CALLABLE = "govinfo_wagtail.core.client_ip.axes_client_ip"
# Monitoring reads the health checks in detail with this header value; the public, only ok/fail.
GOVINFO_HEALTH_TOKEN = os.environ.get("GOVINFO_HEALTH_TOKEN") or None
CSRF_COOKIE_SECURE = True
# HSTS: start low, raise to a year once every subdomain serves HTTPS.
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "3600"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DJANGO_HSTS_SUBDOMAINS", "0") == "1"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("DJANGO_CACHE_URL", "redis://127.0.0.1:6379/1"),
    }
} if os.environ.get("DJANGO_CACHE_URL") else {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "django_cache"}
}

# Front cache (docs/deployment.md, "Front cache"): Varnish with deploy/varnish/default.vcl,
# purged on every release and take-down. GOVINFO_FRONT_CACHE_URL is where PURGE goes: Varnish's
# purge listener (varnishd -a purge=127.0.0.1:6082), e.g. http://127.0.0.1:6082.
if os.environ.get("GOVINFO_FRONT_CACHE_URL"):
    INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.contrib.frontend_cache"]
    WAGTAILFRONTENDCACHE = {"varnish": {
        "BACKEND": "govinfo_wagtail.core.frontcache.HTTPBackend",
        "LOCATION": os.environ["GOVINFO_FRONT_CACHE_URL"],
    }}
