from django.urls import path

from .views import api_search_view

app_name = "api"

urlpatterns = [path("search/", api_search_view, name="search")]
