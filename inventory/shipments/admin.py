"""WEEE shipments in the admin: read-only (they change only through the shipment services)."""

from django.contrib import admin

from ..models import Shipment, ShipmentItem, ShipmentWeight


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WeightInline(_ReadOnly, admin.TabularInline):
    model = ShipmentWeight
    extra = 0


class ItemInline(_ReadOnly, admin.TabularInline):
    model = ShipmentItem
    extra = 0
    raw_id_fields = ["device"]


@admin.register(Shipment)
class ShipmentAdmin(_ReadOnly, admin.ModelAdmin):
    list_display = ["shipped_on", "slip_number", "operator", "treatment_code", "state", "dispatched_at"]
    list_filter = ["state"]
    search_fields = ["slip_number", "operator", "operator_siret", "items__device__asset_tag"]
    date_hierarchy = "shipped_on"
    inlines = [WeightInline, ItemInline]
