from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Register")

    def import_models(self):
        super().import_models()
        # The review thresholds' model lives next to the review, not in models.py.
        import_module(f"{self.name}.review_settings")

    def ready(self):
        from .review.panel import register_review_panel

        register_review_panel()
