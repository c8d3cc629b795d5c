"""Offers: one device or a lot of similar devices made available to associations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Category, Device

# How a value at transfer was set (reuse/valuation.py decides it): the book value, or a value
# staff declared with a written justification; and on which basis (TTC or HT).
SOURCES = [("book", _("book value")), ("declared", _("declared value"))]
BASES = [("TTC", "TTC"), ("HT", "HT")]


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
    value_source = models.CharField(
        _("value at transfer from"), max_length=10, blank=True, choices=SOURCES,
        help_text=_("Book value, or a value staff declared with a justification; empty on older rows."),
    )
    value_basis = models.CharField(_("value basis"), max_length=3, blank=True, choices=BASES)
    value_justification = models.TextField(_("justification of the declared value"), blank=True)
    book_value = models.DecimalField(
        _("book value when offered (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # True while the device belongs to this offer (not withdrawn from it).
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("offered device")
        verbose_name_plural = _("offered devices")
        ordering = ["device__asset_tag"]
        constraints = [
            models.UniqueConstraint(fields=["device"], condition=Q(active=True), name="offeritem_one_open_offer"),
            models.CheckConstraint(condition=Q(value_at_transfer__gte=0), name="offeritem_value_not_negative"),
            models.CheckConstraint(
                condition=~Q(value_source="declared") | ~Q(value_justification=""),
                name="offeritem_declared_value_justified",
            ),
        ]

    def __str__(self):
        return f"{self.offer_id}:{self.device_id}"
