"""Throttles: the API (DRF) and the two public forms (password reset, association application).

Counters live in the ``throttle`` cache (Redis in production, so every worker shares them). A
form over its rate answers 429 with a French page; the API answers 429 with ``Retry-After``.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import render
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


def _cache():
    return caches["throttle"]


class AnonApiThrottle(AnonRateThrottle):
    """Unauthenticated API calls, per client address."""

    @property
    def cache(self):
        return _cache()


class UserApiThrottle(UserRateThrottle):
    """Authenticated API calls, per user."""

    @property
    def cache(self):
        return _cache()


def parse_rate(rate):
    """"5/hour" → (5, 3600)."""
    return SimpleRateThrottle.parse_rate(None, rate)


def client_address(request):
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "")


def allow(scope, *idents):
    """Count one request of ``scope`` for each identity (address, e-mail…); False once any of
    them is over the scope's rate in the current window. Identities are hashed: the cache holds
    no address or e-mail in clear."""
    limit, period = parse_rate(settings.THROTTLE_RATES[scope])
    cache = _cache()
    allowed = True
    for ident in idents:
        if not ident:
            continue
        digest = hashlib.sha256(str(ident).strip().lower().encode()).hexdigest()[:32]
        key = f"{scope}:{digest}"
        cache.add(key, 0, timeout=period)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period)
            count = 1
        allowed = allowed and count <= limit
    return allowed


def too_many(request):
    """The French "too many attempts" page (429)."""
    return render(request, "429.html", status=429)
