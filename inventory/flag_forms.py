"""Forms of the flags, review settings and renewal plan pages."""

from django import forms
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .renewal import MAX_YEARS_AHEAD
from .review_settings import ReviewSettings


def safe_next(value):
    value = value or ""
    return value if value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts=None) else ""


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
            this_year = timezone.localdate().year
            year = data.get("year")
            if year is None or not this_year <= year <= this_year + MAX_YEARS_AHEAD:
                self.add_error("year", _("Choose a budget year between %(first)s and %(last)s.")
                               % {"first": this_year, "last": this_year + MAX_YEARS_AHEAD})
        return data
