"""The register: what a device is, where it is, who owns it, and what happened to it.

Rows hold data and their own invariants. Changing a device's status is not done here but in
``inventory.lifecycle`` (one entry point, journal written in the same transaction).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
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
    weee_category = models.CharField(
        _("WEEE category"), max_length=1, choices=WeeeCategory.choices, blank=True,
        help_text=_("Empty: the category's. Large copiers and servers are 4° (outside the reuse ratio)."),
    )

    class Meta:
        verbose_name = _("device model")
        verbose_name_plural = _("device models")
        ordering = ["manufacturer", "name"]
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

    def __str__(self):
        return self.name


class Device(models.Model):
    asset_tag = models.CharField(_("asset tag"), max_length=32, unique=True)
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
            models.Index(fields=["site", "status"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["model", "status"]),
            models.Index(fields=["acquired_as"]),
            models.Index(fields=["purchase_date"]),
            models.Index(fields=["warranty_end"]),
            models.Index(fields=["serial_number"]),
            models.Index(fields=["planned_renewal_year"]),
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

    @property
    def is_terminal(self):
        from .lifecycle import TERMINAL

        return self.status in TERMINAL


def normalize_asset_tag(value):
    """Asset tags are compared upper-case and without surrounding blanks (labels are scanned)."""
    return (value or "").strip().upper()


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The journal is append-only: events cannot be updated.")

    def delete(self):
        raise TypeError("The journal is append-only: events cannot be deleted.")


class Event(models.Model):
    """One line of a device's journal. Append-only: never updated, never deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Registered")
        STATUS = "status", _("Status change")
        NOTE = "note", _("Note")
        MOVED = "moved", _("Moved")
        ASSIGNED = "assigned", _("Assigned")
        EDITED = "edited", _("Edited")
        REPAIR_OPENED = "repair_opened", _("Repair opened")
        REPAIR_CLOSED = "repair_closed", _("Repair closed")
        SIGHTED = "sighted", _("Seen in an audit")
        REDEPLOYED = "redeployed", _("Redeployed")
        ERASED = "erased", _("Data erased")
        OFFERED = "offered", _("Offered")
        CLAIMED = "claimed", _("Claimed")
        DONATED = "donated", _("Donated")
        PLANNED = "planned", _("Renewal planned")
        IMPORTED = "imported", _("Imported")

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="events", verbose_name=_("device"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)
    repair = models.ForeignKey("Repair", on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    # Links to rows of other apps (claim, erasure, offer, sighting) by id: inventory imports none of them.
    data = models.JSONField(_("details"), default=dict, blank=True)
    attachment = models.FileField(_("photo"), upload_to="events/%Y/%m/", blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal event")
        verbose_name_plural = _("journal")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["device", "at"]), models.Index(fields=["kind", "at"])]

    def __str__(self):
        return f"{self.device_id} {self.kind} {self.at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("The journal is append-only: events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The journal is append-only: events cannot be deleted.")


class Repair(models.Model):
    """A repair, its diagnosis and outcome, aligned with the Open Repair Data Standard (ORDS)."""

    class FaultCategory(models.TextChoices):
        # ORDS "problem" groups, as used by the Open Repair Alliance's shared data.
        POWER = "power", _("Power / battery / charger")
        DISPLAY = "display", _("Screen / display")
        STORAGE = "storage", _("Storage (disk, SSD)")
        MEMORY = "memory", _("Memory")
        MOTHERBOARD = "motherboard", _("Motherboard / internal electronics")
        INPUT = "input", _("Keyboard, touchpad, buttons")
        CONNECTIVITY = "connectivity", _("Ports, Wi-Fi, Bluetooth")
        CASE = "case", _("Case, hinge, physical damage")
        OVERHEATING = "overheating", _("Fan, overheating")
        PERFORMANCE = "performance", _("Performance (slow)")
        SOFTWARE = "software", _("Software / operating system")
        PRINTING = "printing", _("Printing mechanism, consumables")
        OTHER = "other", _("Other / unknown")

    class Outcome(models.TextChoices):
        # ORDS repair_status: Fixed / Repairable / End of life.
        FIXED = "fixed", _("Fixed")
        REPAIRABLE = "repairable", _("Repairable later")
        END_OF_LIFE = "end_of_life", _("Not repairable (end of life)")

    class Barrier(models.TextChoices):
        # ORDS repair_barrier_if_end_of_life.
        NONE = "", _("—")
        SPARE_PARTS_UNAVAILABLE = "spare_parts_unavailable", _("Spare parts not available")
        SPARE_PARTS_TOO_EXPENSIVE = "spare_parts_too_expensive", _("Spare parts too expensive")
        NO_INFORMATION = "no_information", _("Repair information not available")
        NOT_REPAIRABLE_DESIGN = "not_repairable_design", _("Item not designed to be repaired")
        TOO_OLD = "too_old", _("Item too worn out")

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="repairs", verbose_name=_("device"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    symptom = models.TextField(_("symptom"))
    fault_category = models.CharField(
        _("fault category"), max_length=20, choices=FaultCategory.choices, default=FaultCategory.OTHER
    )
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    action = models.TextField(_("action taken"), blank=True)
    parts = models.CharField(_("parts"), max_length=250, blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost (€ HT)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    cost = models.DecimalField(
        _("cost (€ HT)"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    labour_minutes = models.PositiveIntegerField(_("labour (minutes)"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    barrier = models.CharField(_("barrier to repair"), max_length=30, choices=Barrier.choices, blank=True)

    class Meta:
        verbose_name = _("repair")
        verbose_name_plural = _("repairs")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=Q(closed_at__isnull=True), name="repair_one_open_per_device"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(outcome=""), name="repair_closed_has_outcome"
            ),
        ]
        indexes = [models.Index(fields=["closed_at"]), models.Index(fields=["outcome"])]

    def __str__(self):
        return f"{self.device_id} {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self):
        return self.closed_at is None


class Flag(models.Model):
    """A finding of the scheduled review (``inventory.review``). One open flag per (device, rule)."""

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        ACTION = "action", _("Action needed")

    class Resolution(models.TextChoices):
        OPEN = "", _("Open")
        AUTO = "auto", _("No longer holds")
        ACCEPTED = "accepted", _("Recommendation applied")
        DISMISSED = "dismissed", _("Dismissed")

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="flags", verbose_name=_("device"))
    rule = models.SlugField(_("rule"), max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.INFO)
    message = models.TextField(_("message"))
    savings_eur = models.DecimalField(_("savings (€)"), max_digits=12, decimal_places=2, null=True, blank=True)
    savings_kgco2e = models.DecimalField(_("savings (kg CO2e)"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices, blank=True, default="")
    resolution_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "rule"], condition=Q(resolved_at__isnull=True), name="flag_one_open_per_rule"
            ),
        ]
        indexes = [models.Index(fields=["rule", "resolved_at"])]

    def __str__(self):
        return f"{self.rule} {self.device_id}"


class ImportProfile(models.Model):
    """A custom import mapping saved for reuse: a built-in profile plus overrides (``inventory.imports``)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    base = models.CharField(_("based on"), max_length=20, default="template")
    # {"asset_tag": "Header in the file", ...} and {"label in the file": "status code", ...}
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    statuses = models.JSONField(_("status table"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        ordering = ["name"]

    def __str__(self):
        return self.name


class FileJob(models.Model):
    """A long import or export run by a worker; the page polls it (progress survives a reload)."""

    class Kind(models.TextChoices):
        IMPORT_CHECK = "import_check", _("Import check (dry run)")
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    source = models.FileField(_("file"), upload_to="jobs/%Y/%m/", blank=True)
    source_name = models.CharField(max_length=255, blank=True)
    result = models.FileField(_("result"), upload_to="jobs/%Y/%m/", blank=True)
    options = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.pk}"
