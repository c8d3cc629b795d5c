"""Form of the renewal plan page (planning a filtered selection of devices)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services import check_budget_year


class RenewalForm(forms.Form):
    PLAN, UNPLAN = "plan", "unplan"
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("Budget year"), required=False)
    price = forms.DecimalField(
        label=_("Expected price of one replacement (€ HT)"), required=False, min_value=0,
        max_digits=10, decimal_places=2,
        help_text=_("Leave empty to keep each device's current expected price."),
    )
    action = forms.ChoiceField(choices=((PLAN, _("Plan")), (UNPLAN, _("Remove from the plan"))))

    def clean(self):
        data = super().clean()
        if data.get("action") == self.PLAN:
            try:
                data["year"] = check_budget_year(data.get("year"))
            except ValidationError as error:
                self.add_error("year", error.messages)
        return data
