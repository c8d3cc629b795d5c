"""``python manage.py generate_fleet --devices N``: a synthetic fleet for benchmarks and tests."""

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.fleet import FleetRefused, generate_fleet


class Command(BaseCommand):
    help = (
        "Generate a realistic synthetic fleet (devices, repairs, journal) into an empty register, "
        "with bulk inserts. Deterministic for a given --seed and --today."
    )

    def add_arguments(self, parser):
        parser.add_argument("--devices", type=int, required=True, help="number of devices")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--events-per-device", type=int, default=10,
                            help="average journal events per device (default 10)")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="reference day YYYY-MM-DD (default: today); dates are relative to it")
        parser.add_argument("--replace", action="store_true",
                            help="delete every device (and rows depending on one) first; DEBUG only")

    def handle(self, *args, devices, seed, events_per_device, today, replace, **options):
        if replace and not settings.DEBUG:
            raise CommandError("--replace deletes the whole register: it only runs with DEBUG on.")
        started = time.perf_counter()
        verbose = options["verbosity"] > 1

        def progress(summary):
            if verbose:
                self.stdout.write(f"  {summary.devices:,} devices, {summary.events:,} events")

        try:
            summary = generate_fleet(devices=devices, seed=seed, events_per_device=events_per_device,
                                     today=today, replace=replace, progress=progress)
        except FleetRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        if options["verbosity"]:
            statuses = ", ".join(f"{status} {count:,}" for status, count in sorted(summary.statuses.items()))
            self.stdout.write(self.style.SUCCESS(
                f"Generated {summary.devices:,} devices, {summary.events:,} events and "
                f"{summary.repairs:,} repairs in {time.perf_counter() - started:.1f} s."
            ))
            if statuses:
                self.stdout.write(f"  statuses: {statuses}")
