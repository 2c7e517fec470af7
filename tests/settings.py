"""Test settings: the same suite on SQLite (default), PostgreSQL or MariaDB (DATABASE_URL)."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "tests-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "govinfo_wagtail.core",
    "govinfo_wagtail.catalogue",
    "govinfo_wagtail.policies",
    "govinfo_wagtail.reports",
    "govinfo_wagtail.review",
    "govinfo_wagtail.search",
    # A site's own app that uses the extension points (tests/example_extension).
    "tests.example_extension",
    "wagtail.contrib.settings",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    # Wagtail's API v3 (django-ninja): mounted in tests.urls for the publish-path tests.
    "wagtail.api.v3",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The database task queue of production (docs/deployment.md): its table exists in the
    # test database, and the worker tests run a real db_worker against it.
    "django_tasks_db",
    # Account security (docs/security.md): installed, each part off until a test turns it on.
    "govinfo_wagtail.security",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "govinfo_wagtail.security.middleware.AdminAccountMiddleware",
    "axes.middleware.AxesMiddleware",
    # No header until a test sets CONTENT_SECURITY_POLICY (tests/browser/test_csp.py).
    "govinfo_wagtail.security.csp.CSPMiddleware",
]
# django-axes records and locks only where a test turns it on (AXES_ENABLED and its backend
# in AUTHENTICATION_BACKENDS: tests/security); client.login() elsewhere passes no request.
AXES_ENABLED = False
AXES_LOCKOUT_TEMPLATE = "govinfo_security/lockout.html"
SILENCED_SYSTEM_CHECKS = ["axes.W003"]  # its backend is listed only by the tests that lock

ROOT_URLCONF = "tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.config(default="sqlite://:memory:")}
# Worker processes of the concurrency tests connect straight to the test database. Their
# background tasks (search indexing) go to a queue that nothing runs, as they would go to a
# separate worker in production: the test is about index numbers, not about Wagtail's search
# backend, whose PostgreSQL title-norm rewrite serialises concurrent index updates.
if os.environ.get("GOVINFO_TEST_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["GOVINFO_TEST_DATABASE_NAME"]
    TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"]["OPTIONS"] = {"charset": "utf8mb4"}
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4"}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Files the tests write; one folder per run where runs share a checkout (.ci/run runs the
# databases' suites at the same time).
ARTIFACTS_DIR = Path(os.environ.get("GOVINFO_TEST_ARTIFACTS", BASE_DIR.parent / "test-artifacts"))
STATIC_URL = "/static/"
STATIC_ROOT = ARTIFACTS_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = ARTIFACTS_DIR / "media"

# No requests to hosts outside the site from the admin (intranet sites): no Gravatar avatars,
# no check for new Wagtail releases (docs/installation.md).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_SITE_NAME = "测试站"
WAGTAILADMIN_BASE_URL = "http://testserver"
# The package backend: Wagtail's database backend with the Chinese analysis (admin search).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "govinfo_wagtail.search.backends.database"}}

# Browser tests write their screenshots here (ignored by git).
SCREENSHOT_DIR = Path(os.environ.get("GOVINFO_SCREENSHOT_DIR", ARTIFACTS_DIR / "screenshots"))

# Disclosure pages that pass review go live through govinfo-wagtail's release service, and an
# edit during review sends the page back to the first gate.
WAGTAIL_FINISH_WORKFLOW_ACTION = "govinfo_wagtail.review.workflow.finish_workflow"
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
