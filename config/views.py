from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import PasswordResetView
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse

from . import throttle
from .roles import ASSOCIATION, PROCUREMENT, TECHNICIAN, roles_of


def home(request):
    """Each role lands where its day starts (issue 13).

    Association members on their portal; technicians on their phone page (scan, open repairs,
    recent devices); procurement on the reports dashboard when it exists; the rest on the list.
    """
    roles = roles_of(request.user)
    if roles == {ASSOCIATION}:
        return _first("reuse:catalogue", "inventory:device-list")
    if TECHNICIAN in roles and PROCUREMENT not in roles:
        return _first("inventory:today", "inventory:device-list")
    if PROCUREMENT in roles:
        return _first("reports:dashboard", "inventory:device-list")
    return redirect("inventory:device-list")


def _first(*names):
    for name in names:
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    raise NoReverseMatch(names[-1])


@login_not_required
def csrf_failure(request, reason=""):
    """A refused form (expired or missing CSRF token), in the site's layout and in French."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico on pages without a ``<link rel=icon>`` (PDFs, JSON): no 404."""
    return redirect(static("favicon.svg"), permanent=True)


@login_not_required
def healthz(request):
    """Database and broker status, for load balancers and docker-compose health checks."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503)


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # the point is to report any failure, not to raise it
        return f"error: {exc.__class__.__name__}"


def _check_broker():
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset, at most THROTTLE_RATES["password_reset"] requests per address and
    per e-mail: the form cannot be used to flood a mailbox or probe accounts."""

    def post(self, request, *args, **kwargs):
        if not throttle.allow("password_reset", throttle.client_address(request), request.POST.get("email", "")):
            return throttle.too_many(request)
        return super().post(request, *args, **kwargs)
