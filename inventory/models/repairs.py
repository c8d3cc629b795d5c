"""A repair of a device, its diagnosis and outcome (verbs in ``inventory.repairs.services``)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .register import Device


class Repair(models.Model):
    """A repair, its diagnosis and outcome, aligned with the Open Repair Data Standard (ORDS)."""

    class FaultCategory(models.TextChoices):
        # Our own grouping: ORDS has no fault codelist ("problem" is free text there), so the
        # ORDS export writes the symptom as text and this category is for our own statistics.
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
        # ORDS v0.3 repair_barrier_if_end_of_life, its six values (codes 1–6 in that order).
        NONE = "", _("—")
        SPARE_PARTS_UNAVAILABLE = "spare_parts_unavailable", _("Spare parts not available")
        SPARE_PARTS_TOO_EXPENSIVE = "spare_parts_too_expensive", _("Spare parts too expensive")
        NOT_REPAIRABLE_DESIGN = "not_repairable_design", _("No way to open the product")
        NO_INFORMATION = "no_information", _("Repair information not available")
        LACK_OF_EQUIPMENT = "lack_of_equipment", _("Lack of equipment")
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
