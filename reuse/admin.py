"""Admin of reuse. Decisions (approve, suspend) go through the services; documents and their
hashes are read-only: a certificate or an agreement is never edited after it was issued."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .exceptions import ReuseRefused
from .models import (
    Association,
    Claim,
    ClaimLine,
    Donation,
    EligibilityCategory,
    Erasure,
    FollowUp,
    InternalRequest,
    Membership,
    Offer,
    OfferItem,
    OutboxMessage,
    SentNotification,
    StaffDonation,
    StaffDonationLine,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EligibilityCategory)
class EligibilityCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "cg3p_item", "ceiling_article", "recipient_kind", "open_to_associations",
                    "solidarity_resale_allowed", "position"]
    list_filter = ["cg3p_item", "recipient_kind"]
    list_editable = ["position"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "rna", "siret", "eligibility", "status", "applied_at"]
    list_filter = ["status", "eligibility"]
    search_fields = ["name", "rna", "siret", "contact_email"]
    readonly_fields = ["status", "status_reason", "applied_at", "decided_at", "decided_by"]
    filter_horizontal = ["interests"]
    inlines = [MembershipInline]
    actions = ["approve", "suspend"]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        fields = {name: form.cleaned_data[name] for name in services.associations.EDITABLE_FIELDS
                  if name in form.cleaned_data}
        services.update_association(association=obj, actor=request.user, **fields)

    @admin.action(description=_("Approve (and open an account for the contact)"), permissions=["change"])
    def approve(self, request, queryset):
        self._each(request, queryset, lambda a: services.approve_association(association=a, actor=request.user))

    @admin.action(description=_("Suspend"), permissions=["change"])
    def suspend(self, request, queryset):
        reason = _("Suspended by %(user)s from the administration.") % {"user": request.user.get_username()}
        self._each(request, queryset,
                   lambda a: services.suspend_association(association=a, actor=request.user, reason=reason))

    def _each(self, request, queryset, verb):
        done = 0
        for association in queryset:
            try:
                verb(association)
                done += 1
            except (ReuseRefused, ValidationError) as error:
                self.message_user(request, f"{association}: {getattr(error, 'message', error)}", messages.WARNING)
        self.message_user(request, ngettext("%d association updated.", "%d associations updated.", done) % done)


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ["number", "device", "method", "passed", "operator_name", "performed_at"]
    list_filter = ["method", "passed"]
    search_fields = ["number", "device__asset_tag", "storage_serials"]
    list_select_related = ["device"]


@admin.register(InternalRequest)
class InternalRequestAdmin(admin.ModelAdmin):
    list_display = ["department", "category", "quantity", "fulfilled", "status", "created_at"]
    list_filter = ["status", "category"]
    readonly_fields = ["fulfilled", "requested_by"]


class OfferItemInline(ReadOnlyInline):
    model = OfferItem
    # Read-only: a value at transfer is set by reuse.valuation (ceiling, justification) only.
    fields = ["device", "value_at_transfer", "value_source", "value_basis", "value_justification", "book_value",
              "active"]
    readonly_fields = fields


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "grade", "status", "created_at"]
    list_filter = ["status", "grade", "category"]
    search_fields = ["title"]
    readonly_fields = ["status", "category", "created_by", "created_at"]
    inlines = [OfferItemInline]

    def has_add_permission(self, request):
        return False  # offers are made from devices (page "New offer"), which changes their status


class ClaimLineInline(ReadOnlyInline):
    model = ClaimLine
    # Read-only: a value at transfer is set by reuse.valuation (ceiling, justification) only.
    fields = ["device", "value_at_transfer", "value_source", "value_basis", "value_justification", "book_value",
              "active"]
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["id", "association", "offer", "quantity", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["association__name", "offer__title"]
    list_select_related = ["association", "offer"]
    inlines = [ClaimLineInline]


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ["number", "association", "handed_over_at", "total_value", "follow_up_due"]
    search_fields = ["number", "association__name"]
    list_select_related = ["association"]


class StaffDonationLineInline(ReadOnlyInline):
    model = StaffDonationLine
    fields = ["device", "value_at_transfer", "value_source", "value_basis", "value_justification", "book_value"]
    readonly_fields = fields


@admin.register(StaffDonation)
class StaffDonationAdmin(ReadOnlyAdmin):
    """Read-only: a donation to a staff member is made by ``services.donate_to_staff`` (its checks,
    ceiling and agreement), never typed here."""

    list_display = ["number", "recipient_name", "recipient_department", "handed_over_at", "total_value"]
    search_fields = ["number", "recipient_name", "recipient_employee_number"]
    inlines = [StaffDonationLineInline]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["donation", "beneficiaries", "devices_in_use", "failures", "submitted_at"]


@admin.register(SentNotification)
class SentNotificationAdmin(ReadOnlyAdmin):
    list_display = ["key", "sent_at"]
    search_fields = ["key"]


class ProblemFilter(admin.SimpleListFilter):
    title = _("problem")
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [("yes", _("With a problem")), ("no", _("Without"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(problem="", last_error="")
        if self.value() == "no":
            return queryset.filter(problem="", last_error="")
        return queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Notifications waiting, sent, given up, or sent to nobody (no address): what admins must fix."""

    list_display = ["task", "args", "created_at", "attempts", "sent_at", "failed", "problem", "last_error"]
    list_filter = ["failed", ProblemFilter, "task"]
    date_hierarchy = "created_at"
