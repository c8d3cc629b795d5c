from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Register")

    def ready(self):
        from .converters import register as register_tag_converter
        from .exits.panel import register_exit_panel
        from .repairs.panel import register_repair_panel
        from .review.panel import register_review_panel
        from .shipments.panel import register_shipment_panel

        register_repair_panel()
        register_review_panel()
        register_tag_converter()
        register_shipment_panel()
        register_exit_panel()
