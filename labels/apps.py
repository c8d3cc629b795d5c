from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelsConfig(AppConfig):
    name = "labels"
    verbose_name = _("Labels and audits")

    def ready(self):
        from inventory.panels import register_panel

        from .panels import label_panel_context

        register_panel("labels", "labels/_device_panel.html", label_panel_context, order=20)
