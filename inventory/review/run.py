"""``run_review()``: every rule, one transaction each, a fixed number of queries each."""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation

from . import fingerprint, latest
from .base import ReviewContext, Rule, get_rule, registered_rules
from .sync import sync_flags


@dataclass(frozen=True)
class RuleOutcome:
    rule: str
    opened: int
    kept: int
    updated: int
    resolved: int


@dataclass(frozen=True)
class ReviewResult:
    day: str
    rules: list

    def as_dict(self):
        """A JSON-friendly summary (the Celery task's result)."""
        return {"day": self.day, "rules": [asdict(outcome) for outcome in self.rules]}

    def changed(self):
        return any(o.opened or o.updated or o.resolved for o in self.rules)


def run_review(*, today=None, rules=None):
    """Run the review over the whole fleet and bring the open flags up to date.

    ``today`` (a date) freezes the day the rules compare with (tests, replays); ``rules`` limits
    the run to some slugs. Each rule runs in its own transaction: a run that dies half way
    leaves every rule's flags either fully updated or untouched, and the next run completes
    them. Idempotent: a second run on the same day changes nothing. Messages are written in
    the site's language (``LANGUAGE_CODE``), whoever triggers the run.
    """
    selected = registered_rules() if rules is None else [get_rule(slug) for slug in rules]
    if None in selected:
        raise ValueError(f"Unknown review rule in {rules!r}.")
    outcomes = []
    with translation.override(settings.LANGUAGE_CODE):
        ctx = ReviewContext(today=today)
        try:
            for rule in selected:
                rule.prefetch(ctx)  # the décret ratio, computed while the first rules run
            with latest.materialised(ctx):  # each device's latest repair, once for every rule
                for rule in selected:
                    with transaction.atomic():
                        _plan_for_whole_result()
                        counts = _sync_rule(rule, ctx)
                    outcomes.append(RuleOutcome(rule=rule.slug, **counts))
        finally:
            ctx.close()
    return ReviewResult(day=ctx.today.isoformat(), rules=outcomes)


def _plan_for_whole_result():
    """Rows are read through a server-side cursor, which PostgreSQL plans for the first 10 %
    of the rows (nested loops, per-row subqueries); the review reads them all.

    Nested loops are also turned off for the rule's transaction: a rule's many filters make
    PostgreSQL expect a handful of rows, and a nested loop over the open flags (or the latest
    repairs) then costs rows × rows — 7 s instead of 0.18 s for ``extend`` at 20k devices.
    Every query of a rule reads a large share of the fleet: hash joins are what it needs.

    And PostgreSQL's JIT is off: the rules' queries pass ``jit_above_cost``, and compiling them
    cost more than running them (the décret ratio's stock query at 100k devices: 0.43 s of JIT
    for 0.33 s of execution), as for the reports (``reports.db.without_jit``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0; SET LOCAL enable_nestloop = off; "
                           "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")


def _sync_rule(rule, ctx):
    """Bring one rule's open flags in line with its findings (inside the rule's transaction)."""
    rows = None if type(rule).findings is not Rule.findings else rule.rows(ctx)
    seed = fingerprint.basis(rule, ctx) if hasattr(rows, "iterator") else None
    if seed is not None and not rows.query.is_sliced:
        rows = rows.order_by()  # the flags do not care in which order the rows come
    split = fingerprint.materialise(rows, seed, rule.slug) if seed is not None else None
    if split is None:
        return sync_flags(rule.slug, stream_findings(rule, ctx, rows), now=ctx.now)
    try:
        return sync_flags(rule.slug, _formatted(rule, split.changed(), ctx), now=ctx.now, kept=split.kept)
    finally:
        split.drop()


def _formatted(rule, rows, ctx):
    for row in rows:
        digest = row.pop(fingerprint.DIGEST)
        del row[fingerprint.STORED]
        yield rule.finding(row, ctx).with_digest(digest)


def stream_findings(rule, ctx, rows=None):
    """The rule's findings as a stream, its rows read in chunks without an ORDER BY.

    A rule that overrides ``findings()`` gives its own iterable; the default ``findings()``
    (a list) is bypassed so that memory stays flat whatever the fleet. (A rule with a digest
    does not come here: ``_sync_rule`` computes its rows once in a temporary table and formats
    only the rows whose digest changed, ``fingerprint.Materialised``.)
    """
    if type(rule).findings is not Rule.findings:
        return rule.findings(ctx)
    rows = rule.rows(ctx) if rows is None else rows
    if not hasattr(rows, "iterator"):
        return (rule.finding(row, ctx) for row in rows)
    if not rows.query.is_sliced:
        rows = rows.order_by()  # the flags do not care in which order the rows come
    return (rule.finding(row, ctx) for row in rows.iterator(chunk_size=5000))
