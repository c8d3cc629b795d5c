"""Second life: erasures, internal requests, partner associations, offers, claims, donations.

Rows hold data and their own invariants; workflows that span rows live in ``reuse.services``.
What must always hold is a database constraint — above all "exactly one claim holds a device"
(``ClaimLine``: a unique index on ``device`` restricted to the lines that still hold it).
"""

import datetime as dt
import hashlib
import json
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Category, Department, Device


def luhn_valid(digits):
    """Luhn checksum, used by INSEE for SIREN/SIRET numbers."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value):
    if not re.fullmatch(r"\d{14}", value or ""):
        raise ValidationError(_("A SIRET number has 14 digits."), code="siret_format")
    # La Poste's establishments (SIREN 356000000) follow another checksum rule.
    if not value.startswith("356000000") and not luhn_valid(value):
        raise ValidationError(_("This SIRET number is not valid (check digit)."), code="siret_checksum")


validate_rna = RegexValidator(r"^W\d{9}$", _("An RNA number is a W followed by 9 digits (e.g. W381234567)."))


LEGAL_BASIS = "CG3P art. L. 3212-2, L. 3212-3"


def content_hash(fields):
    """SHA-256 (hex) of the canonical JSON of ``fields``: keys sorted, no spaces, UTF-8.

    Certificates and agreements print this hash; anyone holding the stored fields can
    recompute it (``json.dumps(fields, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)``, encoded as UTF-8) and compare.
    """
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class EligibilityCategory(models.Model):
    """Who may receive IT equipment free of charge under CG3P art. L. 3212-2 (data, not code)."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    open_to_associations = models.BooleanField(
        _("open to associations"), default=True, help_text=_("Offered on the public application form.")
    )
    solidarity_resale_allowed = models.BooleanField(
        _("may resell at solidarity prices"),
        default=False,
        help_text=_("May resell to people in precarity at capped solidarity prices instead of never reselling."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("eligibility category")
        verbose_name_plural = _("eligibility categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Association(models.Model):
    """A partner that may receive donated devices, once the authority approved it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Application received")
        APPROVED = "approved", _("Approved")
        SUSPENDED = "suspended", _("Suspended")
        REFUSED = "refused", _("Application refused")

    name = models.CharField(_("legal name"), max_length=200)
    rna = models.CharField(_("RNA number"), max_length=10, blank=True, validators=[validate_rna])
    siret = models.CharField(_("SIRET number"), max_length=14, blank=True, validators=[validate_siret])
    eligibility = models.ForeignKey(
        EligibilityCategory,
        on_delete=models.PROTECT,
        related_name="associations",
        verbose_name=_("eligibility category"),
    )
    purpose = models.TextField(_("statutory purpose"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    interests = models.ManyToManyField(
        Category,
        blank=True,
        related_name="+",
        verbose_name=_("categories followed"),
        help_text=_("We email the association when a new offer of these categories is published."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField(_("reason"), blank=True)
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("association")
        verbose_name_plural = _("associations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(rna="", siret=""), name="association_has_rna_or_siret",
                violation_error_message=_("Give the RNA number or the SIRET number."),
            ),
            models.CheckConstraint(condition=Q(status__in=["pending", "approved", "suspended", "refused"]),
                                   name="association_status_valid"),
            models.UniqueConstraint(
                fields=["rna"], condition=~Q(rna=""), name="association_unique_rna",
                violation_error_message=_("An association with this RNA number is already registered."),
            ),
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="association_unique_siret",
                violation_error_message=_("An association with this SIRET number is already registered."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.rna and not self.siret:
            raise ValidationError(_("Give the RNA number or the SIRET number."))

    @property
    def identifier(self):
        return " / ".join(part for part in (self.rna, self.siret) if part)

    @property
    def may_claim(self):
        return self.status == self.Status.APPROVED


class Membership(models.Model):
    """A user account acting for an association; one association per account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="association_membership",
        verbose_name=_("user"),
    )
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("association")
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return f"{self.user} → {self.association}"


class Erasure(models.Model):
    """A data erasure of a device's storage, with its certificate (PDF and content hash)."""

    class Method(models.TextChoices):
        # NIST SP 800-88 Rev. 1 sanitisation categories.
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


class InternalRequest(models.Model):
    """A department asks for N devices of a category: redeploy retired ones before buying."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        FULFILLED = "fulfilled", _("Fulfilled")
        CANCELLED = "cancelled", _("Cancelled")

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("requesting department")
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    fulfilled = models.PositiveSmallIntegerField(_("redeployed so far"), default=0, editable=False)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)

    class Meta:
        verbose_name = _("internal request")
        verbose_name_plural = _("internal requests")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="internalrequest_quantity_positive"),
            models.CheckConstraint(condition=Q(fulfilled__lte=models.F("quantity")),
                                   name="internalrequest_fulfilled_within_quantity"),
        ]

    def __str__(self):
        return f"{self.department} · {self.quantity} × {self.category}"

    @property
    def outstanding(self):
        return self.quantity - self.fulfilled


class Offer(models.Model):
    """One device or a lot of similar devices made available to associations."""

    class Grade(models.TextChoices):
        A = "A", _("A — as new")
        B = "B", _("B — good, light signs of use")
        C = "C", _("C — works, visible wear")

    class Status(models.TextChoices):
        OPEN = "open", _("Open for claims")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("All given")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    grade = models.CharField(_("condition grade"), max_length=1, choices=Grade.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(grade__in=["A", "B", "C"]), name="offer_grade_valid"),
            models.CheckConstraint(condition=Q(status__in=["open", "withdrawn", "closed"]), name="offer_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "category"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reuse:offer-detail", args=[self.pk])


class OfferItem(models.Model):
    """A device in an offer, with its value at transfer (book value when offered)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="items", verbose_name=_("offer"))
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="offer_items", verbose_name=_("device"))
    value_at_transfer = models.DecimalField(_("value at transfer (€)"), max_digits=10, decimal_places=2)
    # True while the device belongs to this offer (not withdrawn from it).
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("offered device")
        verbose_name_plural = _("offered devices")
        ordering = ["device__asset_tag"]
        constraints = [
            models.UniqueConstraint(fields=["device"], condition=Q(active=True), name="offeritem_one_open_offer"),
            models.CheckConstraint(condition=Q(value_at_transfer__gte=0), name="offeritem_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.offer_id}:{self.device_id}"


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
    owner_signatory = models.CharField(_("signatory for the authority"), max_length=150)
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
        certificates = {}
        for device_id, number in (
            Erasure.objects.filter(
                device__in=[line.device_id for line in lines], passed=True, performed_at__lte=self.handed_over_at
            )
            .order_by("device_id", "-performed_at", "-id")
            .values_list("device_id", "number")
        ):
            certificates.setdefault(device_id, [number])
        return [(line, certificates.get(line.device_id, [])) for line in lines]

    def hashed_fields(self, lines=None):
        """The agreement's content fields: exactly what ``content_hash`` covers."""
        association = self.association
        lines = self.agreement_lines() if lines is None else lines
        return {
            "agreement": self.number,
            "handed_over_at": self.handed_over_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "owner": settings.PROLONGE["OWNER_NAME"],
            "owner_siret": settings.PROLONGE.get("OWNER_SIRET", ""),
            "owner_signatory": self.owner_signatory,
            "association": association.name,
            "association_rna": association.rna,
            "association_siret": association.siret,
            "association_signatory": self.association_signatory,
            "eligibility": association.eligibility.name,
            "legal_basis": LEGAL_BASIS,
            "devices": [
                {
                    "asset_tag": line.device.asset_tag,
                    "serial": line.device.serial_number,
                    "model": f"{line.device.model.manufacturer} {line.device.model.name}",
                    "value": f"{line.value_at_transfer:.2f}",
                    "erasures": numbers,
                }
                for line, numbers in lines
            ],
            "total_value": f"{self.total_value:.2f}",
        }

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


class SentNotification(models.Model):
    """One row per email sent, keyed by what it was about: a task run twice sends nothing twice."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")

    def __str__(self):
        return self.key
