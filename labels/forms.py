"""Short forms of the mobile device page, the label printing page and the audit pages.

Forms collect and check input shapes; the rules live in the services they feed.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.images import clean_photo
from inventory.models import Department, Site, Status
from inventory.sites import SiteField

from .models import AuditCampaign, LabelTemplate, Sighting

MAX_PHOTO_BYTES = 10 * 1024 * 1024


class SiteChoiceField(SiteField):
    """Typed with a type-ahead (inventory.sites): no page lists every site."""


def _sites():
    return Site.objects.order_by("full_name").only("pk", "name", "full_name")


class MoveForm(forms.Form):
    site = SiteChoiceField(label=_("New site"), queryset=_sites(), empty_label=None,
                           error_messages={"invalid_choice": _("This site does not exist.")})
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    assignee = forms.CharField(label=_("Assigned to"), required=False, max_length=150,
                               help_text=_("A name or a role; leave empty when the device is returned."))
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all(), required=False,
                                        empty_label=_("(unchanged)"))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    expected = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class PhotoForm(forms.Form):
    photo = forms.ImageField(label=_("Photo"),
                             widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    text = forms.CharField(label=_("Caption (optional)"), required=False, max_length=2000)

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        if photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 10 MB."))
        return clean_photo(photo)  # bounded decoding, re-encoded without metadata


class PrintForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Label sheet"), queryset=LabelTemplate.objects.all(),
                                      to_field_name="slug", empty_label=None, widget=forms.RadioSelect)
    start = forms.IntegerField(label=_("Start at position"), min_value=1, initial=1,
                               help_text=_("On a partly used sheet: the first free label, counted row by row "
                                           "from the top left."))

    def clean(self):
        data = super().clean()
        template, start = data.get("template"), data.get("start")
        if template and start and start > template.labels_per_page:
            self.add_error("start", _("This sheet has %(n)s labels: start between 1 and %(n)s.")
                           % {"n": template.labels_per_page})
        return data


class CampaignForm(forms.ModelForm):
    site = SiteChoiceField(label=_("Site"), queryset=_sites(), required=False,
                           empty_label=_("The whole fleet"),
                           help_text=_("The site and everything under it (buildings, rooms)."))

    class Meta:
        model = AuditCampaign
        fields = ["name", "site", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Scan or type an asset tag"), required=False, max_length=500,
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off",
                                                         "autocapitalize": "characters", "spellcheck": "false",
                                                         "enterkeyhint": "send"}))
    photo = forms.ImageField(label=_("…or take a photo of the label"), required=False,
                             widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}))
    site = SiteChoiceField(label=_("Where you are"), queryset=Site.objects.none(), required=False)
    method = forms.ChoiceField(choices=Sighting.Method.choices, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 10 MB."))
        return photo

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("code", "").strip() and not data.get("photo"):
            raise forms.ValidationError(_("Scan a label or type an asset tag."))
        return data
