"""Forms of reuse: they validate input; the services hold the rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Category, Department, Device, Status, normalize_asset_tag
from inventory.sites import SiteField

from . import conf
from .models import Association, Donation, EligibilityCategory, Erasure, InternalRequest, Offer


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _now_local():
    return timezone.localtime().replace(second=0, microsecond=0)


class ErasureForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=Erasure.Method.choices, widget=forms.RadioSelect)
    method_detail = forms.CharField(label=_("Tool's method name"), required=False, max_length=150,
                                    help_text=_("e.g. ATA Secure Erase, NVMe Format (crypto)"))
    tool = forms.CharField(label=_("Tool"), max_length=150)
    tool_version = forms.CharField(label=_("Tool version"), required=False, max_length=50)
    operator_name = forms.CharField(label=_("Operator"), max_length=150)
    performed_at = forms.DateTimeField(label=_("Performed"), widget=DateTimeInput(), initial=_now_local)
    passed = forms.TypedChoiceField(
        label=_("Verification"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("Passed")), ("0", _("Failed"))],
    )
    storage_serials = forms.CharField(label=_("Storage serial numbers"), required=False, max_length=2000,
                                      widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line."))


class RedeployForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all(), required=False)
    site = SiteField(label=_("Site"), required=False)
    assignee = forms.CharField(label=_("Assignee"), required=False, max_length=150,
                               help_text=_("Keep personal data minimal: a name or a role."))
    put_in_service = forms.BooleanField(label=_("Put in service now"), required=False, initial=True)
    request = forms.ModelChoiceField(label=_("Serves the internal request"), required=False,
                                     queryset=InternalRequest.objects.none())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        requests = InternalRequest.objects.filter(status=InternalRequest.Status.OPEN).select_related(
            "department", "category")
        if device is not None:
            requests = requests.filter(category=device.model.category_id)
        self.fields["request"].queryset = requests

    def clean(self):
        data = super().clean()
        if not (data.get("department") or data.get("site") or data.get("assignee")):
            raise ValidationError(_("Choose at least a department, a site or an assignee."))
        return data


class InternalRequestForm(forms.ModelForm):
    class Meta:
        model = InternalRequest
        fields = ["department", "category", "quantity", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}


class OfferForm(forms.Form):
    devices = forms.CharField(label=_("Asset tags"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One per line or separated by spaces; retired devices of one category."))
    grade = forms.ChoiceField(label=_("Condition grade"), choices=Offer.Grade.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), required=False, max_length=200,
                            help_text=_("Left empty: “3 × manufacturer model”."))
    description = forms.CharField(label=_("Description for associations"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    value = forms.DecimalField(label=_("Value at transfer per unit (€)"), required=False, min_value=0,
                               decimal_places=2, help_text=_("Left empty: each device's book value."))
    value_justification = forms.CharField(
        label=_("Justification of the declared value"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required with a typed value; printed on the agreement. Refused when the book value is above "
                    "the ceiling."),
    )

    def clean_devices(self):
        tags = {normalize_asset_tag(tag) for tag in self.cleaned_data["devices"].replace(",", " ").split()}
        devices = list(Device.objects.filter(asset_tag__in=tags).select_related("model"))
        missing = tags - {d.asset_tag for d in devices}
        if missing:
            raise ValidationError(_("Unknown asset tags: %(tags)s") % {"tags": ", ".join(sorted(missing))})
        not_retired = [d.asset_tag for d in devices if d.status != Status.RETIRED]
        if not_retired:
            raise ValidationError(_("Only retired devices can be offered: %(tags)s") % {
                "tags": ", ".join(sorted(not_retired))})
        return devices


class ClaimForm(forms.Form):
    quantity = forms.IntegerField(label=_("How many devices?"), min_value=1)
    message = forms.CharField(label=_("Message (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("What the devices are for, who will pick them up."))

    def __init__(self, *args, free=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].max_value = free
        self.fields["quantity"].widget.attrs.update({"max": free, "min": 1})
        self.fields["quantity"].initial = free


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class PickupForm(forms.Form):
    pickup_at = forms.DateTimeField(label=_("Pickup slot"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), required=False, max_length=250)


class HandOverForm(forms.Form):
    """The handover: who signs for each side, and the software on the devices (printed per line)."""

    owner_signatory = forms.ChoiceField(label=_("Signatory for the authority"), choices=())
    association_signatory = forms.CharField(label=_("Signatory for the association (name, position)"),
                                            max_length=150)
    operating_system = forms.CharField(label=_("Operating system installed"), required=False, max_length=150,
                                       help_text=_("For instance Linux Mint 22, Windows 11 Pro; empty if none."))
    licence_status = forms.ChoiceField(label=_("Licence status"), choices=Donation.Licence.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The configured signatories, with their standing (reuse.conf; the agreement prints the delegation).
        self.fields["owner_signatory"].choices = [
            (entry["key"], ", ".join(part for part in (entry.get("name"), entry.get("role")) if part))
            for entry in conf.signatories()
        ]


class FollowUpForm(forms.Form):
    beneficiaries = forms.IntegerField(label=_("How many people benefited?"), min_value=0)
    devices_in_use = forms.IntegerField(label=_("How many devices are still in use?"), min_value=0)
    failures = forms.IntegerField(label=_("How many devices failed?"), min_value=0, initial=0)
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CategoryCheckboxes(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.order_by("name"), required=False, **kwargs)


class ApplicationForm(forms.Form):
    """The public application form of an association."""

    name = forms.CharField(label=_("Legal name"), max_length=200)
    rna = forms.CharField(label=_("RNA number"), required=False, max_length=10, help_text=_("e.g. W381234567"))
    siret = forms.CharField(label=_("SIRET number"), required=False, max_length=17)
    eligibility = forms.ModelChoiceField(
        label=_("Your association is"), queryset=EligibilityCategory.objects.filter(open_to_associations=True),
        widget=forms.RadioSelect, empty_label=None,
    )
    purpose = forms.CharField(label=_("Statutory purpose, and what the devices would be used for"),
                              widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label=_("Address"), max_length=300)
    contact_name = forms.CharField(label=_("Contact person"), max_length=150)
    contact_email = forms.EmailField(label=_("Contact email"))
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=30)
    interests = CategoryCheckboxes(label=_("Devices you are interested in"))
    consent = forms.BooleanField(
        label=_("I agree that the authority keeps these contact details to manage the partnership; "
                "they are deleted when the partnership ends.")
    )
    # Left empty by people; robots fill every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Leave this field empty."))
        return ""

    def clean(self):
        data = super().clean()
        if not data.get("rna") and not data.get("siret"):
            raise ValidationError(_("Give the RNA number or the SIRET number."))
        return data


class AssociationForm(forms.ModelForm):
    class Meta:
        model = Association
        fields = ["name", "rna", "siret", "eligibility", "esus_approved_on", "esus_expires_on", "purpose", "address",
                  "contact_name", "contact_email", "contact_phone", "interests"]
        widgets = {"interests": forms.CheckboxSelectMultiple, "purpose": forms.Textarea(attrs={"rows": 3}),
                   "esus_approved_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "esus_expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class InterestsForm(forms.Form):
    interests = CategoryCheckboxes(label=_("Tell me about new offers of"))
