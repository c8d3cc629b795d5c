"""Partners of the second life: eligibility categories, associations, their member accounts."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Category


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


class EligibilityCategory(models.Model):
    """Who may receive IT equipment free of charge under CG3P art. L. 3212-2 (data, not code):
    the numbered item of L. 3212-2, the article setting its ceiling, the kind of recipient and
    the evidence staff check (DOMAIN.md §3)."""

    class Item(models.TextChoices):
        ITEM_2 = "2", _("2° — movable goods to foundations or associations assisting the most deprived")
        ITEM_3 = "3", _("3° — IT equipment to associations, ESUS reuse bodies, student associations")
        ITEM_5 = "5", _("5° — IT equipment and its software to the authority's own staff")
        ITEM_11 = "11", _("11° — other movable goods")

    class RecipientKind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        FOUNDATION = "foundation", _("Foundation")
        ESUS = "esus", _("Body approved ESUS")
        STAFF = "staff", _("Staff member")
        PUBLIC_PERSON = "public_person", _("Public person")

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    cg3p_item = models.CharField(
        _("item of CG3P art. L. 3212-2"), max_length=2, choices=Item.choices, blank=True,
        help_text=_("Printed on the agreement; empty for a transfer to another public person (a separate route)."),
    )
    ceiling_article = models.CharField(
        _("ceiling set by"), max_length=100, blank=True,
        help_text=_("e.g. “CG3P art. D. 3212-3” or “arrêté du 6 avril 2021”."),
    )
    recipient_kind = models.CharField(
        _("recipient"), max_length=20, choices=RecipientKind.choices, default=RecipientKind.ASSOCIATION
    )
    evidence_required = models.TextField(
        _("evidence required"), blank=True, help_text=_("What staff check before approving a recipient.")
    )
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
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_kind__in=["association", "foundation", "esus", "staff", "public_person"]),
                name="eligibility_recipient_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def legal_item(self):
        """The item as printed on an agreement: « 3° » (empty when not set)."""
        return f"{self.cg3p_item}°" if self.cg3p_item else ""

    @property
    def legal_reference(self):
        """« CG3P art. L. 3212-2, 3° ; plafond : art. D. 3212-3 » (empty parts left out)."""
        parts = [f"CG3P art. L. 3212-2, {self.cg3p_item}°" if self.cg3p_item else ""]
        if self.ceiling_article:
            parts.append(_("ceiling: %(article)s") % {"article": self.ceiling_article})
        return " ; ".join(part for part in parts if part)


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
    esus_approved_on = models.DateField(
        _("ESUS approval date"), null=True, blank=True,
        help_text=_("Agrément « entreprise solidaire d'utilité sociale » (reuse bodies of the ESUS category)."),
    )
    esus_expires_on = models.DateField(
        _("ESUS approval expiry"), null=True, blank=True,
        help_text=_("After this date the body can no longer claim nor receive devices."),
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
            models.CheckConstraint(
                condition=Q(esus_approved_on__isnull=True) | Q(esus_expires_on__isnull=True)
                | Q(esus_expires_on__gte=F("esus_approved_on")),
                name="association_esus_expiry_after_approval",
                violation_error_message=_("The ESUS approval cannot expire before it was granted."),
            ),
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
