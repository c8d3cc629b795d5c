"""API plumbing shared by every app: pagination, the one permission class, error translation."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class PageSizePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 500


# DRF action -> the model permission verb it needs by default.
ACTION_VERBS = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}


class StaffPermission(permissions.BasePermission):
    """The one permission class of the API: the authority's staff, with the model permission
    of the action; association members only on the actions a viewset opens to its portal.

    A viewset may set:
    - ``action_permissions = {"close": ["inventory.change_repair", …]}`` for actions whose
      permissions are not ``<app>.<verb>_<model>`` of its queryset's model (``view`` for reads);
    - ``portal_actions = {"list", "retrieve", …}``: actions an association member may call; what
      they then see is limited by the viewset's ``for_user()`` queryset, and a service decides the rest.
    """

    def has_permission(self, request, view):
        from .roles import ASSOCIATION, is_staff_member, roles_of

        user = request.user
        if not (user and user.is_authenticated):
            return False
        if is_staff_member(user):
            return user.has_perms(self.required_permissions(view))
        return view.action in getattr(view, "portal_actions", ()) and ASSOCIATION in roles_of(user)

    @staticmethod
    def required_permissions(view):
        extra = getattr(view, "action_permissions", {})
        if view.action in extra:
            return extra[view.action]
        meta = view.get_queryset().model._meta
        verb = ACTION_VERBS.get(view.action, "view")
        return [f"{meta.app_label}.{verb}_{meta.model_name}"]


def exception_handler(exc, context):
    """Domain errors become 400/409 with a readable message instead of a 500.

    Services raise ``django.core.exceptions.ValidationError`` (400) or an exception that
    carries ``http_status`` (e.g. the lifecycle's refusal, 409 on a conflict).
    """
    # Imported here: DRF imports this module while ``rest_framework.views`` is still loading
    # (DEFAULT_PERMISSION_CLASSES names StaffPermission).
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    http_status = getattr(exc, "http_status", None)
    if http_status:
        return Response({"detail": str(exc), "code": getattr(exc, "code", "")}, status=http_status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return None
