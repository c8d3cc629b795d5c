from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

# The admin says whose it is (the password pages of the site have their own templates).
admin.site.site_header = admin.site.site_title = "Prolonge"
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages without a <link rel=icon> (PDFs, JSON): no 404.
    path("favicon.ico", views.favicon),
    # Before Django's own: the same name and address, throttled (config.throttle).
    path("accounts/password_reset/", login_not_required(views.ThrottledPasswordResetView.as_view()),
         name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language selector is in every page's footer, the login page's too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("inventory.api_urls")),
    path("api/", include("labels.api_urls")),
    path("api/", include("reuse.api_urls")),
    path("api/", include("reports.api_urls")),
    path("", include("inventory.urls")),
    path("", include("inventory.imports.urls")),
    path("", include("inventory.repairs.urls")),
    path("", include("inventory.exits.urls")),
    path("", include("inventory.shipments.urls")),
    path("", include("inventory.review.urls")),
    path("", include("labels.urls")),
    path("reuse/", include("reuse.urls")),
    path("reports/", include("reports.urls")),
]
