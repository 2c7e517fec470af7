"""The package's own URLs; a host mounts them at /govinfo/ (see the README)."""

from django.urls import include, path

from .health import health

app_name = "govinfo"

urlpatterns = [
    path("health/", health, name="health"),
    path("", include("govinfo_wagtail.core.urls")),
    path("search/", include("govinfo_wagtail.search.urls")),
    path("api/", include("govinfo_wagtail.search.api_urls")),
    path("reports/", include("govinfo_wagtail.reports.urls")),
]
