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
