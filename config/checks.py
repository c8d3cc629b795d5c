from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def demo_accounts_that_can_log_in():
    """Usernames of demo accounts still active with the published demo password."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users = User.objects.filter(username__in=settings.DEMO_USERNAMES, is_active=True)
    return [user.username for user in users if user.check_password(settings.DEMO_PASSWORD)]


def assert_production_ready():
    """Production (DEBUG off) refuses to start while demo accounts can log in."""
    if settings.DEBUG:
        return
    found = demo_accounts_that_can_log_in()
    if found:
        raise ImproperlyConfigured(
            "Demo accounts with the demo password exist: %s. Disable them or change their "
            "passwords before running in production." % ", ".join(found)
        )
