"""Helpers shared by the reuse pages: who may enter the portal, refusals as text, paging, PDFs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from config.roles import is_staff_member
from config.web import paginate, protected_file_response
from inventory.lifecycle import TransitionRefused
from inventory.models import Device, normalize_asset_tag

from .. import queries
from ..exceptions import ReuseRefused

REFUSALS = (ReuseRefused, TransitionRefused)


def portal(request):
    """Staff, or a member of an association; anyone else is turned away."""
    if is_staff_member(request.user):
        return None
    association = queries.association_of(request.user)
    if association is None:
        raise PermissionDenied(_("Your account is not linked to an association yet."))
    return association


def refusal_text(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return error.message


def page_of(request, queryset, size=20):
    return paginate(request, queryset, size)


def pdf_response(stored, render_again, filename):
    """The archived PDF; regenerated from the stored fields if the file went missing.

    Regenerating is refused (503, the French reason) while the authority's identity is not configured.
    """
    if stored and stored.storage.exists(stored.name):
        return protected_file_response(stored, filename=filename, content_type="application/pdf")
    try:
        data = render_again()
    except ValidationError as refused:
        return HttpResponse(" ".join(refused.messages), status=503, content_type="text/plain; charset=utf-8")
    response = FileResponse(ContentFile(data), as_attachment=True, filename=filename, content_type="application/pdf")
    response["Cache-Control"] = "no-store, private"
    return response


def device_or_404(asset_tag):
    return get_object_or_404(Device.objects.select_related("model", "model__category"),
                             asset_tag=normalize_asset_tag(asset_tag))
