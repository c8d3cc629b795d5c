"""The exit form: the route's own fields, and a confirmation the user must tick."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import DateInput
from ..models import Exit, Status
from .services import REQUIRED_FIELDS, ROUTE_FIELDS


def exit_form_class(route):
    """A ModelForm with the fields of ``route`` (its required ones marked required)."""

    class ExitForm(forms.ModelForm):
        expected = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
        confirm = forms.BooleanField(
            label=_("I confirm that this device leaves the fleet by this route (this cannot be undone "
                    "except for a theft, when the device is found again)."),
        )

        class Meta:
            model = Exit
            fields = ["exited_on", *ROUTE_FIELDS[route], "note"]
            widgets = {"exited_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2}),
                       "reason": forms.Textarea(attrs={"rows": 2}),
                       "counterparty_address": forms.Textarea(attrs={"rows": 2})}

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in REQUIRED_FIELDS[route]:
                self.fields[name].required = True
            if route == Exit.Route.RETURNED:
                self.fields["contract_terms_confirmed"].label = _(
                    "The lessor's contract covers the data still on the device: return it without erasure"
                )

        def service_fields(self):
            return {name: self.cleaned_data[name] for name in self._meta.fields}

    return ExitForm
