"""API plumbing shared by every app: pagination, the one permission class, error translation."""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, status
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

    A view without a queryset (the OpenAPI schema and its docs) is open to staff only.
    """

    def has_permission(self, request, view):
        from .roles import ASSOCIATION, is_staff_member, roles_of

        user = request.user
        if not (user and user.is_authenticated):
            return False
        if is_staff_member(user):
            return user.has_perms(self.required_permissions(view))
        return getattr(view, "action", None) in getattr(view, "portal_actions", ()) and ASSOCIATION in roles_of(user)

    @staticmethod
    def required_permissions(view):
        extra = getattr(view, "action_permissions", {})
        action = getattr(view, "action", None)
        if action in extra:
            return extra[action]
        if not hasattr(view, "get_queryset"):
            return []
        meta = view.get_queryset().model._meta
        verb = ACTION_VERBS.get(action, "view")
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
        # Every {"detail": …} answer carries a machine code, as the domain refusals do.
        if isinstance(response.data, dict) and "detail" in response.data and "code" not in response.data:
            response.data["code"] = getattr(exc, "default_code", "error")
        return response
    http_status = getattr(exc, "http_status", None)
    if http_status:
        return Response({"detail": str(exc), "code": getattr(exc, "code", "")}, status=http_status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return None


# Free text accepted by the API where the column is a TextField: long enough for any real note.
TEXT_MAX = 5000


class BoundedDateTimeField(serializers.DateTimeField):
    """A date-time between 1990 and ten years from now: the register's domain.

    Year 9999 once reached a service that added a delay to it (OverflowError, a 500).
    """

    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        low = timezone.make_aware(dt.datetime(1990, 1, 1))
        high = timezone.now() + dt.timedelta(days=3653)
        if not low <= result <= high:
            raise serializers.ValidationError(_("Enter a date between 1990 and ten years from now."))
        return result


ERROR_ANSWERS = {
    "400": "Invalid input (field errors, or {detail, code}).",
    "401": "No credentials.",
    "403": "Not allowed for this user (or a domain refusal with a code).",
    "404": "Not found, or not visible to this user.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Conflict: the row changed meanwhile (lost update) or another party won.",
    "415": "Unsupported media type.",
    "429": "Too many requests (throttled).",
}


def document_error_answers(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation documents the error answers the
    exception handler can give, with one loose ``Error`` schema (DRF's field errors or
    ``{detail, code}``), so clients and the fuzzer in CI know them."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorAnswer", {"type": "object", "additionalProperties": True})
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERROR_ANSWERS.items():
                operation["responses"].setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorAnswer"}}},
                })
    return result
