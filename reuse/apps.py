from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReuseConfig(AppConfig):
    name = "reuse"
    verbose_name = _("Second life")
