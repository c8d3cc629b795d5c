"""The four roles of DESIGN.md §6, as Django groups and their model permissions.

Groups are created by a data migration (``inventory/migrations/0002_roles.py``); their
permissions are synchronised after every migrate because permissions of apps migrated later
only exist at that point. The mapping below is the single source of truth.
"""

TECHNICIAN = "technician"
PROCUREMENT = "procurement"
ASSOCIATION = "association"
ADMIN = "admin"
ROLES = (TECHNICIAN, PROCUREMENT, ASSOCIATION, ADMIN)
STAFF_ROLES = (TECHNICIAN, PROCUREMENT, ADMIN)

# app_label -> {role: set of codename prefixes or full codenames}
_VIEW = {"view"}
_EDIT = {"view", "add", "change"}
_ALL = {"view", "add", "change", "delete"}

ROLE_PERMISSIONS = {
    TECHNICIAN: {
        "inventory": {
            "device": _EDIT | {"transition"},
            "event": {"view", "add"},
            "repair": _EDIT,
            "flag": {"view", "change"},
            "category": _VIEW,
            "devicemodel": _EDIT,
            "site": _VIEW,
            "department": _VIEW,
        },
        "labels": {"*": _EDIT},
        "reuse": {"erasure": _EDIT, "*": _VIEW},
        "reports": {"*": _VIEW},
    },
    PROCUREMENT: {
        "inventory": {"*": _EDIT, "device": _EDIT | {"transition"}, "event": {"view", "add"}},
        "labels": {"*": _VIEW},
        "reuse": {"*": _EDIT},
        "reports": {"*": _EDIT},
    },
    ADMIN: {
        "inventory": {"*": _ALL | {"transition"}, "event": {"view", "add"}},
        "labels": {"*": _ALL},
        "reuse": {"*": _ALL},
        "reports": {"*": _ALL},
        "auth": {"*": _ALL},
        "authtoken": {"*": _ALL},
        "django_celery_beat": {"*": _ALL},
    },
    # Associations get no model permission: what they may see is decided by for_user() querysets.
    ASSOCIATION: {},
}


def roles_of(user):
    """Names of the role groups the user belongs to (superusers count as admin)."""
    cached = getattr(user, "_prolonge_roles", None)
    if cached is not None:
        return cached
    roles = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    if user.is_superuser:
        roles.add(ADMIN)
    user._prolonge_roles = roles
    return roles


def is_staff_member(user):
    """Technicians, procurement and admins: the authority's own people."""
    return user.is_authenticated and bool(roles_of(user) & set(STAFF_ROLES))


def _wanted(codename, model, rules):
    action = codename.split("_", 1)[0]
    for key in (model, "*"):
        if key in rules:
            allowed = rules[key]
            return action in allowed or codename in allowed
    return False


def sync_role_permissions(sender=None, **kwargs):
    """Give each role group exactly the permissions of ROLE_PERMISSIONS (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    permissions = list(Permission.objects.select_related("content_type"))
    for role, apps in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = [
            perm
            for perm in permissions
            if perm.content_type.app_label in apps
            and _wanted(perm.codename, perm.content_type.model, apps[perm.content_type.app_label])
        ]
        group.permissions.set(wanted)


def require_staff(request, *perms):
    """403 unless the user is one of the authority's own people and holds every permission given.

    Associations never reach internal pages, whatever permissions they might be given.
    """
    from django.core.exceptions import PermissionDenied

    if not is_staff_member(request.user) or not request.user.has_perms(perms):
        raise PermissionDenied
