from django.urls import path

from . import views

app_name = "shipments"

urlpatterns = [
    path("shipments/", views.shipment_list, name="shipment-list"),
    path("shipments/new/", views.shipment_create, name="shipment-create"),
    path("shipments/register.csv", views.register_csv, name="register-csv"),
    path("shipments/<int:pk>/", views.shipment_detail, name="shipment-detail"),
    path("shipments/<int:pk>/edit/", views.shipment_edit, name="shipment-edit"),
    path("shipments/<int:pk>/devices/", views.shipment_add_devices, name="shipment-add-devices"),
    path("shipments/<int:pk>/devices/<tag:asset_tag>/remove/", views.shipment_remove_device,
         name="shipment-remove-device"),
    path("shipments/<int:pk>/weights/", views.shipment_weights, name="shipment-weights"),
    path("shipments/<int:pk>/dispatch/", views.shipment_dispatch, name="shipment-dispatch"),
    path("shipments/<int:pk>/certificate/", views.shipment_certificate, name="shipment-certificate"),
    path("shipments/<int:pk>/certificate/file/", views.shipment_certificate_file, name="shipment-certificate-file"),
]
