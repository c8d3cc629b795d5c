"""Web plumbing shared by every app's HTML views, the counterpart of ``config/api.py``.

What each app's views used to copy: where to go back to (``safe_next``), how a service's
``ValidationError`` lands on a form (``add_service_errors``), the list page helpers
(``paginate``, ``query_without_page``) and the one form template of the project
(``ProlongeFormRenderer``: ``{{ form }}`` renders ``templates/forms/prolonge.html``).
"""

from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.forms.renderers import TemplatesSetting
from django.http import FileResponse, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

__all__ = [
    "ProlongeFormRenderer",
    "add_service_errors",
    "filtered_rows",
    "paginate",
    "protected_file_response",
    "query_without_page",
    "safe_next",
]


class ProlongeFormRenderer(TemplatesSetting):
    """Every form renders with the project's template (errors first, one block per field)."""

    form_template_name = "forms/prolonge.html"


def safe_next(value):
    """A local path to go back to, or "" (never another site, never a scheme-relative URL)."""
    value = value or ""
    if value.startswith("/") and not value.startswith("//") and url_has_allowed_host_and_scheme(value, None):
        return value
    return ""


def add_service_errors(form, error):
    """Put a service's ``ValidationError`` on ``form``: per field where the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def query_without_page(request):
    """The request's query string without ``page``, for pager links that keep the filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def paginate(request, queryset, size):
    """The requested page of ``queryset`` (an out-of-range or bad number gives the last/first page)."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def protected_file_response(stored, *, filename, content_type, as_attachment=True):
    """Send a stored file (a ``FieldFile``) to a user a view has already checked.

    Media files have no public URL (not even with DEBUG): every document and photo goes through
    a view. In production the web server sends the bytes: ``PROTECTED_MEDIA_SERVER`` "nginx"
    answers with ``X-Accel-Redirect`` to ``PROTECTED_MEDIA_PREFIX`` (an ``internal`` location
    aliased to MEDIA_ROOT), "sendfile" with ``X-Sendfile`` (Apache, lighttpd); empty streams
    the file from Python. The response is never cached (``no-store``): a shared computer or a
    proxy must not keep an agreement or a certificate.
    """
    server = getattr(settings, "PROTECTED_MEDIA_SERVER", "")
    if server in ("nginx", "sendfile"):
        response = HttpResponse(content_type=content_type)
        if server == "nginx":
            response["X-Accel-Redirect"] = quote(f"{settings.PROTECTED_MEDIA_PREFIX.rstrip('/')}/{stored.name}")
        else:
            response["X-Sendfile"] = stored.path
        disposition = "attachment" if as_attachment else "inline"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    else:
        response = FileResponse(stored.open("rb"), as_attachment=as_attachment, filename=filename,
                                content_type=content_type)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, " + response["Cache-Control"]
    return response


def filtered_rows(filterset):
    """The FilterSet's rows, or none when a filter value is invalid.

    django-filter skips an invalid value and would list every row under the error message;
    the API answers 400 for the same query string. "Same query, same rows": an invalid filter
    shows its error and no rows, never the whole register.
    """
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs
