"""Data erasures of a device's storage, each with its certificate."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Device

from .hashing import content_hash


class Erasure(models.Model):
    """A data erasure of a device's storage, with its certificate (PDF and content hash)."""

    class Method(models.TextChoices):
        # NIST SP 800-88 Rev. 2 (September 2025) sanitisation categories.
        CLEAR = "clear", _("Clear (overwrite, NIST SP 800-88)")
        PURGE = "purge", _("Purge (secure erase / crypto erase, NIST SP 800-88)")
        DESTROY = "destroy", _("Destroy (physical destruction of the storage)")

    number = models.CharField(_("certificate number"), max_length=30, unique=True, editable=False)
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="erasures", verbose_name=_("device"))
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    method_detail = models.CharField(
        _("tool's method name"), max_length=150, blank=True, help_text=_("e.g. ATA Secure Erase, NVMe Format (crypto)")
    )
    tool = models.CharField(_("tool"), max_length=150)
    tool_version = models.CharField(_("tool version"), max_length=50, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operator account"),
    )
    operator_name = models.CharField(_("operator"), max_length=150)
    performed_at = models.DateTimeField(_("performed"))
    passed = models.BooleanField(_("verification passed"))
    storage_serials = models.TextField(_("storage serial numbers"), blank=True, help_text=_("One per line."))
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, editable=False)
    certificate = models.FileField(_("certificate"), upload_to="reuse/erasures/%Y/", blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-performed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(method__in=["clear", "purge", "destroy"]), name="erasure_method_valid"),
        ]
        indexes = [models.Index(fields=["device", "passed", "performed_at"])]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("reuse:erasure-detail", args=[self.pk])

    @property
    def serial_list(self):
        return [line.strip() for line in self.storage_serials.splitlines() if line.strip()]

    def hashed_fields(self):
        """The certificate's content fields: exactly what ``content_hash`` covers."""
        device = self.device
        return {
            "certificate": self.number,
            "owner": settings.PROLONGE["OWNER_NAME"],
            "asset_tag": device.asset_tag,
            "device_serial": device.serial_number,
            "manufacturer": device.model.manufacturer,
            "model": device.model.name,
            "storage_serials": self.serial_list,
            "method": self.method,
            "method_detail": self.method_detail,
            "tool": self.tool,
            "tool_version": self.tool_version,
            "operator": self.operator_name,
            "performed_at": self.performed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "passed": self.passed,
        }

    def compute_hash(self):
        return content_hash(self.hashed_fields())
