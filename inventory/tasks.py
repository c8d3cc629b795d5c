"""Celery tasks of the register: thin wrappers around services (idempotent, ids not objects)."""

import datetime as dt

from celery import shared_task

# A periodic run killed mid-way (worker lost, OOM) is redelivered, not acknowledged: both tasks
# are idempotent (the review is set-based, digests are sent once per week).
PERIODIC = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="inventory.run_review", **PERIODIC)
def run_review(today=None):
    """The nightly review (``today``: ISO date to replay a day). Returns the per-rule counts."""
    from .review import run_review as run

    return run(today=dt.date.fromisoformat(today) if today else None).as_dict()


@shared_task(name="inventory.send_review_digests", **PERIODIC)
def send_review_digests(force=False):
    """The weekly digests; sent once per ISO week unless ``force``."""
    from .review.digest import send_weekly_digests

    return send_weekly_digests(force=force)


from .imports.tasks import run_file_job  # noqa: E402,F401 — registered with the worker
