"""The transactional outbox of reuse notifications: written with the change, sent by a sweep.

Before, a verb queued its Celery task after commit: with Redis down, every notifying write
answered 500 after ~19 s of connection retries although the change was saved, and the
notification was lost. Now ``enqueue`` only inserts an ``OutboxMessage`` in the verb's own
transaction; after commit it *tries* to wake the dispatcher (one attempt, no retry: a closed
broker port fails at once), and beat runs the same sweep every minute whatever happened.

``dispatch`` sends every due message, each in its own transaction with its row locked and
skipped by concurrent sweeps, and marks it sent once. A failure is retried with exponential
backoff (1, 2, 4 … minutes, capped at an hour) and given up after ``MAX_ATTEMPTS`` (shown in
the admin). The notifiers are idempotent too (``SentNotification``), so even a message sent
and then rolled back by a crash before ``sent_at`` is written is not mailed twice.
"""

import contextvars
import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BATCH = 100
_problems = contextvars.ContextVar("outbox_problems", default=None)


def enqueue(task, *args):
    """Record that ``task(*args)`` must run once the current transaction commits.

    ``task`` is a task object of ``reuse.tasks`` (a typo fails at import time). Nothing is sent
    for work that is rolled back: the row goes with it.
    """
    message = OutboxMessage.objects.create(task=task.name, args=list(args))
    transaction.on_commit(lambda: wake_dispatcher([message.pk]))


def wake_dispatcher(ids):
    """Ask a worker to send these messages now; if the broker is unreachable, beat's sweep
    sends them later."""
    from .tasks import dispatch_outbox

    try:
        dispatch_outbox.apply_async(args=[ids], retry=False)
    except Exception as error:  # the broker is down: the message waits in the outbox
        logger.warning("Outbox: could not wake the dispatcher (%s); the periodic sweep will send it.", error)


def report_problem(text):
    """Called by a notifier (e.g. no recipient address): kept on the message, shown to admins."""
    logger.warning("Notification problem: %s", text)
    problems = _problems.get()
    if problems is not None:
        problems.append(text)


def backoff(attempts):
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def dispatch(*, ids=None, now=None, limit=BATCH):
    """Send the due messages (only those of ``ids`` if given: the wake-up after a commit).
    Returns ``{"sent": n, "retried": n, "failed": n}``."""
    from celery import current_app

    now = now or timezone.now()
    counts = {"sent": 0, "retried": 0, "failed": 0}
    pending = OutboxMessage.objects.filter(sent_at__isnull=True, failed=False, due_at__lte=now)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    due = list(pending.order_by("due_at", "pk").values_list("pk", flat=True)[:limit])
    for pk in due:
        token = _problems.set([])
        try:
            with transaction.atomic():
                message = (
                    OutboxMessage.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, sent_at__isnull=True, failed=False).first()
                )
                if message is None:  # another sweep holds it or sent it
                    continue
                current_app.tasks[message.task].run(*message.args)
                message.sent_at = timezone.now()
                message.attempts += 1
                message.problem = "\n".join(_problems.get())
                message.save(update_fields=["sent_at", "attempts", "problem"])
                counts["sent"] += 1
        except Exception as error:
            logger.exception("Outbox message %s failed", pk)
            message = OutboxMessage.objects.get(pk=pk)
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.failed = message.attempts >= MAX_ATTEMPTS
            message.due_at = timezone.now() + backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "failed", "due_at"])
            counts["failed" if message.failed else "retried"] += 1
        finally:
            _problems.reset(token)
    return counts
