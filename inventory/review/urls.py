"""Pages of the review (flags, settings) and of the renewal plan; included at the site root."""

from django.urls import path

from ..renewal import urls as renewal_urls
from . import views

app_name = "review"

urlpatterns = [
    path("flags/", views.flag_list, name="flag-list"),
    path("flags/export.csv", views.flag_export, name="flag-export"),
    path("flags/action/", views.flag_action, name="flag-action"),
    path("flags/settings/", views.review_settings, name="settings"),
    *renewal_urls.urlpatterns,
]
