from django.conf import settings


def prolonge(request):
    """Values every page shows: the owner's name (labels, footer) and the user's roles."""
    user = getattr(request, "user", None)
    roles = set()
    if user is not None and user.is_authenticated:
        from .roles import roles_of

        roles = roles_of(user)
    return {"OWNER_NAME": settings.PROLONGE["OWNER_NAME"], "user_roles": roles}
