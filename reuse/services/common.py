"""Helpers shared by the reuse services (not domain verbs themselves)."""

from django.db import transaction


def enqueue(task_name, *args):
    """Send a Celery task once the current transaction commits: a worker never sees
    uncommitted rows, and nothing is sent for work that was rolled back."""
    from reuse import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(*args))
