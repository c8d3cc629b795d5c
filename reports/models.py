"""Settings tables of the reports: values the law fixes and the authority types in the admin."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from inventory.models import Category


class DonationFlatValue(models.Model):
    """Flat value (€ HT) at which a device received as a donation counts in the AGEC declaration.

    The arrêté of 29 February 2024 sets a grid of flat values per product; the authority copies
    the lines it needs here, per category, with the text they come from.
    """

    category = models.OneToOneField(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("category"))
    value_eur = models.DecimalField(
        _("flat value (€ HT)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    source = models.CharField(
        _("source"), max_length=250, default="Arrêté du 29 février 2024 (valeurs forfaitaires des dons)"
    )

    class Meta:
        verbose_name = _("flat value of a donation received")
        verbose_name_plural = _("flat values of donations received")
        ordering = ["category__name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(value_eur__gte=0), name="donationflatvalue_not_negative"),
        ]

    def __str__(self):
        return f"{self.category}: {self.value_eur} €"
