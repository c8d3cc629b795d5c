"""Django admin for the register: the back office of administrators.

Device writes go through ``inventory.services`` (journalled) and status changes through
``inventory.lifecycle.transition`` (the "change status" action); the journal is read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import lifecycle, services
from .forms import DEVICE_FIELDS, DeviceValidationMixin
from .models import Category, Department, Device, DeviceModel, Event, Flag, Repair, Site, Status


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "planned_lifespan_years",
        "depreciation_years",
        "embodied_kgco2e",
        "carries_storage",
    ]
    list_filter = ["carries_storage"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DeviceModel)
class DeviceModelAdmin(admin.ModelAdmin):
    list_display = [
        "manufacturer",
        "name",
        "category",
        "repairability_index",
        "reference_price",
        "vendor_support_end",
    ]
    list_filter = ["category", "os_upgradable", "has_battery", "ram_upgradable", "battery_replaceable",
                   "storage_upgradable", "carries_storage", "weee_category"]
    list_select_related = ["category"]
    search_fields = ["manufacturer", "name"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["full_name", "kind", "address"]
    list_filter = ["kind"]
    search_fields = ["name", "full_name", "address"]
    autocomplete_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class DeviceAdminForm(DeviceValidationMixin, forms.ModelForm):
    class Meta:
        model = Device
        fields = DEVICE_FIELDS


class ChangeStatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    form = DeviceAdminForm
    list_display = ["asset_tag", "status", "model", "site", "department", "purchase_date", "warranty_end"]
    list_filter = ["status", "model__category", "acquired_as", "department"]
    list_select_related = ["model", "site", "department"]
    search_fields = ["asset_tag", "serial_number", "model__name", "model__manufacturer"]
    autocomplete_fields = ["model", "site", "department"]
    readonly_fields = [
        "status",
        "status_changed_at",
        "manufacturer",
        "last_seen",
        "journal",
        "created_at",
        "updated_at",
    ]
    actions = ["change_status"]
    list_per_page = 50
    # A full count of 100k rows on every page of the list is not worth its cost.
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The asset tag is printed on the label: set once, at registration.
        return ["asset_tag", *fields] if obj is not None else fields

    @admin.display(description=_("journal"))
    def journal(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:inventory_event_changelist") + f"?device__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("See the journal"))

    def save_model(self, request, obj, form, change):
        """Register or edit through the services, so that the journal records it."""
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            if changes:
                services.update_device(device=obj, actor=request.user, **changes)
            return
        device = services.register_device(actor=request.user, **form.cleaned_data)
        obj.pk = device.pk
        obj.refresh_from_db()

    def has_transition_permission(self, request):
        return lifecycle.can_transition(request.user)

    @admin.action(description=_("Change the status of the selected devices"), permissions=["transition"])
    def change_status(self, request, queryset):
        """Ask for the new status, then apply it device by device through the lifecycle."""
        form = ChangeStatusForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            changed, refusals = 0, []
            for device in queryset:
                try:
                    lifecycle.transition(
                        device,
                        form.cleaned_data["to"],
                        actor=request.user,
                        note=form.cleaned_data["note"],
                        check_permission=True,
                    )
                except lifecycle.TransitionRefused as refusal:
                    refusals.append(refusal.message)
                else:
                    changed += 1
            if changed:
                self.message_user(
                    request, gettext("%(count)d device(s) changed status.") % {"count": changed}, messages.SUCCESS
                )
            for message in refusals:
                self.message_user(request, message, messages.ERROR)
            return None
        return TemplateResponse(
            request,
            "inventory/admin/change_status.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Change the status of the selected devices"),
                "opts": self.model._meta,
                "devices": queryset,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The journal: append-only, so nobody adds, changes or deletes it here."""

    list_display = ["at", "device", "kind", "from_status", "to_status", "actor", "note"]
    list_filter = ["kind", "to_status"]
    list_select_related = ["device", "actor"]
    search_fields = ["device__asset_tag", "note"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Repair)
class RepairAdmin(admin.ModelAdmin):
    """Repairs are opened and closed from the device's workflow (the status changes with
    them); here they are read and their details corrected, never added or deleted."""

    list_display = ["device", "opened_at", "fault_category", "outcome", "closed_at", "cost"]
    list_filter = ["fault_category", "outcome", "barrier"]
    list_select_related = ["device"]
    search_fields = ["device__asset_tag", "symptom", "diagnosis"]
    readonly_fields = ["device", "opened_at", "opened_by", "closed_at", "closed_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    """Findings of the scheduled review: raised by the rules, resolved by people."""

    list_display = ["device", "rule", "severity", "created_at", "resolved_at", "resolution"]
    list_filter = ["rule", "severity", "resolution"]
    list_select_related = ["device"]
    search_fields = ["device__asset_tag", "rule", "message"]
    readonly_fields = [
        "device",
        "rule",
        "severity",
        "message",
        "savings_eur",
        "savings_kgco2e",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from .exits import admin as exits_admin  # noqa: E402,F401  (registers ExitAdmin)
from .shipments import admin as shipments_admin  # noqa: E402,F401  (registers ShipmentAdmin)
