"""Forms of the flags and review settings pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.web import safe_next

from ..models import CategoryReviewSettings, ReviewSettings


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
            "battery_years", "snooze_days", "budget_year_offset", "repair_stalled_days",
            "offer_unclaimed_days",
        ]


class CategoryThresholdsForm(forms.Form):
    """One category's own thresholds; empty fields take the global value."""

    category = forms.IntegerField(widget=forms.HiddenInput)
    idle_days = forms.IntegerField(min_value=0, max_value=32767, required=False)
    not_seen_months = forms.IntegerField(min_value=1, max_value=32767, required=False)
    extend_years = forms.IntegerField(min_value=1, max_value=32767, required=False)
    battery_years = forms.IntegerField(min_value=0, max_value=32767, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CategoryReviewSettings.OVERRIDABLE:
            self.fields[name].label = CategoryReviewSettings._meta.get_field(name).verbose_name


CategoryThresholdsFormSet = forms.formset_factory(CategoryThresholdsForm, extra=0)
