"""Background file jobs: import checks, imports and large exports, run by a Celery worker.

A ``FileJob`` row says what to do and, at the end, what happened (``report``); the progress
while it runs is a counter in the cache (an atomic import holds one transaction, so a row
updated in the database would not be seen before the end). The job page polls both.
"""

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config import exports

from ..models import Device, FileJob
from . import services

PROGRESS_TTL = 24 * 3600
logger = logging.getLogger(__name__)


def progress_key(job):
    return f"prolonge:filejob:{job.pk}:progress"


def progress(job):
    """(done, total) rows of a job; done comes from the cache while it runs."""
    total = job.report.get("total") or 0
    if job.state == FileJob.State.DONE:
        return total, total
    return cache.get(progress_key(job), 0), total


def _enqueue(job):
    from .tasks import run_file_job

    transaction.on_commit(lambda: run_file_job.delay(job.pk))


@transaction.atomic
def start_import_check(*, user, upload, profile, create_missing):
    """Store the uploaded file and queue its dry run."""
    job = FileJob(kind=FileJob.Kind.IMPORT_CHECK, user=user, source_name=Path(upload.name).name[:255],
                  options={"profile": profile, "create_missing": bool(create_missing)})
    job.source.save(f"import-{timezone.now():%Y%m%d%H%M%S}{Path(upload.name).suffix.lower()}", upload, save=False)
    job.save()
    _enqueue(job)
    return job


@transaction.atomic
def confirm_import(*, check, user, valid_only):
    """Queue the real run of a checked file (atomic, or valid rows only)."""
    job = FileJob.objects.create(
        kind=FileJob.Kind.IMPORT, user=user, source=check.source.name, source_name=check.source_name,
        options={**check.options, "mode": services.VALID_ONLY if valid_only else services.ATOMIC,
                 "check": check.pk},
    )
    _enqueue(job)
    return job


@transaction.atomic
def start_device_export(*, user, query, dialect):
    job = FileJob.objects.create(kind=FileJob.Kind.EXPORT, user=user, source_name="appareils.csv",
                                 options={"query": query, "dialect": dialect})
    _enqueue(job)
    return job


def run_job(job_id):
    """Run one job to its end (idempotent: a job already done is left alone)."""
    job = FileJob.objects.get(pk=job_id)
    if job.state == FileJob.State.DONE:
        return job.report
    FileJob.objects.filter(pk=job.pk).update(state=FileJob.State.RUNNING)
    job.state = FileJob.State.RUNNING
    try:
        report = _run_export(job) if job.kind == FileJob.Kind.EXPORT else _run_import(job)
    except Exception as error:
        job.state, job.report = FileJob.State.FAILED, {**job.report, "fatal": str(error)}
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "report", "finished_at"])
        notify_finished(job)
        raise
    job.report = report
    job.state = FileJob.State.FAILED if report.get("fatal") else FileJob.State.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "report", "finished_at", "result"])
    notify_finished(job)
    return report


def notify_finished(job):
    """E-mail the person who started a background export that it is ready (or failed), with the
    link to its page: nobody has to keep the progress page open. Imports are followed on their
    page (the person is there to confirm them). A mail that cannot leave is logged, never fatal:
    the file is on the job page either way."""
    if job.kind != FileJob.Kind.EXPORT or not (job.user and job.user.email):
        return
    link = settings.PUBLIC_BASE_URL + reverse("imports:job", args=[job.pk])
    with translation.override(settings.LANGUAGE_CODE):
        if job.state == FileJob.State.DONE:
            subject = _("Your export is ready")
            body = _("The export of %(n)s devices you asked for is ready: %(link)s") % {
                "n": job.report.get("rows", 0), "link": link}
        else:
            subject = _("Your export failed")
            body = _("The export you asked for could not be completed (nothing partial is offered): %(link)s") % {
                "link": link}
    try:
        send_mail(subject, body, None, [job.user.email])
    except Exception:  # the broker of mails is down: the page still has the file
        logger.exception("Could not e-mail %s about export job %s", job.user.email, job.pk)


def _run_import(job):
    path = Path(job.source.path)
    total = _count_rows(path)
    FileJob.objects.filter(pk=job.pk).update(report={"total": total})
    job.report = {"total": total}
    mode = job.options.get("mode", services.DRY_RUN) if job.kind == FileJob.Kind.IMPORT else services.DRY_RUN
    with tempfile.TemporaryDirectory() as folder:
        rejected = Path(folder) / "rejets.csv"
        report = services.import_devices(
            path, profile=job.options["profile"], mode=mode, create_missing=job.options.get("create_missing"),
            actor=job.user, source_name=job.source_name, rejected_path=rejected, progress_key=progress_key(job),
        )
        if rejected.exists():
            with open(rejected, "rb") as handle:
                job.result.save(f"rejets-{job.pk}.csv", File(handle), save=False)
    return {**report.as_dict(), "total": total}


def _count_rows(path):
    """Data rows of a file, for the progress bar (physical lines for a CSV: an upper bound)."""
    table = None
    try:
        from . import readers

        table = readers.open_table(path)
    except Exception:
        return 0
    if table.format == "xlsx":
        return sum(1 for _ in table.rows)
    with open(path, "rb") as handle:
        return max(0, sum(1 for _ in handle) - 1)


def _run_export(job):
    from ..exports import device_columns, device_rows
    from ..filters import DeviceFilterSet

    filterset = DeviceFilterSet(QueryDict(job.options.get("query", "")), queryset=Device.objects.all())
    if not filterset.is_valid():
        return {"fatal": str(dict(filterset.errors))}
    queryset = filterset.qs
    total = queryset.count()
    FileJob.objects.filter(pk=job.pk).update(report={"total": total})
    job.report = {"total": total}
    key = progress_key(job)

    def counted(rows):
        for done, row in enumerate(rows, 1):
            if done % 10000 == 0:
                cache.set(key, done, PROGRESS_TTL)
            yield row

    dialect = job.options.get("dialect", exports.SPREADSHEET)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "appareils.csv"
        written = exports.write_csv(path, device_columns(), exports.wrapped(device_rows(queryset, dialect), counted),
                                   dialect)
        if written != total:
            # The file is kept from the user: a short file must never look like the export.
            return {"total": total, "rows": written, "fatal": f"{written} rows written, {total} expected"}
        with open(path, "rb") as handle:
            job.result.save(f"appareils-{job.pk}.csv", File(handle), save=False)
    return {"total": total, "rows": written}
