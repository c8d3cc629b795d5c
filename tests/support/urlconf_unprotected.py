"""The project's URLs plus one page that forgets its staff check (for the permission tests' self-test)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def leak(request):
    return HttpResponse("internal figures")


urlpatterns = [path("leak/", leak, name="leak"), *project_urlpatterns]
