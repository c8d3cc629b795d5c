import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from inventory.review import registered_rules, run_review


class Command(BaseCommand):
    help = "Run the fleet review now (the same code as the nightly task) and print a summary."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Review as of this day (YYYY-MM-DD) instead of today.")
        parser.add_argument(
            "--rule", action="append", dest="rules",
            choices=[rule.slug for rule in registered_rules()], help="Only this rule (repeatable).",
        )

    def handle(self, *args, today=None, rules=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"--today: {error}") from error
        started = time.perf_counter()
        result = run_review(today=day, rules=rules)
        elapsed = time.perf_counter() - started
        width = max(len(outcome.rule) for outcome in result.rules)
        header = f"{'rule'.ljust(width)}  {'opened':>7}  {'kept':>7}  {'updated':>7}  {'resolved':>8}"
        self.stdout.write(f"Review of {result.day}")
        self.stdout.write(header)
        totals = [0, 0, 0, 0]
        for o in result.rules:
            counts = (o.opened, o.kept, o.updated, o.resolved)
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            self.stdout.write(f"{o.rule.ljust(width)}  {o.opened:>7}  {o.kept:>7}  {o.updated:>7}  {o.resolved:>8}")
        self.stdout.write(
            f"{'total'.ljust(width)}  {totals[0]:>7}  {totals[1]:>7}  {totals[2]:>7}  {totals[3]:>8}"
        )
        self.stdout.write(f"in {elapsed:.2f} s")
