"""Associations: the staff list and page (approve, suspend, refuse), the public application
form (``/reuse/apply/``), and a member's "my association" page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config import throttle
from config.confirm import confirm_first
from config.roles import require_staff
from config.web import add_service_errors, query_without_page

from .. import queries, services
from ..exceptions import ReuseRefused
from ..forms import ApplicationForm, AssociationForm, InterestsForm
from ..models import Association
from .common import page_of, portal, refusal_text


def association_list(request):
    require_staff(request, "reuse.view_association")
    associations = queries.associations_for_staff()
    status = request.GET.get("status")
    if status in Association.Status.values:
        associations = associations.filter(status=status)
    return render(request, "reuse/association_list.html", {
        "page": page_of(request, associations, 50), "statuses": Association.Status.choices, "status": status,
        "query": query_without_page(request),
    })


def association_detail(request, pk):
    require_staff(request, "reuse.view_association")
    association = get_object_or_404(queries.associations_for_staff(), pk=pk)
    can_edit = request.user.has_perm("reuse.change_association")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = AssociationForm(request.POST, instance=Association.objects.get(pk=pk))
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.update_association(association=association, actor=request.user,
                                            interests=data.pop("interests"), **data)
            except ValidationError as error:
                messages.error(request, refusal_text(error))
            else:
                messages.success(request, _("Saved."))
                return redirect("reuse:association-detail", pk=pk)
    else:
        form = AssociationForm(instance=association)
    return render(request, "reuse/association_detail.html", {
        "association": association, "form": form if can_edit else None, "can_edit": can_edit,
        "members": association.memberships.select_related("user"),
        "claims": queries.claims_for(request.user).filter(association=association)[:20],
    })


@require_POST
def association_decide(request, pk, action):
    require_staff(request, "reuse.change_association")
    association = get_object_or_404(Association, pk=pk)
    reason = request.POST.get("reason", "")
    if action == "approve":
        asked = confirm_first(
            request, title=_("Approve %(name)s?") % {"name": association.name},
            consequence=_("An account is created for its contact, who receives an e-mail to set a password and "
                          "can then claim devices."),
            button=_("Approve"), back=reverse("reuse:association-detail", args=[pk]))
        if asked:
            return asked
    try:
        if action == "approve":
            services.approve_association(association=association, actor=request.user)
        elif action == "suspend":
            services.suspend_association(association=association, actor=request.user, reason=reason)
        elif action == "refuse":
            services.refuse_application(association=association, actor=request.user, reason=reason)
        else:
            raise PermissionDenied
    except (ReuseRefused, ValidationError) as error:
        messages.error(request, refusal_text(error))
    else:
        association.refresh_from_db()
        messages.success(request, _("%(name)s is now “%(status)s”.") % {
            "name": association.name, "status": association.get_status_display()})
    return redirect("reuse:association-detail", pk=pk)


@login_not_required
def apply(request):
    """The public application form: an association asks to become a partner."""
    if request.method == "POST":
        if not throttle.allow("application", throttle.client_address(request)):
            return throttle.too_many(request)
        form = ApplicationForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            for name in ("consent", "website"):
                data.pop(name)
            try:
                services.apply_as_association(**data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("reuse:apply-done")
    else:
        form = ApplicationForm()
    return render(request, "reuse/apply.html", {"form": form})


@login_not_required
def apply_done(request):
    return render(request, "reuse/apply_done.html")


def my_association(request):
    """A member's view of their association, and the categories it follows."""
    association = portal(request)
    if association is None:
        return redirect(reverse("reuse:association-list"))
    if request.method == "POST":
        form = InterestsForm(request.POST)
        if form.is_valid():
            services.update_interests(association=association, interests=form.cleaned_data["interests"],
                                      actor=request.user)
            messages.success(request, _("Saved."))
            return redirect("reuse:my-association")
    else:
        form = InterestsForm(initial={"interests": association.interests.all()})
    return render(request, "reuse/my_association.html", {"association": association, "form": form})
