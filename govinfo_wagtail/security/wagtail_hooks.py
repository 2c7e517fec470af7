from django.urls import include, path
from wagtail import hooks

from . import views

urlpatterns = [
    path("verify/", views.otp_verify, name="otp_verify"),
    path("setup/", views.otp_setup, name="otp_setup"),
]


@hooks.register("register_admin_urls")
def register_security_urls():
    return [path("govinfo-security/",
                 include((urlpatterns, "govinfo_security"), namespace="govinfo_security"))]
