"""The flags page ("Constats de la revue"), its bulk actions and the review settings page."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.roles import require_staff
from config.web import filtered_rows, paginate, query_without_page, safe_next

from ..models import Category, CategoryReviewSettings, Flag, ReviewSettings
from . import exports
from .base import label_flags
from .filters import FlagFilterSet
from .forms import CategoryThresholdsFormSet, FlagActionForm, ReviewSettingsForm
from .queries import flag_totals
from .services import accept_flags, dismiss_flags, update_category_thresholds, update_review_settings

PAGE_SIZE = 50


def flag_queryset():
    """Flags with what a row of the list shows, in one query."""
    return Flag.objects.select_related(
        "device", "device__model", "device__model__category", "device__site", "resolved_by"
    ).order_by("-created_at", "-id")


def flag_list(request):
    """The review's findings, filtered by the same FilterSet as ``/api/flags/``."""
    require_staff(request)
    filterset = FlagFilterSet(request.GET, queryset=flag_queryset())
    flags = filtered_rows(filterset)
    page = paginate(request, flags, PAGE_SIZE)
    label_flags(page)
    totals = flag_totals(flags)
    return render(request, "inventory/flag_list.html", {
        "filter": filterset, "page": page, "totals": totals, "query": query_without_page(request),
        "can_act": request.user.has_perm("inventory.change_flag"),
        "next": request.get_full_path(),
    })


def flag_export(request):
    """The filtered findings as CSV (spreadsheet dialect, or ``?dialect=machine``), streamed."""
    require_staff(request)
    return exports.flag_export(request)


@require_POST
def flag_action(request):
    """Accept or dismiss the selected flags, or every flag matching the filters."""
    require_staff(request)
    if not request.user.has_perm("inventory.change_flag"):
        raise PermissionDenied
    form = FlagActionForm(request.POST)
    fallback = reverse("review:flag-list")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(safe_next(request.POST.get("next")) or fallback)
    data = form.cleaned_data
    if data["scope"] == "filtered":
        flags = FlagFilterSet(QueryDict(data["query"]), queryset=Flag.objects.all()).qs
    else:
        flags = Flag.objects.filter(pk__in=data["flag"])
    try:
        if data["action"] == FlagActionForm.ACCEPT:
            report = accept_flags(flags=flags, actor=request.user)
            messages.success(request, _("%(n)s findings accepted.") % {"n": report.accepted})
            for tag, why in sorted(report.refused.items()):
                messages.error(request, _("%(tag)s: %(why)s") % {"tag": tag, "why": why})
        else:
            count = dismiss_flags(flags=flags, actor=request.user, reason=data["reason"])
            messages.success(request, _("%(n)s findings dismissed.") % {"n": count})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(data["next"] or fallback)


def _category_initial():
    """One row per category, with its own thresholds when it has some."""
    own = {row.category_id: row for row in CategoryReviewSettings.objects.all()}
    categories = list(Category.objects.order_by("name"))
    initial = [
        {"category": c.pk, **{name: getattr(own.get(c.pk), name, None) for name in CategoryReviewSettings.OVERRIDABLE}}
        for c in categories
    ]
    return categories, initial


def review_settings(request):
    """The review's thresholds: everyone on staff reads them, procurement changes them.

    Two forms: the global thresholds, and per category the ones that override them.
    """
    require_staff(request)
    can_edit = request.user.has_perm("inventory.change_reviewsettings")
    current = ReviewSettings.current()
    categories, initial = _category_initial()
    form = ReviewSettingsForm(instance=current)
    formset = CategoryThresholdsFormSet(initial=initial, prefix="cat")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if request.POST.get("which") == "categories":
            formset = CategoryThresholdsFormSet(request.POST, initial=initial, prefix="cat")
            if formset.is_valid():
                try:
                    update_category_thresholds(actor=request.user, rows=[f.cleaned_data for f in formset])
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                    return redirect("review:settings")
                messages.success(request, _("Review settings saved; they apply from the next run."))
                return redirect("review:settings")
        else:
            form = ReviewSettingsForm(request.POST, instance=current)
            if form.is_valid():
                update_review_settings(actor=request.user, **{
                    name: form.cleaned_data[name] for name in ReviewSettingsForm.Meta.fields
                })
                messages.success(request, _("Review settings saved; they apply from the next run."))
                return redirect("review:settings")
    if not can_edit:
        for item in [form, *formset]:
            for field in item.fields.values():
                field.disabled = True
    names = {c.pk: c.name for c in categories}
    return render(request, "inventory/flag_settings.html", {
        "form": form, "can_edit": can_edit, "settings_row": current,
        "formset": formset, "category_rows": [(names.get(f.initial.get("category")), f) for f in formset],
        "reuse_targets": sorted(settings.PROLONGE["REUSE_TARGETS"].items()),
        "reuse_max_age": settings.PROLONGE["REUSE_MAX_AGE_YEARS"],
    })
