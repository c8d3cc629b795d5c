"""Daily schedules of the reuse tasks, editable in the admin (django-celery-beat)."""

import json

from django.db import migrations

SCHEDULES = [
    # name, task, hour
    ("Libérer les demandes non retirées", "reuse.expire_claims", 3),
    ("Demander le suivi des dons (6 mois)", "reuse.request_follow_ups", 9),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="0", hour=str(hour), day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Paris"
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "args": json.dumps([]), "enabled": True}
        )


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _, task, _ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reuse", "0002_eligibility_categories"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create, remove)]
