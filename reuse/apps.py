from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReuseConfig(AppConfig):
    name = "reuse"
    verbose_name = _("Second life")

    def ready(self):
        """Plug reuse into the register without the register importing reuse (DESIGN.md §1)."""
        from inventory.bulk import register_bulk_link
        from inventory.exits.documents import register_certificate_source
        from inventory.lifecycle import register_guard
        from inventory.panels import register_panel
        from inventory.review import register_rule

        from .guards import ceiling_guard, claim_guard, claim_hold_guard, erasure_guard, exit_certificates
        from .panels import device_panel_context
        from .review_rules import offer_unclaimed

        register_guard(erasure_guard)
        register_guard(ceiling_guard)
        register_guard(claim_guard)
        register_guard(claim_hold_guard)
        register_rule(offer_unclaimed)
        register_certificate_source(exit_certificates)
        register_panel("reuse", "reuse/_device_panel.html", device_panel_context, order=50)
        register_bulk_link("offer", _("Offer them to associations"), "reuse:offer-create", "reuse.add_offer")
        from .review_claims import ClaimExpiredRule, ReuseTargetRule

        register_rule(ReuseTargetRule(), replace=True)
        register_rule(ClaimExpiredRule(), replace=True)
