"""Exits in the admin: added through ``record_exit`` (same guards and journal as the pages),
then read-only: an exit is a fact of the books, corrected by a note, never edited or deleted.
Its legal document is linked through the checked view (media have no public URL)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import lifecycle
from ..models import Exit
from .services import record_exit


@admin.register(Exit)
class ExitAdmin(admin.ModelAdmin):
    list_display = ["device", "route", "exited_on", "counterparty", "price", "found_at"]
    list_filter = ["route"]
    list_select_related = ["device"]
    search_fields = ["device__asset_tag", "counterparty", "police_report", "decision"]
    autocomplete_fields = ["device"]
    date_hierarchy = "exited_on"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["found_at", "created_by", "created_at"]
        return [field.name for field in Exit._meta.fields if field.name != "document"] + ["document_link"]

    def get_exclude(self, request, obj=None):
        return ["document", "document_issued_at", "document_signatory"] if obj is None else ["document"]

    @admin.display(description=_("document"))
    def document_link(self, obj):
        if not obj.document:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("exits:exit-document", args=[obj.pk]),
                           _("Download the document (PDF)"))

    def has_add_permission(self, request):
        return lifecycle.can_transition(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            service_check = form._post_clean

            def _post_clean(self):
                service_check(self)
                if self.errors:
                    return
                try:
                    self.instance = record_exit(actor=request.user, **_fields(self.cleaned_data))
                except ValidationError as error:
                    self._update_errors(error)
                except lifecycle.TransitionRefused as refusal:
                    self.add_error(None, refusal.message)

            form._post_clean = _post_clean
        return form

    def save_model(self, request, obj, form, change):
        """Already saved by ``record_exit`` during validation (so a refusal shows on the form)."""


def _fields(cleaned):
    return {name: value for name, value in cleaned.items() if name not in ("found_at", "created_by")}
