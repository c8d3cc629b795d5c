from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.web import safe_next

from .bulk import all_bulk_links
from .models import Device, DeviceModel, Site, Status, normalize_asset_tag
from .sites import SiteField


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    expected = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_next(self):
        return safe_next(self.cleaned_data.get("next"))


DEVICE_FIELDS = [
    "asset_tag",
    "serial_number",
    "model",
    "site",
    "department",
    "assignee",
    "purchase_date",
    "purchase_price",
    "use_date",
    "accounting_number",
    "vat_rate",
    "ownership",
    "lessor",
    "contract_end",
    "classified",
    "acquired_as",
    "supplier",
    "order_reference",
    "warranty_end",
    "planned_renewal_year",
    "replacement_price",
    "is_spare",
    "notes",
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DeviceValidationMixin:
    """Validation shared by the device forms of the pages and of the admin."""

    # Fields with a model default that older clients (imports, scripts) do not send.
    DEFAULTED = ("ownership", "vat_rate")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DEFAULTED:
            if name in self.fields:
                self.fields[name].required = False

    def clean_ownership(self):
        return self.cleaned_data.get("ownership") or Device._meta.get_field("ownership").default

    def clean_vat_rate(self):
        value = self.cleaned_data.get("vat_rate")
        return Device._meta.get_field("vat_rate").default if value is None else value

    def clean_asset_tag(self):
        return normalize_asset_tag(self.cleaned_data["asset_tag"])

    def validate_unique(self):
        """Also check "one serial number per manufacturer" before saving.

        The manufacturer is copied from the model, so it is not a form field and Django would
        skip that database constraint, which would then fail only at save time.
        """
        super().validate_unique()
        try:
            validate_serial_number(self.instance)
        except ValidationError as error:
            self.add_error(None, error)


def validate_serial_number(device):
    """Raise a ValidationError on ``serial_number`` if the manufacturer already has that serial.

    Checks the database constraint itself (not a copy of the rule) on an unsaved or changed
    device, before the service saves it. Shared by the forms, the admin and the API.
    """
    if not device.model_id or not device.serial_number:
        return
    device.manufacturer = device.model.manufacturer
    others = {field.name for field in Device._meta.fields} - {"manufacturer", "serial_number"}
    try:
        device.validate_constraints(exclude=others)
    except ValidationError as error:
        raise ValidationError(
            {"serial_number": _("Another device of this manufacturer already has this serial number.")}
        ) from error


class DeviceForm(DeviceValidationMixin, forms.ModelForm):
    """A device's facts. The status is not here: it changes only through a transition.

    The form validates; saving is the view's job, through ``services.register_device`` or
    ``services.update_device`` so that the journal records it.
    """

    class Meta:
        model = Device
        fields = DEVICE_FIELDS
        widgets = {
            "purchase_date": DateInput(),
            "warranty_end": DateInput(),
            "use_date": DateInput(),
            "contract_end": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"site": SiteField}  # a type-ahead: no page lists every site

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels of the choices come from the rows themselves: no query per option.
        self.fields["model"].queryset = DeviceModel.objects.order_by("manufacturer", "name")
        self.fields["site"].queryset = Site.objects.order_by("full_name")
        if "asset_tag" in self.fields:
            self.fields["asset_tag"].help_text = _("As printed on the label, e.g. GAM-000123.")

    def service_fields(self):
        """Cleaned values of the model fields, as keyword arguments for the services."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}


class DeviceEditForm(DeviceForm):
    """The same facts minus the asset tag, which is printed on the label and never changes."""

    note = forms.CharField(
        label=_("Reason for the change (journal)"),
        required=False,
        max_length=2000,
    )

    class Meta(DeviceForm.Meta):
        fields = [name for name in DEVICE_FIELDS if name != "asset_tag"]

    def changed_fields(self):
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self._meta.fields}


class BulkActionForm(forms.Form):
    """What to do with the devices ticked on the list (issue 13): print, move, change status, or an
    action another app registered (``inventory/bulk.py``: reuse's "offer to associations")."""

    LABELS = "labels"
    PLAN = "plan"
    MOVE = "move"
    STATUSES = (Status.IN_STOCK, Status.IN_SERVICE, Status.RETIRED)
    LIMIT = 500  # the largest page of the list

    action = forms.ChoiceField(label=_("With the selected devices"), choices=[
        (LABELS, _("Print their labels")),
        (PLAN, _("Plan their replacement")),
        (MOVE, _("Move them to a site")),
        (Status.IN_STOCK, _("Put back in stock")),
        (Status.IN_SERVICE, _("Put in service")),
        (Status.RETIRED, _("Retire")),
    ])
    site = SiteField(label=_("New site"), required=False)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Actions other apps registered (inventory/bulk.py), e.g. reuse's "offer to associations".
        self.fields["action"].choices = [*self.fields["action"].choices,
                                         *((link.key, link.label) for link in all_bulk_links())]

    def clean(self):
        data = super().clean()
        if data.get("action") == self.MOVE and self.data.get("confirmed") == "1" and not data.get("site"):
            self.add_error("site", _("Choose the site to move them to."))
        return data
