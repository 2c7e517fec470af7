"""A host Wagtail project that uses govinfo-wagtail exactly as an integrator would.

SQLite by default; DATABASE_URL selects PostgreSQL or MariaDB, e.g.
postgres://postgres@127.0.0.1:5432/govinfo or mysql://root@127.0.0.1:3306/govinfo.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "demo-only-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    "home",
    # govinfo-wagtail
    "govinfo_wagtail.core",
    "govinfo_wagtail.catalogue",
    "govinfo_wagtail.policies",
    "govinfo_wagtail.reports",
    "govinfo_wagtail.review",
    "govinfo_wagtail.search",
    # Account security (docs/security.md): lockout, second factor, login log.
    "govinfo_wagtail.security",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Wagtail
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
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "govinfo_wagtail.security.middleware.AdminAccountMiddleware",
    "axes.middleware.AxesMiddleware",
    # Content-Security-Policy (django-csp) with the admin's allowances (docs/deployment.md).
    "govinfo_wagtail.security.csp.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "example_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

WSGI_APPLICATION = "example_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"].setdefault("OPTIONS", {})["charset"] = "utf8mb4"

# The public site reads in Chinese by default; the admin follows each user's choice.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# No requests to hosts outside the site from the admin (intranet sites): no Gravatar avatars,
# no check for new Wagtail releases (docs/installation.md).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_SITE_NAME = "海丰县信息公开示例站"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The package backend: Wagtail's database backend with the Chinese analysis (admin search).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "govinfo_wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "csv", "ofd", "wps", "zip"]

# Disclosure pages that pass review go live through govinfo-wagtail's release service, and an
# edit during review sends the page back to the first gate.
WAGTAIL_FINISH_WORKFLOW_ACTION = "govinfo_wagtail.review.workflow.finish_workflow"
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True

# Accounts (等级保护; docs/security.md). DJANGO_ADMIN_OTP=0 turns the second factor off for a
# quick local demo.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "govinfo_security/lockout.html"
GOVINFO_ADMIN_OTP_REQUIRED = os.environ.get("DJANGO_ADMIN_OTP", "1") == "1"
GOVINFO_ADMIN_SESSION_IDLE_TIMEOUT = 30 * 60
GOVINFO_LOG_RETENTION_DAYS = 183
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "govinfo_wagtail.security.validators.CharacterClassesValidator",
     "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Response headers (docs/deployment.md, "Response headers").
from govinfo_wagtail.security.csp import CONTENT_SECURITY_POLICY  # noqa: E402, F401

SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"  # Wagtail's preview panel frames the site itself
