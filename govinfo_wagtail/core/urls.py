"""Core public URLs, mounted at /govinfo/ by the host (namespace ``govinfo``)."""

from django.urls import path

from . import admin_i18n, error_report_views, views

urlpatterns = [
    # Public like Wagtail's own catalogue: the admin's login page loads it too.
    path("admin/jsi18n/", admin_i18n.admin_js_catalog, name="admin_js_catalog"),
    path("leave/", views.leave, name="leave"),
    path("text-size/", views.text_size, name="text_size"),
    path("report-error/", error_report_views.report_error, name="report_error"),
]
