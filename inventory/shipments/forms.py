"""Forms of the shipment pages: the register fields, devices by asset tag, weights, confirmation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import DateInput
from ..models import Shipment, WeeeCategory
from .services import REGISTER_FIELDS


class ShipmentForm(forms.ModelForm):
    class Meta:
        model = Shipment
        fields = list(REGISTER_FIELDS)
        widgets = {"shipped_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def service_fields(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class AddDevicesForm(forms.Form):
    asset_tags = forms.CharField(
        label=_("Asset tags"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more asset tags, separated by spaces, commas or new lines (a scanner works)."),
    )

    def tags(self):
        text = self.cleaned_data["asset_tags"].replace(",", " ").replace(";", " ")
        return [tag for tag in text.split() if tag]


class WeightsForm(forms.Form):
    """One kilogram field per WEEE category (empty or 0: none of that category)."""

    def __init__(self, *args, shipment=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = {w.weee_category: w.kg for w in shipment.weights.all()} if shipment else {}
        for code, label in WeeeCategory.choices:
            self.fields[f"kg_{code}"] = forms.DecimalField(
                label=label, required=False, min_value=0, max_digits=10, decimal_places=1,
                initial=current.get(code), widget=forms.NumberInput(attrs={"step": "0.1"}),
            )

    def weights(self):
        return {code: self.cleaned_data.get(f"kg_{code}") for code in WeeeCategory.values}


class DispatchForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that these devices leave the fleet for recycling: this cannot be undone."),
    )


class CertificateForm(forms.ModelForm):
    class Meta:
        model = Shipment
        fields = ["certificate_received_on", "certificate"]
        widgets = {"certificate_received_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certificate_received_on"].required = True
