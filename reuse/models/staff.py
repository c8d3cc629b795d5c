"""Free transfer of IT equipment to the authority's own staff (CG3P art. L. 3212-2, 5°; ceiling
CG3P art. D. 3212-4; DOMAIN.md §3).

The recipient is a person, not an association: no portal account, no claim, no follow-up
survey. A ``StaffDonation`` holds the person (name, department, optional employee number and
e-mail) as it was on the day of the transfer, the legal facts printed on its own agreement
(snapshots: the agreement never changes afterwards), and one ``StaffDonationLine`` per device
with its value at transfer. Its content hash is computed as the association agreement's is
(``content_hash``); the erasure certificates of the lines come from the same helper.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from inventory.models import Device

from .claims import LEGAL_BASIS, Donation, with_certificates
from .hashing import content_hash
from .offers import BASES, SOURCES


class StaffDonation(models.Model):
    """Devices given to one member of staff, with their agreement (convention de cession à un agent)."""

    Licence = Donation.Licence

    number = models.CharField(_("agreement number"), max_length=30, unique=True, editable=False)
    recipient_name = models.CharField(_("staff member"), max_length=150)
    recipient_department = models.CharField(_("department or service"), max_length=150)
    recipient_employee_number = models.CharField(_("employee number"), max_length=30, blank=True)
    recipient_email = models.EmailField(_("e-mail"), blank=True)
    handed_over_at = models.DateTimeField(_("handover date"))
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Snapshots of the settings and of the staff eligibility category at the transfer.
    legal_item = models.CharField(_("item of CG3P art. L. 3212-2"), max_length=5)
    ceiling_article = models.CharField(_("ceiling set by"), max_length=100)
    owner_signatory = models.CharField(_("signatory for the authority"), max_length=150)
    owner_signatory_role = models.CharField(_("signatory's position"), max_length=200, blank=True)
    owner_signatory_delegation = models.CharField(_("signatory's delegation"), max_length=300, blank=True)
    authorisation = models.CharField(_("authorising deliberation or decision"), max_length=500)
    place = models.CharField(_("place of signature"), max_length=100)
    operating_system = models.CharField(_("operating system installed"), max_length=150, blank=True)
    licence_status = models.CharField(_("licence status"), max_length=10, choices=Licence.choices, blank=True)
    total_value = models.DecimalField(_("total value at transfer (€)"), max_digits=12, decimal_places=2)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, editable=False)
    agreement = models.FileField(_("agreement"), upload_to="reuse/staff-agreements/%Y/", blank=True, editable=False)

    class Meta:
        verbose_name = _("donation to a staff member")
        verbose_name_plural = _("donations to staff members")
        ordering = ["-handed_over_at", "-id"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("reuse:staff-donation-detail", args=[self.pk])

    def agreement_lines(self):
        """[(line with device and model, [erasure certificate numbers])] in asset-tag order."""
        lines = list(self.lines.select_related("device", "device__model", "device__model__category"))
        return with_certificates(lines, self.handed_over_at)

    def hashed_fields(self, lines=None):
        """The agreement's content fields: exactly what ``content_hash`` covers."""
        lines = self.agreement_lines() if lines is None else lines
        return {
            "agreement": self.number,
            "handed_over_at": self.handed_over_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "owner": settings.PROLONGE["OWNER_NAME"],
            "owner_siret": settings.PROLONGE.get("OWNER_SIRET", ""),
            "owner_address": settings.PROLONGE.get("OWNER_ADDRESS", ""),
            "authorisation": self.authorisation,
            "owner_signatory": self.owner_signatory,
            "owner_signatory_role": self.owner_signatory_role,
            "owner_signatory_delegation": self.owner_signatory_delegation,
            "recipient": self.recipient_name,
            "recipient_department": self.recipient_department,
            "recipient_employee_number": self.recipient_employee_number,
            "legal_basis": LEGAL_BASIS,
            "legal_item": self.legal_item,
            "ceiling_article": self.ceiling_article,
            "operating_system": self.operating_system,
            "licence_status": self.licence_status,
            "place": self.place,
            "devices": [
                {
                    "asset_tag": line.device.asset_tag,
                    "serial": line.device.serial_number,
                    "model": f"{line.device.model.manufacturer} {line.device.model.name}",
                    "value": f"{line.value_at_transfer:.2f}",
                    "erasures": numbers,
                    "value_source": line.value_source,
                    "value_basis": line.value_basis,
                    "value_justification": line.value_justification,
                }
                for line, numbers in lines
            ],
            "total_value": f"{self.total_value:.2f}",
        }

    def compute_hash(self, lines=None):
        return content_hash(self.hashed_fields(lines))


class StaffDonationLine(models.Model):
    """A device given to the staff member, with its value at transfer (``reuse.valuation``)."""

    donation = models.ForeignKey(StaffDonation, on_delete=models.CASCADE, related_name="lines",
                                 verbose_name=_("donation to a staff member"))
    device = models.OneToOneField(Device, on_delete=models.PROTECT, related_name="staff_donation_line",
                                  verbose_name=_("device"))
    value_at_transfer = models.DecimalField(_("value at transfer (€)"), max_digits=10, decimal_places=2)
    value_source = models.CharField(_("value at transfer from"), max_length=10, choices=SOURCES)
    value_basis = models.CharField(_("value basis"), max_length=3, choices=BASES)
    value_justification = models.TextField(_("justification of the declared value"), blank=True)
    book_value = models.DecimalField(
        _("book value at transfer (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("device given to a staff member")
        verbose_name_plural = _("devices given to staff members")
        ordering = ["device__asset_tag"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(value_source="declared") | ~Q(value_justification=""),
                name="staffdonationline_declared_value_justified",
            ),
        ]

    def __str__(self):
        return f"{self.donation_id}:{self.device_id}"
