"""Internal requests: a department asks for devices, served from retired ones before buying."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory.models import Category, Department


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
