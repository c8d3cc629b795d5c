"""Pages of the review (flags, settings) and of the renewal plan; included at the site root."""

from django.urls import path

from . import flag_views, renewal_views

app_name = "review"

urlpatterns = [
    path("flags/", flag_views.flag_list, name="flag-list"),
    path("flags/action/", flag_views.flag_action, name="flag-action"),
    path("flags/settings/", flag_views.review_settings, name="settings"),
    path("renewal/", renewal_views.renewal_overview, name="renewal"),
    path("renewal/plan/", renewal_views.renewal_plan_devices, name="renewal-plan"),
]
