"""Celery beat entries of the review, as django-celery-beat rows: visible and editable in admin.

Nightly at 02:30 the review runs over the whole fleet; on Monday at 07:00 the weekly digests go
out. Times are in the authority's time zone (settings.TIME_ZONE when the migration ran).
"""

from django.conf import settings
from django.db import migrations

NIGHTLY_REVIEW = "Revue nocturne du parc (inventory.run_review)"
WEEKLY_DIGEST = "Synthèse hebdomadaire des constats (inventory.send_review_digests)"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    weekly, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="1", day_of_month="*", month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=NIGHTLY_REVIEW,
        defaults={
            "task": "inventory.run_review", "crontab": nightly, "args": "[]", "kwargs": "{}",
            "description": "Applies the review rules to every device and updates the flags.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name=WEEKLY_DIGEST,
        defaults={
            "task": "inventory.send_review_digests", "crontab": weekly, "args": "[]", "kwargs": "{}",
            "description": "Emails technicians and procurement the open findings that concern them.",
        },
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[NIGHTLY_REVIEW, WEEKLY_DIGEST]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0003_review_settings"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
