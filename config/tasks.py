from celery import shared_task


@shared_task(name="config.ping")
def ping():
    """Round trip through the broker and a worker: used by health checks and tests."""
    return "pong"


@shared_task(name="config.count_devices")
def count_devices():
    """How many devices the worker's database holds (proves worker and web share one database)."""
    from inventory.models import Device

    return Device.objects.count()
