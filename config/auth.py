"""The authentication backend: Django's, minus the published demo password in production.

``config.checks`` refuses to *start* while a demo account has the demo password, but a
password can be reset to it later (or a worker booted before the reset); this backend refuses
that login itself whenever DEBUG is off.
"""

import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

logger = logging.getLogger(__name__)


class ProlongeBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.DEBUG and password == settings.DEMO_PASSWORD:
            logger.warning("Login with the demo password refused for %r (DEBUG is off).", username)
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None, *args, **kwargs):
    """django-axes' answer to a locked-out login: the French page, 429, with the wait in minutes."""
    from django.shortcuts import render

    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(float(cool_off) * 60)) if cool_off else None
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {"minutes": minutes}, status=429)
