from django.urls import path

from . import views

app_name = "exits"

urlpatterns = [
    path("devices/<tag:asset_tag>/exit/", views.exit_choose, name="exit-choose"),
    path("devices/<tag:asset_tag>/exit/<str:route>/", views.exit_record, name="exit-record"),
    path("devices/<tag:asset_tag>/found/", views.device_found, name="device-found"),
    path("exits/<int:pk>/document/", views.exit_document, name="exit-document"),
    path("exits/<int:pk>/document/issue/", views.exit_document_issue, name="exit-document-issue"),
]
