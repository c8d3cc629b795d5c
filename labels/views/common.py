from django.core.exceptions import PermissionDenied

from config.roles import is_staff_member


def staff_only(request):
    """The authority's own people (technicians, procurement, admins); associations get a 403."""
    if not is_staff_member(request.user):
        raise PermissionDenied


def require(request, *perms):
    staff_only(request)
    if not request.user.has_perms(perms):
        raise PermissionDenied
