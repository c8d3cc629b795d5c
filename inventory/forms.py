from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .models import Status


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    expected = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_next(self):
        value = self.cleaned_data.get("next") or ""
        return value if url_has_allowed_host_and_scheme(value, allowed_hosts=None) and value.startswith("/") else ""
