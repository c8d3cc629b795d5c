"""``Exit``: the record of a device leaving the fleet by a route other than donation or recycling.

One generic model rather than one per route (DOMAIN.md §7): the routes share most of their
facts (a counterparty with a SIRET, a date, a reference, a document), the reports read them in
one query, and each route's required fields are named database constraints below. Donations
(reuse ``Donation``) and recycling (WEEE shipments) keep their own records because they carry
more (claims, agreements, a waste register).

The exit is written by ``inventory.exits.services`` in the same transaction as the status
change; a device stolen then found again keeps its old ``Exit`` (``found_at`` set).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .register import Device


class Exit(models.Model):
    class Route(models.TextChoices):
        SOLD = "sold", _("Sale")
        TRANSFERRED = "transferred", _("Transfer to another public person")
        TAKEN_BACK = "taken_back", _("Take-back for reuse (eco-organisation or supplier)")
        RETURNED = "returned", _("Return to the lessor")
        STOLEN = "stolen", _("Theft")
        DESTROYED = "destroyed", _("Destruction for security")

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="exits", verbose_name=_("device"))
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    exited_on = models.DateField(_("date"), default=timezone.localdate)
    counterparty = models.CharField(
        _("counterparty"), max_length=200, blank=True,
        help_text=_("Buyer, receiving public person, taker, or lessor."),
    )
    counterparty_siret = models.CharField(_("counterparty SIRET"), max_length=14, blank=True)
    counterparty_address = models.TextField(
        _("counterparty address"), blank=True,
        help_text=_("Postal address of the buyer, receiving public person or taker (printed on the document)."),
    )
    price = models.DecimalField(_("sale price (€ TTC)"), max_digits=10, decimal_places=2, null=True, blank=True)
    platform = models.CharField(_("sale platform"), max_length=150, blank=True)
    decision = models.CharField(
        _("authorising decision"), max_length=200, blank=True,
        help_text=_("Deliberation or delegated decision (number and date)."),
    )
    contract_reference = models.CharField(_("contract reference"), max_length=100, blank=True)
    contract_terms_confirmed = models.BooleanField(
        _("contract terms confirmed"), default=False,
        help_text=_("The lessor's contract covers the data on the returned device (no erasure here)."),
    )
    reuse_commitment = models.BooleanField(_("commitment to reuse received"), default=False)
    proof_of_reuse = models.FileField(_("proof of reuse"), upload_to="exits/proofs/%Y/", blank=True)
    police_report = models.CharField(_("police report number"), max_length=50, blank=True)
    personal_data = models.BooleanField(
        _("held unencrypted personal data"), default=False,
        help_text=_("A theft of such a device may call for a notification to the CNIL within 72 hours."),
    )
    reason = models.TextField(_("reason"), blank=True)
    certificate = models.FileField(_("certificate"), upload_to="exits/certificates/%Y/", blank=True)
    note = models.TextField(_("note"), blank=True)
    found_at = models.DateTimeField(_("found again"), null=True, blank=True)
    # The route's legal document (sale receipt, transfer minutes, take-back slip), issued once on
    # request from the facts above and kept as issued (``inventory.exits.documents``).
    document = models.FileField(_("document"), upload_to="exits/documents/%Y/", blank=True)
    document_issued_at = models.DateTimeField(_("document issued"), null=True, blank=True)
    document_signatory = models.JSONField(
        _("signatory of the document"), default=dict, blank=True,
        help_text=_("The authority's signatory as configured when the document was issued: name, role, delegation."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("exit from the fleet")
        verbose_name_plural = _("exits from the fleet")
        ordering = ["-exited_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(route__in=["sold", "transferred", "taken_back", "returned",
                                                          "stolen", "destroyed"]), name="exit_route_valid"),
            models.CheckConstraint(
                condition=~Q(route="sold") | (~Q(counterparty="") & ~Q(decision="") & Q(price__gte=0)),
                name="exit_sale_has_buyer_price_decision",
            ),
            models.CheckConstraint(
                condition=~Q(route="transferred") | (~Q(counterparty="") & Q(counterparty_siret__regex=r"^[0-9]{14}$")),
                name="exit_transfer_has_public_person_siret",
            ),
            models.CheckConstraint(
                condition=~Q(route="taken_back") | (~Q(counterparty="") & Q(reuse_commitment=True)),
                name="exit_take_back_has_taker_commitment",
            ),
            models.CheckConstraint(
                condition=~Q(route="returned") | (~Q(counterparty="") & ~Q(contract_reference="")),
                name="exit_return_has_lessor_contract",
            ),
            models.CheckConstraint(condition=~Q(route="stolen") | ~Q(police_report=""), name="exit_theft_has_report"),
            models.CheckConstraint(condition=~Q(route="destroyed") | ~Q(reason=""), name="exit_destruction_has_reason"),
        ]
        indexes = [models.Index(fields=["route", "exited_on"])]

    def __str__(self):
        return f"{self.device} — {self.get_route_display()} ({self.exited_on})"
