"""Label sheets and inventory audits.

A ``LabelTemplate`` is data (InvenTree's habit): the geometry of a sheet of labels, editable in
the admin; printing is a separate concern (``labels.pdf``). An ``AuditCampaign`` groups the
``Sighting`` rows of one yearly check of a site (or of the whole fleet).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reportlab.lib.units import mm

from inventory.models import Device, Site

# Tolerance when checking that the grid fits on the page (sheet makers round their figures).
FIT_TOLERANCE_MM = Decimal("0.6")


class LabelTemplate(models.Model):
    """The geometry of a sheet (or a roll page) of labels, in millimetres.

    Labels are laid out row by row from the top-left corner: label *n* (1-based) of a page sits
    in row ``(n - 1) // columns`` and column ``(n - 1) % columns``.
    """

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    page_width_mm = models.DecimalField(_("page width (mm)"), max_digits=6, decimal_places=2)
    page_height_mm = models.DecimalField(_("page height (mm)"), max_digits=6, decimal_places=2)
    margin_top_mm = models.DecimalField(_("top margin (mm)"), max_digits=6, decimal_places=2, default=0)
    margin_left_mm = models.DecimalField(_("left margin (mm)"), max_digits=6, decimal_places=2, default=0)
    columns = models.PositiveSmallIntegerField(_("columns"), default=1, validators=[MinValueValidator(1)])
    rows = models.PositiveSmallIntegerField(_("rows"), default=1, validators=[MinValueValidator(1)])
    label_width_mm = models.DecimalField(_("label width (mm)"), max_digits=6, decimal_places=2)
    label_height_mm = models.DecimalField(_("label height (mm)"), max_digits=6, decimal_places=2)
    gap_x_mm = models.DecimalField(
        _("horizontal gap (mm)"), max_digits=6, decimal_places=2, default=0,
        help_text=_("Space between two labels of a row."),
    )
    gap_y_mm = models.DecimalField(
        _("vertical gap (mm)"), max_digits=6, decimal_places=2, default=0,
        help_text=_("Space between two rows of labels."),
    )
    padding_mm = models.DecimalField(
        _("inner padding (mm)"), max_digits=5, decimal_places=2, default=2,
        help_text=_("Blank space kept inside each label, around the QR code and the text."),
    )
    show_owner = models.BooleanField(_("print the owner line"), default=True)
    shipped = models.BooleanField(
        _("shipped with Prolonge"), default=False, editable=False,
        help_text=_("Shipped templates are read-only; copy one to make your own."),
    )

    class Meta:
        verbose_name = _("label template")
        verbose_name_plural = _("label templates")
        ordering = ["-shipped", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(page_width_mm__gt=0, page_height_mm__gt=0, label_width_mm__gt=0,
                            label_height_mm__gt=0),
                name="labeltemplate_sizes_positive",
            ),
            models.CheckConstraint(
                condition=Q(margin_top_mm__gte=0, margin_left_mm__gte=0, gap_x_mm__gte=0,
                            gap_y_mm__gte=0, padding_mm__gte=0),
                name="labeltemplate_spacing_not_negative",
            ),
            models.CheckConstraint(condition=Q(columns__gte=1, rows__gte=1),
                                   name="labeltemplate_grid_not_empty"),
        ]

    def __str__(self):
        return self.name

    @property
    def labels_per_page(self):
        return self.columns * self.rows

    def clean(self):
        sizes = (self.page_width_mm, self.page_height_mm, self.margin_top_mm, self.margin_left_mm, self.columns,
                 self.rows, self.label_width_mm, self.label_height_mm, self.gap_x_mm, self.gap_y_mm, self.padding_mm)
        if any(value is None for value in sizes):
            return  # the missing field already has its own error
        errors = {}
        needed_width = (self.margin_left_mm + self.columns * self.label_width_mm
                        + (self.columns - 1) * self.gap_x_mm)
        if needed_width > self.page_width_mm + FIT_TOLERANCE_MM:
            errors["columns"] = _("The labels of a row need %(need)s mm but the page is %(page)s mm wide.") % {
                "need": needed_width, "page": self.page_width_mm}
        needed_height = (self.margin_top_mm + self.rows * self.label_height_mm
                         + (self.rows - 1) * self.gap_y_mm)
        if needed_height > self.page_height_mm + FIT_TOLERANCE_MM:
            errors["rows"] = _("The rows need %(need)s mm but the page is %(page)s mm high.") % {
                "need": needed_height, "page": self.page_height_mm}
        if self.padding_mm * 2 >= min(self.label_width_mm, self.label_height_mm):
            errors["padding_mm"] = _("The padding leaves no room for the QR code.")
        elif (quiet := self.quiet_zone_modules()) < MIN_QUIET_MODULES:
            errors["padding_mm"] = _(
                "Around the QR code this padding leaves %(quiet)s modules of blank; phones need %(min)s. "
                "Make the padding larger."
            ) % {"quiet": f"{quiet:.1f}".replace(".", ","), "min": MIN_QUIET_MODULES}
        if errors:
            raise ValidationError(errors)


    def quiet_zone_modules(self, asset_tag="GAM-000000"):
        """Blank modules around the code of a production-length URL: the padding plus the built-in ones."""
        from .pdf import QUIET_MODULES, LabelPainter
        from .qr import device_url, qr_matrix

        side_mm = LabelPainter(self, owner="").side / mm
        modules = len(qr_matrix(device_url(asset_tag))) + 2 * QUIET_MODULES
        return QUIET_MODULES + float(self.padding_mm) / (side_mm / modules)


# ISO/IEC 18004 asks 4 blank modules around a QR code; fewer and phone decoders start to fail.
MIN_QUIET_MODULES = 4


class AuditCampaign(models.Model):
    """One inventory check: of a site and its sub-sites, or of the whole fleet (no site)."""

    name = models.CharField(_("name"), max_length=150)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_campaigns",
        verbose_name=_("site"), help_text=_("Empty: the whole fleet."),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("started by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("audit campaign")
        verbose_name_plural = _("audit campaigns")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("labels:audit-scan", args=[self.pk])

    @property
    def is_open(self):
        return self.closed_at is None


class Sighting(models.Model):
    """A device seen during a campaign: where, by whom, when, and how it was read.

    One row per device and campaign: scanning again in another room updates the row. Seen
    outside the site the register has (``previous_site``), the sighting is a *discrepancy*: the
    register is not changed until someone decides (``decision``: moved there, or kept where it
    is registered).
    """

    class Method(models.TextChoices):
        CAMERA = "camera", _("Phone camera")
        PHOTO = "photo", _("Photo")
        KEYBOARD = "keyboard", _("Scanner or keyboard")

    class Decision(models.TextChoices):
        OPEN = "", _("To decide")
        MOVED = "moved", _("Moved where it was seen")
        KEPT = "kept", _("Kept at its registered site")

    campaign = models.ForeignKey(AuditCampaign, on_delete=models.CASCADE, related_name="sightings",
                                 verbose_name=_("campaign"))
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="sightings",
                               verbose_name=_("device"))
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("seen at"))
    previous_site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("registered site"),
    )
    seen_at = models.DateTimeField(_("seen"), default=timezone.now)
    seen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("seen by"))
    method = models.CharField(_("read with"), max_length=10, choices=Method.choices,
                              default=Method.KEYBOARD)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True,
                                default=Decision.OPEN)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))

    class Meta:
        verbose_name = _("sighting")
        verbose_name_plural = _("sightings")
        ordering = ["-seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "device"], name="sighting_one_per_campaign"),
            models.CheckConstraint(condition=Q(method__in=["camera", "photo", "keyboard"]),
                                   name="sighting_method_valid"),
            models.CheckConstraint(condition=Q(decision__in=["", "moved", "kept"]),
                                   name="sighting_decision_valid"),
        ]
        indexes = [models.Index(fields=["seen_at"])]

    def __str__(self):
        return f"{self.device_id} @ {self.site_id}"

    @property
    def was_elsewhere(self):
        """The register had the device at another site when it was seen."""
        return self.previous_site_id != self.site_id

    def is_in_place(self):
        """Seen where the register has it, or in a room of that site (a more precise location)."""
        return self.previous_site is not None and self.site.path.startswith(self.previous_site.path)
