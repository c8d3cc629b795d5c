"""Erasures: the list (``/reuse/erasures/``), a certificate's page and PDF, and the staff form
that records an erasure for a device."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from config.roles import require_staff
from config.web import filtered_rows, query_without_page

from .. import queries, services
from ..filters import ErasureFilterSet
from ..forms import ErasureForm
from ..pdf import erasure_certificate
from .common import REFUSALS, device_or_404, page_of, pdf_response, portal, refusal_text


def erasure_list(request):
    portal(request)
    filterset = ErasureFilterSet(request.GET, queryset=queries.erasures_for(request.user))
    return render(request, "reuse/erasure_list.html", {
        "filter": filterset, "page": page_of(request, filtered_rows(filterset), 50),
        "query": query_without_page(request)})


def erasure_detail(request, pk):
    portal(request)
    erasure = get_object_or_404(queries.erasures_for(request.user), pk=pk)
    return render(request, "reuse/erasure_detail.html", {"erasure": erasure})


def erasure_certificate_pdf(request, pk):
    portal(request)
    erasure = get_object_or_404(queries.erasures_for(request.user), pk=pk)
    return pdf_response(erasure.certificate, lambda: erasure_certificate(erasure), f"{erasure.number}.pdf")


def erasure_create(request, asset_tag):
    require_staff(request, "reuse.add_erasure")
    device = device_or_404(asset_tag)
    if request.method == "POST":
        form = ErasureForm(request.POST)
        if form.is_valid():
            try:
                erasure = services.record_erasure(device=device, actor=request.user, **form.cleaned_data)
            except (*REFUSALS, ValidationError) as error:
                messages.error(request, refusal_text(error))
            else:
                messages.success(request, _("Erasure recorded: certificate %(number)s.") % {"number": erasure.number})
                return redirect(device)
    else:
        form = ErasureForm(initial={"operator_name": request.user.get_full_name() or request.user.get_username()})
    return render(request, "reuse/erasure_form.html", {"form": form, "device": device})
