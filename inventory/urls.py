from django.urls import path

from . import method, sites, today, views

app_name = "inventory"

urlpatterns = [
    path("methode/", method.method_page, name="method"),
    path("today/", today.today, name="today"),
    path("sites/lookup/", sites.site_lookup, name="site-lookup"),
    path("devices/", views.device_list, name="device-list"),
    path("devices/export.csv", views.device_export, name="device-export"),
    path("devices/export.xlsx", views.device_export_xlsx, name="device-export-xlsx"),
    path("devices/journal.csv", views.journal_export, name="journal-export"),
    path("devices/new/", views.device_create, name="device-create"),
    path("devices/bulk/", views.device_bulk, name="device-bulk"),
    path("devices/<tag:asset_tag>/", views.device_detail, name="device-detail"),
    path("devices/<tag:asset_tag>/edit/", views.device_edit, name="device-edit"),
    path("devices/<tag:asset_tag>/transition/", views.device_transition, name="device-transition"),
    path("events/<int:pk>/photo/", views.event_photo, name="event-photo"),
]
