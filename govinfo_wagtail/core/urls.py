"""Core public URLs, mounted at /govinfo/ by the host (namespace ``govinfo``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("leave/", views.leave, name="leave"),
    path("text-size/", views.text_size, name="text_size"),
]
