"""The package's own URLs; a host mounts them at /govinfo/ (see the README)."""

from django.urls import include, path

app_name = "govinfo"

urlpatterns = [
    path("", include("govinfo_wagtail.core.urls")),
    path("search/", include("govinfo_wagtail.search.urls")),
    path("api/", include("govinfo_wagtail.search.api_urls")),
    path("reports/", include("govinfo_wagtail.reports.urls")),
]
