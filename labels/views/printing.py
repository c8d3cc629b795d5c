"""Print labels for the devices of a filtered list, or for given asset tags.

``/labels/?<device list query>`` (or ``?tags=A,B``) shows how many labels and lets the person
choose the sheet and the first free position; ``/labels/sheet.pdf?…`` returns the PDF.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from config.roles import require_staff

from ..forms import PrintForm
from ..models import LabelTemplate
from ..pdf import page_count, render_labels
from ..services import select_devices

# About four seconds of rendering: more is a job for ``manage.py print_labels``.
MAX_LABELS_PER_REQUEST = 3000
OWN_PARAMS = {"template", "start", "page", "page_size"}
PREVIEW = 12


def _selection_params(request):
    return [(key, value) for key, values in request.GET.lists() if key not in OWN_PARAMS for value in values]


def print_form(request):
    require_staff(request)
    selection = select_devices(request.GET)
    templates = list(LabelTemplate.objects.all())
    initial = {"template": templates[0].slug if templates else None, "start": 1}
    form = PrintForm(request.GET if "template" in request.GET else None, initial=initial)
    return render(request, "labels/print.html", {
        "form": form,
        "selection": selection,
        "count": len(selection.tags),
        "preview": selection.tags[:PREVIEW],
        "more": max(0, len(selection.tags) - PREVIEW),
        "hidden": _selection_params(request),
        "templates": templates,
        "max_labels": MAX_LABELS_PER_REQUEST,
        "back": reverse("inventory:device-list") + "?" + urlencode(_selection_params(request))
        if "tags" not in request.GET else "",
    })


def print_pdf(request):
    require_staff(request)
    form = PrintForm(request.GET)
    selection = select_devices(request.GET)
    problem = None
    if not form.is_valid():
        problem = " ".join(str(m) for errors in form.errors.values() for m in errors)
    elif selection.errors:
        problem = _("The filters are not valid.")
    elif not selection.tags:
        problem = _("No device to label.")
    elif len(selection.tags) > MAX_LABELS_PER_REQUEST:
        problem = _("%(n)s labels is more than %(max)s at once: narrow the filters or use the print_labels "
                    "command.") % {"n": len(selection.tags), "max": MAX_LABELS_PER_REQUEST}
    if problem:
        messages.error(request, problem)
        return redirect(reverse("labels:print") + "?" + request.GET.urlencode())
    template, start = form.cleaned_data["template"], form.cleaned_data["start"]
    pdf = render_labels(selection.tags, template=template, start=start)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="etiquettes-{template.slug}.pdf"'
    response["X-Label-Count"] = str(len(selection.tags))
    response["X-Page-Count"] = str(page_count(template, len(selection.tags), start))
    return response
