from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v3.urls import api as wagtailapi_v3
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Wagtail's write API, mounted so the tests can prove it cannot publish disclosure pages.
    path("api/v3/", wagtailapi_v3.urls),
    path("govinfo/", include("govinfo_wagtail.urls")),
    path("", include(wagtail_urls)),
]
