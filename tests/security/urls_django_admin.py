"""A site that mounts Django's admin beside Wagtail's, a staff page of its own, and serves
static files through Django (as ``runserver`` does): the second factor must hold on every
path, not only under Wagtail's admin."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.staticfiles.views import serve
from django.http import HttpResponse
from django.urls import path, re_path

from tests.urls import urlpatterns as site_urlpatterns


@staff_member_required
def staff_report(request):
    return HttpResponse(f"staff report for {request.user.get_username()}")


urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("staff-report/", staff_report),
    re_path(r"^static/(?P<path>.*)$", serve, {"insecure": True}),
    *site_urlpatterns,
]
