"""The register: what a device is, where it is, who owns it, and what happened to it.

Rows hold data and their own invariants. Changing a device's status is not done here but in
``inventory.lifecycle`` (one entry point, journal written in the same transaction).
The journal, repairs and review findings are in the sibling modules of this package.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    IN_SERVICE = "in_service", _("In service")
    IN_REPAIR = "in_repair", _("In repair")
    RETIRED = "retired", _("Retired")
    AVAILABLE = "available", _("Offered to associations")
    RESERVED = "reserved", _("Reserved")
    DONATED = "donated", _("Donated")
    RECYCLED = "recycled", _("Recycled")
    LOST = "lost", _("Lost")
    # Exit routes other than donation and recycling (DOMAIN.md §7), each with its ``Exit`` record.
    SOLD = "sold", _("Sold")
    TRANSFERRED = "transferred", _("Transferred to a public body")
    TAKEN_BACK = "taken_back", _("Taken back for reuse")
    RETURNED = "returned", _("Returned to the lessor")
    STOLEN = "stolen", _("Stolen")
    DESTROYED = "destroyed", _("Destroyed")


class AcquiredAs(models.TextChoices):
    NEW = "new", _("Bought new")
    REFURBISHED = "refurbished", _("Bought refurbished")
    DONATED_IN = "donated_in", _("Received as a donation")


class WeeeCategory(models.TextChoices):
    """WEEE categories of Code de l'environnement R. 543-172 II (DOMAIN.md §2).

    The décret 2023-266 reuse ratio counts only 2° and 6°.
    """

    TEMPERATURE = "1", _("1° Temperature exchange equipment")
    SCREENS = "2", _("2° Screens and monitors (over 100 cm²)")
    LAMPS = "3", _("3° Lamps")
    LARGE = "4", _("4° Large equipment (any outside dimension over 50 cm)")
    SMALL = "5", _("5° Small equipment")
    SMALL_IT = "6", _("6° Small IT and telecommunication equipment (no outside dimension over 50 cm)")
    PANELS = "7", _("7° Large photovoltaic panels")


class Ownership(models.TextChoices):
    OWNED = "owned", _("Owned")
    LEASED = "leased", _("Leased (lease with option to buy)")
    RENTED = "rented", _("Rented")


class Category(models.Model):
    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    planned_lifespan_years = models.PositiveSmallIntegerField(_("planned lifespan (years)"), default=5)
    depreciation_years = models.PositiveSmallIntegerField(
        _("depreciation period (years)"), default=5, validators=[MinValueValidator(1)]
    )
    embodied_kgco2e = models.DecimalField(
        _("embodied footprint (kg CO2e)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty when no published factor exists (e.g. printers)."),
    )
    footprint_source = models.CharField(_("footprint source"), max_length=200, blank=True)
    carries_storage = models.BooleanField(
        _("carries storage"),
        default=True,
        help_text=_("Needs a verified data erasure before it leaves the authority."),
    )
    weee_category = models.CharField(
        _("WEEE category"), max_length=1, choices=WeeeCategory.choices, default=WeeeCategory.SMALL_IT,
        help_text=_("Code de l'environnement R. 543-172 II; the default of the category's models."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(depreciation_years__gte=1), name="category_depreciation_positive"),
        ]

    def __str__(self):
        return self.name


class DeviceModel(models.Model):
    manufacturer = models.CharField(_("manufacturer"), max_length=100)
    name = models.CharField(_("model"), max_length=150)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="models", verbose_name=_("category"))
    repairability_index = models.DecimalField(
        _("repairability index"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    durability_index = models.DecimalField(
        _("durability index"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    embodied_kgco2e = models.DecimalField(
        _("embodied footprint override (kg CO2e)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    reference_price = models.DecimalField(
        _("reference price (€ HT)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    ram_gb = models.PositiveIntegerField(_("RAM (GB)"), null=True, blank=True)
    storage_gb = models.PositiveIntegerField(_("storage (GB)"), null=True, blank=True)
    storage_kind = models.CharField(_("storage kind"), max_length=10, blank=True, help_text=_("SSD, HDD, eMMC…"))
    cpu = models.CharField(_("CPU"), max_length=100, blank=True)
    has_battery = models.BooleanField(_("has a battery"), default=False)
    vendor_support_end = models.DateField(_("end of vendor support"), null=True, blank=True)
    os_upgradable = models.BooleanField(_("OS still upgradable"), default=True)
    ram_upgradable = models.BooleanField(_("RAM can be added"), default=False)
    battery_replaceable = models.BooleanField(_("battery can be replaced"), default=False)
    storage_upgradable = models.BooleanField(_("disk can be replaced"), default=False)
    weee_category = models.CharField(
        _("WEEE category"), max_length=1, choices=WeeeCategory.choices, blank=True,
        help_text=_("Empty: the category's. Large copiers and servers are 4° (outside the reuse ratio)."),
    )
    carries_storage = models.BooleanField(
        _("carries storage"), null=True, blank=True,
        help_text=_("Empty: the category's. Yes for a multifunction printer with a hard disk: "
                    "an erasure is then needed before it leaves."),
    )

    class Meta:
        verbose_name = _("device model")
        verbose_name_plural = _("device models")
        ordering = ["manufacturer", "name"]
        indexes = [models.Index(fields=["name"], name="devicemodel_name")]
        constraints = [
            models.UniqueConstraint(fields=["manufacturer", "name"], name="devicemodel_unique_name"),
            models.CheckConstraint(
                condition=Q(repairability_index__isnull=True)
                | Q(repairability_index__gte=0, repairability_index__lte=10),
                name="devicemodel_repairability_range",
            ),
        ]

    def __str__(self):
        return f"{self.manufacturer} {self.name}"

    @property
    def stores_data(self):
        """Whether devices of this model hold storage: the model's answer, else its category's."""
        return self.category.carries_storage if self.carries_storage is None else self.carries_storage


class Site(models.Model):
    """A place in the commune → building → room hierarchy.

    ``path`` is a materialised path of ids (``/3/17/42/``) so that "this site and everything
    under it" is one indexed ``startswith`` query, whatever the depth.
    """

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        BUILDING = "building", _("Building")
        ROOM = "room", _("Room")

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    full_name = models.CharField(_("full name"), max_length=500, editable=False, default="")

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["full_name"]
        indexes = [models.Index(fields=["full_name"], name="site_full_name")]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="site_unique_name_in_parent"),
            models.CheckConstraint(condition=Q(kind__in=["commune", "building", "room"]), name="site_kind_valid"),
        ]

    def __str__(self):
        return self.full_name or self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        parent_name = self.parent.full_name if self.parent_id else ""
        path = f"{parent_path}{self.pk}/"
        full_name = f"{parent_name} › {self.name}" if parent_name else self.name
        if (path, full_name) != (self.path, self.full_name):
            old_path = self.path
            self.path, self.full_name = path, full_name
            Site.objects.filter(pk=self.pk).update(path=path, full_name=full_name)
            if old_path:
                for child in self.children.all():
                    child.save()

    def clean(self):
        expected_parent = {"commune": None, "building": "commune", "room": "building"}[self.kind]
        parent_kind = self.parent.kind if self.parent_id else None
        if parent_kind != expected_parent:
            raise ValidationError(
                {
                    "parent": _("A %(kind)s must sit in a %(parent)s.")
                    % {"kind": self.get_kind_display(), "parent": expected_parent or _("nothing (top level)")}
                }
            )

    def subtree(self):
        return Site.objects.filter(path__startswith=self.path)


class Department(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="department_name")]

    def __str__(self):
        return self.name


# Upper-case letters, digits, "-", "_" and "."; a letter or digit first (so that "." or ".." can
# never be a path segment). No "/", blank or NUL: a tag is a URL segment, a QR payload and a
# file name. Stored tags are normalised upper-case; the pattern takes lower case too so that a
# form can validate before normalising.
ASSET_TAG_PATTERN = r"\A[A-Za-z0-9][A-Za-z0-9._-]*\Z"  # \A, \Z: Python and PostgreSQL alike
validate_asset_tag = RegexValidator(
    ASSET_TAG_PATTERN,
    message=_("An asset tag holds only letters, digits, \"-\", \"_\" and \".\", and starts with a letter or digit."),
    code="invalid_asset_tag",
)


class Device(models.Model):
    asset_tag = models.CharField(_("asset tag"), max_length=32, unique=True, validators=[validate_asset_tag])
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    model = models.ForeignKey(DeviceModel, on_delete=models.PROTECT, related_name="devices", verbose_name=_("model"))
    # Copied from the model so that the database can enforce "one serial per manufacturer".
    manufacturer = models.CharField(_("manufacturer"), max_length=100, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_STOCK, editable=False
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now, editable=False)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="devices", verbose_name=_("site")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("department"),
    )
    assignee = models.CharField(
        _("assignee"), max_length=150, blank=True, help_text=_("Keep personal data minimal: a name or a role.")
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    use_date = models.DateField(
        _("put in service"), null=True, blank=True,
        help_text=_("Start of the service life and of depreciation; the purchase date when empty."),
    )
    accounting_number = models.CharField(
        _("accounting inventory number"), max_length=50, blank=True,
        help_text=_("Numéro d'inventaire comptable, to match an exit with the removal from the asset ledger."),
    )
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices, default=Ownership.OWNED)
    lessor = models.CharField(_("lessor"), max_length=150, blank=True)
    contract_end = models.DateField(_("end of lease or rental contract"), null=True, blank=True)
    classified = models.BooleanField(
        _("holds classified or protected information"), default=False,
        help_text=_("Destroyed, never reused: outside the décret 2023-266 reuse ratio."),
    )
    vat_rate = models.DecimalField(
        _("VAT rate"), max_digits=4, decimal_places=3, default=Decimal("0.200"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0.200 for 20 %: price TTC = price HT × (1 + rate)."),
    )
    purchase_price = models.DecimalField(
        _("purchase price (€ HT)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    supplier = models.CharField(_("supplier"), max_length=150, blank=True)
    order_reference = models.CharField(_("order reference"), max_length=100, blank=True)
    acquired_as = models.CharField(_("acquired as"), max_length=20, choices=AcquiredAs.choices, default=AcquiredAs.NEW)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    planned_renewal_year = models.PositiveSmallIntegerField(
        _("planned replacement (budget year)"), null=True, blank=True
    )
    replacement_price = models.DecimalField(
        _("expected replacement price (€ HT)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    is_spare = models.BooleanField(
        _("kept as a spare"), default=False,
        help_text=_("A deliberate spare (réserve de dépannage): the review does not call it idle."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["asset_tag"]
        permissions = [("transition_device", _("Can change the status of a device"))]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="device_status_valid"),
            models.CheckConstraint(condition=Q(asset_tag__regex=ASSET_TAG_PATTERN), name="device_asset_tag_format"),
            models.CheckConstraint(condition=Q(acquired_as__in=AcquiredAs.values), name="device_acquired_as_valid"),
            models.CheckConstraint(condition=Q(ownership__in=Ownership.values), name="device_ownership_valid"),
            models.CheckConstraint(condition=Q(vat_rate__gte=0, vat_rate__lte=1), name="device_vat_rate_range"),
            models.CheckConstraint(
                condition=Q(purchase_price__isnull=True) | Q(purchase_price__gte=0), name="device_price_not_negative"
            ),
            models.UniqueConstraint(
                fields=["manufacturer", "serial_number"],
                condition=~Q(serial_number=""),
                name="device_unique_serial_per_manufacturer",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "asset_tag"]),
            # The list filtered by site subtree, status and category/model, counted from the
            # index alone (index-only scan: 60 ms → ~2 ms at 100k); its (site, status) prefix
            # serves what the former (site, status) index did.
            models.Index(fields=["site", "status", "model"], name="device_site_status_model"),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["model", "status"]),
            models.Index(fields=["acquired_as"]),
            models.Index(fields=["purchase_date"]),
            models.Index(fields=["warranty_end"]),
            models.Index(fields=["serial_number"]),
            models.Index(fields=["planned_renewal_year"]),
            # One (key, id) index per sort of the list, for keyset pages (config/keyset.py).
            *(models.Index(fields=[key, "id"], name=f"device_seek_{key}") for key in (
                "serial_number", "status", "purchase_date", "warranty_end", "purchase_price",
                "site", "department", "model",
            )),
        ]

    def __str__(self):
        return self.asset_tag

    def save(self, *args, **kwargs):
        self.asset_tag = normalize_asset_tag(self.asset_tag)
        if self.model_id and not self.manufacturer:
            self.manufacturer = self.model.manufacturer
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("inventory:device-detail", args=[self.asset_tag])


def normalize_asset_tag(value):
    """Asset tags are compared upper-case and without surrounding blanks (labels are scanned)."""
    return (value or "").strip().upper()
