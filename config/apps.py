from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ConfigConfig(AppConfig):
    """Project-wide glue: roles, system checks, process runner. Holds no domain model."""

    name = "config"
    verbose_name = "Prolonge"

    def ready(self):
        from .roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="prolonge-roles")
