"""The one writer of the device journal (DESIGN.md §1, STYLE.md: Saleor's ``order/events.py``).

Every verb that journals something calls ``record()`` (one event) or ``record_many()`` (many,
inserted in batches), inside the verb's own transaction; nothing else builds ``Event`` rows
(``tests/test_architecture.py`` greps for it). The acting user is normalised here once:
anonymous users, ``None`` and system runs are journalled without an actor.
"""

from django.utils import timezone

from .models import Event

BATCH_SIZE = 2000

__all__ = ["BATCH_SIZE", "Event", "acting_user", "event", "record", "record_many"]


def acting_user(user):
    """The user to store as an actor: an authenticated user, else None (system, anonymous)."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def event(device, kind, *, actor=None, note="", from_status="", to_status="", at=None, repair=None,
          data=None, attachment=""):
    """An unsaved journal line, for ``record_many()``. ``device`` is a Device or its id."""
    device_field = {"device_id": device} if isinstance(device, int) else {"device": device}
    return Event(
        **device_field,
        kind=kind,
        actor=acting_user(actor),
        note=note or "",
        from_status=from_status or "",
        to_status=to_status or "",
        at=at or timezone.now(),
        repair=repair,
        data=dict(data or {}),
        attachment=attachment or "",
    )


def record(device, kind, **fields):
    """Write one journal line for ``device`` and return it (same arguments as ``event()``)."""
    line = event(device, kind, **fields)
    line.save(force_insert=True)
    return line


def record_many(events):
    """Insert an iterable of unsaved events (from ``event()``) in batches; returns how many."""
    batch, count = [], 0
    for line in events:
        batch.append(line)
        if len(batch) == BATCH_SIZE:
            Event.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        Event.objects.bulk_create(batch)
        count += len(batch)
    return count
