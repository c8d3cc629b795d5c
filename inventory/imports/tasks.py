"""Celery task of the import pipeline (registered through ``inventory.tasks``)."""

from celery import shared_task


@shared_task(name="inventory.run_file_job")
def run_file_job(job_id):
    """Run an import check, an import or a large export; returns the job's report."""
    from .jobs import run_job

    return run_job(job_id)
