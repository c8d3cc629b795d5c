"""Renewal plan pages; included by ``inventory/review/urls.py`` so that they keep their
published names (``review:renewal``, ``review:renewal-plan``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("renewal/", views.renewal_overview, name="renewal"),
    path("renewal/plan/", views.renewal_plan_devices, name="renewal-plan"),
]
