"""Create the four role groups; their permissions are synchronised after each migrate
(config.roles.sync_role_permissions), since permissions of later apps do not exist yet here."""

from django.db import migrations

ROLES = ("technician", "procurement", "association", "admin")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
