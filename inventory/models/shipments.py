"""WEEE shipments: the only way a device reaches ``recycled`` (DOMAIN.md §7).

A ``Shipment`` is one collection slip (bordereau) sent to an approved WEEE channel, and one line
of the outgoing-waste register (arrêté du 31 mai 2021): date, waste name and code, quantity,
slip number, transporter, eco-organisation, approved operator, destination, treatment code, then
the collector's certificate of treatment. ``ShipmentWeight`` holds the weighed kilograms per WEEE
category (the register's quantity is their sum, in tonnes); ``ShipmentItem`` links the devices.

A shipment is a draft until it is dispatched (``inventory.shipments.services.dispatch``), which
moves every device to ``recycled`` in one transaction; a dispatched shipment is a fact of the
books: its devices and weights no longer change (only the certificate is added later).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .register import Device, WeeeCategory

# Code of the European waste list (décision 2000/532/CE): discarded equipment other than
# 16 02 09 to 16 02 13 (the hazardous ones carry a star and are chosen by hand).
DEFAULT_WASTE_CODE = "16 02 14"
DEFAULT_WASTE_NAME = "Déchets d'équipements électriques et électroniques (DEEE) informatiques"


class Shipment(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DISPATCHED = "dispatched", _("Dispatched")

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    shipped_on = models.DateField(_("shipment date"), default=timezone.localdate)
    slip_number = models.CharField(
        _("tracking slip number"), max_length=50, blank=True,
        help_text=_("Number of the collection slip (bordereau de suivi), if any."),
    )
    waste_name = models.CharField(_("waste name"), max_length=200, default=DEFAULT_WASTE_NAME)
    waste_code = models.CharField(
        _("waste code"), max_length=10, default=DEFAULT_WASTE_CODE,
        help_text=_("European waste list code, e.g. 16 02 14, or 16 02 13* for hazardous components."),
    )
    channel = models.CharField(
        _("eco-organisation"), max_length=200, blank=True,
        help_text=_("The approved eco-organisation or WEEE channel (e.g. ecosystem, Ecologic)."),
    )
    channel_siren = models.CharField(_("eco-organisation SIREN"), max_length=9, blank=True)
    operator = models.CharField(
        _("approved operator"), max_length=200, help_text=_("The collector or treatment operator."),
    )
    operator_siret = models.CharField(_("operator SIRET"), max_length=14)
    operator_registration = models.CharField(
        _("operator approval or registration"), max_length=100, blank=True,
        help_text=_("Prefectoral approval, ICPE registration or receipt number."),
    )
    transporter = models.CharField(_("transporter"), max_length=200, blank=True)
    transporter_siren = models.CharField(_("transporter SIREN"), max_length=9, blank=True)
    destination = models.CharField(
        _("destination"), max_length=300, blank=True, help_text=_("Name and address of the treatment site."),
    )
    treatment_code = models.CharField(
        _("treatment code"), max_length=10, help_text=_("R or D code of the treatment, e.g. R4, R12."),
    )
    certificate = models.FileField(
        _("certificate of treatment"), upload_to="shipments/certificates/%Y/", blank=True,
    )
    certificate_received_on = models.DateField(_("certificate received on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("dispatched by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("WEEE shipment")
        verbose_name_plural = _("WEEE shipments")
        ordering = ["-shipped_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(dispatched_at__isnull=False), name="shipment_dispatched_has_time",
            ),
            models.CheckConstraint(
                condition=Q(operator_siret__regex=r"^[0-9]{14}$"), name="shipment_operator_siret_14_digits",
            ),
        ]
        indexes = [models.Index(fields=["state", "shipped_on"])]

    def __str__(self):
        return f"{self.slip_number or '#' + str(self.pk)} — {self.operator} ({self.shipped_on})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("shipments:shipment-detail", args=[self.pk])

    @property
    def is_draft(self):
        return self.state == self.State.DRAFT


class ShipmentWeight(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="weights",
                                 verbose_name=_("shipment"))
    weee_category = models.CharField(_("WEEE category"), max_length=1, choices=WeeeCategory.choices)
    kg = models.DecimalField(_("weight (kg)"), max_digits=10, decimal_places=1)

    class Meta:
        verbose_name = _("weight by WEEE category")
        verbose_name_plural = _("weights by WEEE category")
        ordering = ["weee_category"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "weee_category"], name="shipment_weight_one_per_category"),
            models.CheckConstraint(condition=Q(kg__gt=0), name="shipment_weight_positive"),
        ]

    def __str__(self):
        return f"{self.get_weee_category_display()}: {self.kg} kg"


class ShipmentItem(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="items",
                                 verbose_name=_("shipment"))
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="shipment_items",
                               verbose_name=_("device"))
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("shipped device")
        verbose_name_plural = _("shipped devices")
        ordering = ["device__asset_tag"]
        # A device is recycled once: it belongs to one shipment at most.
        constraints = [models.UniqueConstraint(fields=["device"], name="shipment_item_one_shipment_per_device")]

    def __str__(self):
        return f"{self.device} → {self.shipment_id}"
