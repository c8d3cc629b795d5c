"""Web plumbing shared by every app's HTML views, the counterpart of ``config/api.py``.

What each app's views used to copy: where to go back to (``safe_next``), how a service's
``ValidationError`` lands on a form (``add_service_errors``), the list page helpers
(``paginate``, ``query_without_page``) and the one form template of the project
(``ProlongeFormRenderer``: ``{{ form }}`` renders ``templates/forms/prolonge.html``).
"""

from django.core.paginator import Paginator
from django.forms.renderers import TemplatesSetting
from django.utils.http import url_has_allowed_host_and_scheme

__all__ = ["ProlongeFormRenderer", "add_service_errors", "paginate", "query_without_page", "safe_next"]


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
