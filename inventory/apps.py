from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Register")

    def ready(self):
        from django.db.backends.signals import connection_created

        from .converters import register as register_tag_converter
        from .exits.panel import register_exit_panel
        from .repairs.panel import register_repair_panel
        from .review.fingerprint import register_sqlite_function
        from .review.panel import register_review_panel
        from .shipments.panel import register_shipment_panel

        register_repair_panel()
        register_review_panel()
        register_tag_converter()
        register_shipment_panel()
        register_exit_panel()
        # The review's digests are computed by the database (review.fingerprint).
        connection_created.connect(register_sqlite_function, dispatch_uid="prolonge_sqlite_digest")
