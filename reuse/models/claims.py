"""Claims and what follows them: claimed devices, donations (transfer agreements), follow-ups.

What must always hold is a database constraint — above all "exactly one claim holds a device"
(``ClaimLine``: a unique index on ``device`` restricted to the lines that still hold it).
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Device

from .associations import Association
from .erasures import Erasure
from .hashing import content_hash
from .offers import BASES, SOURCES, Offer

LEGAL_BASIS = "CG3P art. L. 3212-2, L. 3212-3"


def with_certificates(lines, handed_over_at):
    """[(line, [erasure certificate number])]: each line's device with its last passed erasure
    recorded before ``handed_over_at`` (one query; the agreements of associations and of staff)."""
    certificates = {}
    for device_id, number in (
        Erasure.objects.filter(device__in=[line.device_id for line in lines], passed=True,
                               performed_at__lte=handed_over_at)
        .order_by("device_id", "-performed_at", "-id")
        .values_list("device_id", "number")
    ):
        certificates.setdefault(device_id, [number])
    return [(line, certificates.get(line.device_id, [])) for line in lines]


class Claim(models.Model):
    """An association asks for devices of an offer: requested → approved → ready → handed over."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        READY = "ready", _("Ready for pickup")
        HANDED_OVER = "handed_over", _("Handed over")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    ACTIVE = (Status.REQUESTED, Status.APPROVED, Status.READY)
    # Statuses whose lines hold their devices: nobody else may claim them.
    HOLDING = (*ACTIVE, Status.HANDED_OVER)

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="claims", verbose_name=_("offer"))
    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="claims", verbose_name=_("association")
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    message = models.TextField(_("message from the association"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    pickup_at = models.DateTimeField(_("pickup slot"), null=True, blank=True)
    pickup_place = models.CharField(_("pickup place"), max_length=250, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested on"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="claim_quantity_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["requested", "approved", "ready", "handed_over", "refused", "cancelled",
                                        "expired"]),
                name="claim_status_valid",
            ),
            # One live claim per association and offer: ask for a larger quantity instead.
            models.UniqueConstraint(
                fields=["offer", "association"],
                condition=Q(status__in=["requested", "approved", "ready"]),
                name="claim_one_active_per_association_offer",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"]), models.Index(fields=["association", "status"])]

    def __str__(self):
        return f"#{self.pk} {self.association} · {self.offer}"

    def get_absolute_url(self):
        return reverse("reuse:claim-detail", args=[self.pk])

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def visible_lines(self):
        """The devices the claim is about: those it holds, or every line once it is closed.

        Uses the ``all_lines`` prefetch when present.
        """
        lines = getattr(self, "all_lines", None)
        if lines is None:
            lines = list(self.lines.select_related("device__model"))
        return [line for line in lines if line.active] if self.status in self.HOLDING else lines


class ClaimLine(models.Model):
    """A device a claim holds. At most one holding line per device: the database says who won."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines", verbose_name=_("claim"))
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="claim_lines", verbose_name=_("device"))
    value_at_transfer = models.DecimalField(_("value at transfer (€)"), max_digits=10, decimal_places=2)
    value_source = models.CharField(
        _("value at transfer from"), max_length=10, blank=True, choices=SOURCES,
        help_text=_("Book value, or a value staff declared with a justification; empty on older rows."),
    )
    value_basis = models.CharField(_("value basis"), max_length=3, blank=True, choices=BASES)
    value_justification = models.TextField(_("justification of the declared value"), blank=True)
    book_value = models.DecimalField(
        _("book value when offered (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # Denormalised from the claim's status (requested/approved/ready/handed over) so that a
    # partial unique index can say "one holder per device"; services keep it in step.
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("claimed device")
        verbose_name_plural = _("claimed devices")
        ordering = ["device__asset_tag"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=Q(active=True), name="claimline_one_winner_per_device"
            ),
            models.UniqueConstraint(fields=["claim", "device"], name="claimline_unique_device_in_claim"),
            models.CheckConstraint(
                condition=~Q(value_source="declared") | ~Q(value_justification=""),
                name="claimline_declared_value_justified",
            ),
        ]

    def __str__(self):
        return f"{self.claim_id}:{self.device_id}"


class Donation(models.Model):
    """The handover of a claim's devices, with its transfer agreement (convention de cession)."""

    number = models.CharField(_("agreement number"), max_length=30, unique=True, editable=False)
    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="donation", verbose_name=_("claim"))
    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="donations", verbose_name=_("association")
    )
    handed_over_at = models.DateTimeField(_("handover date"))
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    class Licence(models.TextChoices):
        FREE = "free", _("Free software, redistribution allowed")
        OEM = "oem", _("Original (OEM) licence transferred with the device")
        NONE = "none", _("No operating system (disk erased)")
        NOT_APPLICABLE = "n/a", _("Not applicable (device without software)")

    owner_signatory = models.CharField(_("signatory for the authority"), max_length=150)
    # Snapshots of the settings at handover (DOMAIN.md §3): the agreement never changes afterwards.
    owner_signatory_role = models.CharField(_("signatory's position"), max_length=200, blank=True)
    owner_signatory_delegation = models.CharField(_("signatory's delegation"), max_length=300, blank=True)
    authorisation = models.CharField(_("authorising deliberation or decision"), max_length=500, blank=True)
    place = models.CharField(_("place of signature"), max_length=100, blank=True)
    operating_system = models.CharField(_("operating system installed"), max_length=150, blank=True)
    licence_status = models.CharField(
        _("licence status"), max_length=10, choices=Licence.choices, blank=True
    )
    association_signatory = models.CharField(_("signatory for the association"), max_length=150)
    total_value = models.DecimalField(_("total value at transfer (€)"), max_digits=12, decimal_places=2)
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, editable=False)
    agreement = models.FileField(_("agreement"), upload_to="reuse/agreements/%Y/", blank=True, editable=False)
    follow_up_due = models.DateField(_("follow-up due"))
    follow_up_requested_at = models.DateTimeField(_("follow-up requested"), null=True, blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-handed_over_at", "-id"]
        indexes = [models.Index(fields=["follow_up_due", "follow_up_requested_at"])]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("reuse:donation-detail", args=[self.pk])

    def agreement_lines(self):
        """[(claim line with device and model, [erasure certificate numbers])] in asset-tag order.

        The certificates are the passed erasures recorded before the handover: a donated
        device is terminal, so this list never changes afterwards.
        """
        lines = list(self.claim.lines.filter(active=True).select_related("device", "device__model"))
        return with_certificates(lines, self.handed_over_at)

    # Fields added to the hash with the DOMAIN.md §3 agreement (issue 9). Agreements issued before
    # (their ``place`` is blank: the handover now always sets it) keep the fields they were hashed
    # with, so that their stored hash still verifies.
    LEGAL_TEXT_FIELDS = (
        "owner_address", "authorisation", "owner_signatory_role", "owner_signatory_delegation",
        "association_address", "legal_item", "ceiling_article", "operating_system", "licence_status", "place",
    )

    def hashed_fields(self, lines=None):
        """The agreement's content fields: exactly what ``content_hash`` covers."""
        association = self.association
        lines = self.agreement_lines() if lines is None else lines
        fields = {
            "agreement": self.number,
            "handed_over_at": self.handed_over_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "owner": settings.PROLONGE["OWNER_NAME"],
            "owner_siret": settings.PROLONGE.get("OWNER_SIRET", ""),
            "owner_address": settings.PROLONGE.get("OWNER_ADDRESS", ""),
            "authorisation": self.authorisation,
            "owner_signatory": self.owner_signatory,
            "owner_signatory_role": self.owner_signatory_role,
            "owner_signatory_delegation": self.owner_signatory_delegation,
            "association": association.name,
            "association_rna": association.rna,
            "association_siret": association.siret,
            "association_address": association.address,
            "association_signatory": self.association_signatory,
            "eligibility": association.eligibility.name,
            "legal_basis": LEGAL_BASIS,
            "legal_item": association.eligibility.legal_item,
            "ceiling_article": association.eligibility.ceiling_article,
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
                    # How the value was set; absent on lines written before it was stored, so
                    # that the hashes of earlier agreements still verify.
                    **({"value_source": line.value_source, "value_basis": line.value_basis,
                        "value_justification": line.value_justification} if line.value_source else {}),
                }
                for line, numbers in lines
            ],
            "total_value": f"{self.total_value:.2f}",
        }
        if not self.place:
            for name in self.LEGAL_TEXT_FIELDS:
                del fields[name]
        return fields

    def compute_hash(self, lines=None):
        return content_hash(self.hashed_fields(lines))


class FollowUp(models.Model):
    """What the association reports about the donated kit (proof of reuse, décret 2023-266)."""

    donation = models.OneToOneField(
        Donation, on_delete=models.CASCADE, related_name="follow_up", verbose_name=_("donation")
    )
    beneficiaries = models.PositiveIntegerField(_("people who benefited"))
    devices_in_use = models.PositiveIntegerField(_("devices still in use"))
    failures = models.PositiveIntegerField(_("devices that failed"), default=0)
    comments = models.TextField(_("comments"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self):
        return f"{self.donation}"
