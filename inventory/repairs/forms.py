"""Forms of the repair pages: they collect input; ``inventory.repairs.services`` holds the rules."""

from django import forms
from django.utils.translation import gettext_lazy

from config.web import safe_next

from ..models import Repair, Status


class _NextMixin(forms.Form):
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_next(self):
        return safe_next(self.cleaned_data.get("next"))



class RepairOpenForm(_NextMixin):
    symptom = forms.CharField(label=gettext_lazy("Symptom"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    fault_category = forms.ChoiceField(label=gettext_lazy("Fault category"), choices=Repair.FaultCategory.choices,
                                       initial=Repair.FaultCategory.OTHER)
    diagnosis = forms.CharField(label=gettext_lazy("First diagnosis (optional)"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    estimated_cost = forms.DecimalField(label=gettext_lazy("Estimated cost (€ HT, optional)"), required=False,
                                        min_value=0, max_digits=10, decimal_places=2)
    expected = forms.ChoiceField(choices=Status.choices, required=False, widget=forms.HiddenInput)


class RepairCloseForm(_NextMixin):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Repair.Outcome.choices,
                                widget=forms.RadioSelect)
    action = forms.CharField(label=gettext_lazy("What was done"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    diagnosis = forms.CharField(label=gettext_lazy("Diagnosis"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    parts = forms.CharField(label=gettext_lazy("Parts"), required=False, max_length=250)
    cost = forms.DecimalField(label=gettext_lazy("Cost (€ HT)"), required=False, min_value=0, max_digits=10,
                              decimal_places=2)
    labour_minutes = forms.IntegerField(label=gettext_lazy("Labour (minutes)"), required=False, min_value=0)
    barrier = forms.ChoiceField(label=gettext_lazy("Barrier to repair (if not repairable)"), required=False,
                                choices=Repair.Barrier.choices)
    return_to = forms.ChoiceField(
        label=gettext_lazy("Then the device goes"), required=False,
        choices=[("", gettext_lazy("back to its status before the repair")),
                 (Status.IN_SERVICE, gettext_lazy("in service")), (Status.IN_STOCK, gettext_lazy("in stock"))],
        help_text=gettext_lazy("A device that is not repairable is retired."),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Repair.Outcome.END_OF_LIFE:
            # ORDS: an end-of-life repair says what stood in the way and what was tried.
            if not data.get("barrier"):
                self.add_error("barrier", gettext_lazy("Say what prevents the repair."))
            if not (data.get("action") or "").strip():
                self.add_error("action", gettext_lazy("Say what was tried."))
        return data
