from django.urls import path

from . import views

app_name = "repairs"

urlpatterns = [
    path("repairs/", views.repair_list, name="repair-list"),
    path("repairs/export.csv", views.repair_export, name="repair-export"),
    path("repairs/<int:pk>/", views.repair_detail, name="repair-detail"),
    path("repairs/<int:pk>/close/", views.repair_close, name="repair-close"),
    path("devices/<tag:asset_tag>/repairs/new/", views.repair_open, name="repair-open"),
]
