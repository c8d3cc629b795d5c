"""Forms of the flags and review settings pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.web import safe_next

from ..models import ReviewSettings


class FlagActionForm(forms.Form):
    ACCEPT, DISMISS = "accept", "dismiss"
    action = forms.ChoiceField(choices=((ACCEPT, _("Accept")), (DISMISS, _("Dismiss"))))
    flag = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    scope = forms.ChoiceField(
        choices=(("selected", _("the selected findings")), ("filtered", _("all findings matching the filters"))),
        initial="selected", required=False,
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (required to dismiss)"), required=False, max_length=2000)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer id: the service only touches open flags that exist.
        self.fields["flag"].valid_value = lambda value: True

    def clean_next(self):
        return safe_next(self.cleaned_data.get("next"))

    def clean(self):
        data = super().clean()
        if data.get("scope") != "filtered" and not data.get("flag"):
            raise forms.ValidationError(_("Select at least one finding."))
        if data.get("action") == self.DISMISS and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why these findings are dismissed."))
        return data


class ReviewSettingsForm(forms.ModelForm):
    class Meta:
        model = ReviewSettings
        fields = [
            "warranty_days", "idle_days", "not_seen_months", "claim_pickup_days", "extend_years",
            "extend_repair_share", "repair_share", "displacement_rate", "min_ram_gb",
            "battery_years", "snooze_days",
        ]
