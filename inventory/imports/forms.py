"""Forms of the import pages: upload, confirm, custom profile."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ImportProfile, Status
from .cells import fold
from .profiles import FIELDS, builtin_profiles, profile_choices

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
EXTENSIONS = (".csv", ".txt", ".xlsx")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    profile = forms.ChoiceField(label=_("Profile"), choices=())
    create_missing = forms.BooleanField(
        label=_("Create missing categories, models, sites and departments"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = profile_choices()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Send a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 100 MB."))
        return upload


class ConfirmForm(forms.Form):
    valid_only = forms.BooleanField(label=_("Import the valid rows only (the rejected rows go to a file)"),
                                    required=False)


def _lines(text):
    pairs = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if "=" not in line:
            raise forms.ValidationError(_("Line %(n)d: write “name = value”.") % {"n": number})
        key, value = (part.strip() for part in line.split("=", 1))
        pairs[key] = value
    return pairs


class ImportProfileForm(forms.ModelForm):
    """A custom mapping: a built-in profile plus ``field = Header`` and ``label = status`` lines."""

    base = forms.ChoiceField(label=_("Based on"), choices=())
    columns_text = forms.CharField(
        label=_("Columns"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One line per field: “purchase_date = Date of purchase”. Fields: %(fields)s.")
        % {"fields": ", ".join(FIELDS)})
    statuses_text = forms.CharField(
        label=_("Status table"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One line per label of the file: “In the cupboard = in_stock”. Statuses: %(codes)s.")
        % {"codes": ", ".join(Status.values)})

    class Meta:
        model = ImportProfile
        fields = ["name", "base"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base"].choices = [(name, p.label) for name, p in builtin_profiles().items()]
        if self.instance.pk:
            self.fields["columns_text"].initial = "\n".join(f"{k} = {v}" for k, v in self.instance.columns.items())
            self.fields["statuses_text"].initial = "\n".join(f"{k} = {v}" for k, v in self.instance.statuses.items())

    def clean_columns_text(self):
        pairs = _lines(self.cleaned_data["columns_text"])
        unknown = sorted(set(pairs) - set(FIELDS))
        if unknown:
            raise forms.ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
        return pairs

    def clean_statuses_text(self):
        pairs = _lines(self.cleaned_data["statuses_text"])
        codes = {fold(code): code for code in Status.values}
        result = {}
        for label, code in pairs.items():
            if fold(code) not in codes:
                raise forms.ValidationError(_("Unknown status “%(code)s”.") % {"code": code})
            result[label] = codes[fold(code)]
        return result

    def save(self, commit=True):
        self.instance.columns = self.cleaned_data["columns_text"]
        self.instance.statuses = self.cleaned_data["statuses_text"]
        return super().save(commit)
