"""Synthetic fleets: realistic register data for the demo, tests and benchmarks.

``generate_fleet()`` builds a plausible fleet of a French métropole — categories with the ADEME
footprint factors of DOMAIN.md §5, ~50 device models, communes of the Grenoble area with their
buildings and rooms, a dozen departments (``reference``) — then devices with their whole
journal: purchase, deployment, repairs (ORDS outcomes), moves, audits, retirement, erasure,
offer, claim, donation, recycling (``builder``). The same seed and the same ``today`` give the
same fleet.

Speed matters (100k devices with ~10 events each for the benchmarks), so devices, repairs and
events are planned in Python and written in bulk, batch by batch, with no query per device
(``bulk.insert_rows``: COPY on PostgreSQL, executemany on SQLite). This package is the
one acceptable exception to "journal rows only through ``inventory.journal``" and "status
changes only through ``lifecycle.transition``": it is a data generator, so it writes the journal
rows directly. Every journal it writes follows ``lifecycle.TRANSITIONS`` (each status event goes
from the previous event's status to an allowed one, and the last one is the device's status) —
the tests check it. It does not run the guards of other apps (e.g. reuse's "no donation without
a passed ``Erasure`` row"): it writes an ``erased`` journal event, and ``seed_demo`` then adds
the other apps' demo rows through their services (``demo/reuse.py``).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from inventory.models import Category, Department, Device, DeviceModel, Event, Repair, Site

from .builder import FleetBuilder
from .bulk import analyze, next_id, reset_sequences, wipe_devices
from .reference import ensure_reference_data

__all__ = ["FleetRefused", "FleetSummary", "generate_fleet"]


class FleetRefused(Exception):
    """The register is not empty (and no ``replace``), or the arguments make no sense."""


@dataclass
class FleetSummary:
    devices: int = 0
    events: int = 0
    repairs: int = 0
    statuses: dict = field(default_factory=dict)


def generate_fleet(*, devices, seed=1, events_per_device=10, today=None, replace=False,
                   actor_ids=(), batch_size=1000, progress=None):
    """Add ``devices`` synthetic devices (and their journals) to an empty register.

    Refuses when devices already exist, unless ``replace`` (which first deletes every device
    and every row depending on one: see ``wipe_devices``). The catalogue, sites and departments
    are created when missing and reused otherwise. ``actor_ids`` are user ids the journal
    attributes events to (none: anonymous). Deterministic for a given ``seed`` and ``today``.
    """
    if devices < 0 or events_per_device < 1:
        raise FleetRefused("devices must be ≥ 0 and events per device ≥ 1.")
    with transaction.atomic():
        if replace:
            wipe_devices()
        elif Device.objects.exists():
            raise FleetRefused(
                f"The register already holds {Device.objects.count()} devices: generate_fleet only "
                "adds to an empty register (use --replace to delete them first)."
            )
        catalogue = ensure_reference_data()
        builder = FleetBuilder(
            catalogue, seed=seed, today=today or timezone.localdate(), events_per_device=events_per_device,
            actor_ids=list(actor_ids), first_device_id=next_id(Device), first_repair_id=next_id(Repair),
        )
        summary = FleetSummary()
        for start in range(0, devices, batch_size):
            builder.write_batch(range(start, min(devices, start + batch_size)), summary)
            if progress:
                progress(summary)
        reset_sequences(Device, Repair)
        analyze(Device, Repair, Event, Site, DeviceModel, Category, Department)
        return summary
