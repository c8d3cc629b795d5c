from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.upload, name="upload"),
    path("imports/template.<str:file_format>", views.template, name="template"),
    path("imports/profiles/new/", views.profile_edit, name="profile-new"),
    path("imports/profiles/<int:pk>/", views.profile_edit, name="profile-edit"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("jobs/<int:pk>/file/", views.job_file, name="job-file"),
]
