from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditCampaign, LabelTemplate, Sighting


@admin.register(LabelTemplate)
class LabelTemplateAdmin(admin.ModelAdmin):
    """Custom sheets are edited here; shipped ones are read-only (duplicate one to adjust it)."""

    list_display = ["name", "slug", "columns", "rows", "label_width_mm", "label_height_mm", "shipped"]
    list_filter = ["shipped"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["duplicate"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "show_owner"]}),
        (gettext_lazy("Page"), {"fields": [("page_width_mm", "page_height_mm"),
                                           ("margin_top_mm", "margin_left_mm")]}),
        (gettext_lazy("Grid"), {"fields": [("columns", "rows"), ("label_width_mm", "label_height_mm"),
                                           ("gap_x_mm", "gap_y_mm"), "padding_mm"]}),
    ]

    @admin.action(description=gettext_lazy("Duplicate as custom templates (to adjust margins)"))
    def duplicate(self, request, queryset):
        for template in queryset:
            slug = f"{template.slug}-copie"[:40]
            n = 2
            while LabelTemplate.objects.filter(slug=slug).exists():
                slug, n = f"{template.slug}-copie-{n}"[:40], n + 1
            template.pk, template.slug, template.shipped = None, slug, False
            template.name = _("%(name)s (copy)") % {"name": template.name}
            template.save()
        messages.success(request, _("Copies created: edit them to match your printer."))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.shipped:
            return [f.name for f in obj._meta.fields if f.name != "id"]
        return []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None and obj.shipped else self.prepopulated_fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.shipped:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(AuditCampaign)
class AuditCampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "started_at", "started_by", "closed_at"]
    list_filter = ["closed_at"]
    search_fields = ["name"]
    raw_id_fields = ["site"]
    readonly_fields = ["started_by"]


@admin.register(Sighting)
class SightingAdmin(admin.ModelAdmin):
    """Sightings are recorded by scanning (journal events go with them): read-only here."""

    list_display = ["device", "campaign", "site", "previous_site", "seen_at", "seen_by", "method", "decision"]
    list_filter = ["method", "campaign"]
    search_fields = ["device__asset_tag"]
    list_select_related = ["device", "campaign", "site", "previous_site", "seen_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
