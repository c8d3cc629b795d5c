"""The form of a donation to a member of staff: it validates input, the service holds the rules."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from inventory.models import Device, normalize_asset_tag

from . import conf
from .models import StaffDonation


def signatory_choices():
    return [(entry["key"], ", ".join(part for part in (entry.get("name", ""), entry.get("role", "")) if part))
            for entry in conf.signatories()]


class StaffDonationForm(forms.Form):
    devices = forms.CharField(label=_("Devices (asset tags)"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line."))
    recipient_name = forms.CharField(label=_("Staff member"), max_length=150)
    recipient_department = forms.CharField(label=_("Department or service"), max_length=150)
    recipient_employee_number = forms.CharField(label=_("Employee number"), max_length=30, required=False)
    recipient_email = forms.EmailField(label=_("E-mail"), required=False)
    owner_signatory = forms.ChoiceField(label=_("Signatory for the authority"), choices=())
    operating_system = forms.CharField(label=_("Operating system installed"), max_length=150, required=False)
    licence_status = forms.ChoiceField(label=_("Licence status"), required=False,
                                       choices=[("", "—"), *StaffDonation.Licence.choices])
    declared_value = forms.DecimalField(
        label=_("Declared value (€)"), required=False, min_value=0, max_digits=10, decimal_places=2,
        help_text=_("Only for one device, instead of its book value: justify it below."),
    )
    value_justification = forms.CharField(label=_("Justification of the declared value"), required=False,
                                          max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_signatory"].choices = signatory_choices()

    def clean_devices(self):
        tags = [normalize_asset_tag(tag) for tag in re.split(r"[\s,;]+", self.cleaned_data["devices"]) if tag.strip()]
        found = {device.asset_tag: device for device in
                 Device.objects.filter(asset_tag__in=tags).select_related("model__category")}
        unknown = [tag for tag in tags if tag not in found]
        if unknown:
            raise ValidationError(_("Unknown asset tags: %(tags)s.") % {"tags": ", ".join(unknown)})
        if not tags:
            raise ValidationError(_("Choose at least one device."))
        return [found[tag] for tag in dict.fromkeys(tags)]

    def clean(self):
        data = super().clean()
        if data.get("declared_value") is not None and len(data.get("devices") or []) > 1:
            raise ValidationError(_("A declared value is entered for one device at a time."))
        return data

    def service_arguments(self):
        """The keyword arguments of ``services.donate_to_staff`` (and of its preview)."""
        data = self.cleaned_data
        declared = {}
        if data.get("declared_value") is not None:
            declared = {data["devices"][0].asset_tag: {"value": data["declared_value"],
                                                       "justification": data.get("value_justification", "")}}
        return {
            "devices": data["devices"], "declared_values": declared,
            "recipient_name": data["recipient_name"], "recipient_department": data["recipient_department"],
            "recipient_employee_number": data.get("recipient_employee_number", ""),
            "recipient_email": data.get("recipient_email", ""), "owner_signatory": data["owner_signatory"],
            "operating_system": data.get("operating_system", ""), "licence_status": data.get("licence_status", ""),
        }
