"""API plumbing shared by every app: pagination and error translation."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class PageSizePagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc, context):
    """Domain errors become 400/409 with a readable message instead of a 500.

    Services raise ``django.core.exceptions.ValidationError`` (400) or an exception that
    carries ``http_status`` (e.g. the lifecycle's refusal, 409 on a conflict).
    """
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
