"""Helpers shared by the reuse services (not domain verbs themselves)."""

from django.db import transaction


def enqueue(task, *args):
    """Send the Celery ``task`` (a task object from ``reuse.tasks``) once the current transaction
    commits: a worker never sees uncommitted rows, and nothing is sent for work that was rolled back.

    Taking the task itself, not its name, lets a typo fail at import time and lets a reader jump
    from the verb to the task.
    """
    transaction.on_commit(lambda: task.delay(*args))
