"""``run_review()``: every rule, one transaction each, a fixed number of queries each."""

import threading
from collections import deque
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
    them. On PostgreSQL, the rules marked ``own_connection`` are shared with a worker on a
    second connection (each still in its own transaction). Idempotent: a second run on the same
    day changes nothing. Messages are written in the site's language (``LANGUAGE_CODE``), whoever triggers the run.
    """
    selected = registered_rules() if rules is None else [get_rule(slug) for slug in rules]
    if None in selected:
        raise ValueError(f"Unknown review rule in {rules!r}.")
    with translation.override(settings.LANGUAGE_CODE):
        ctx = ReviewContext(today=today)
        try:
            for rule in selected:
                rule.prefetch(ctx)  # the décret ratio, computed while the first rules run
            # The rules that read nothing of this connection's temporary tables are shared with a
            # worker on a second connection (queued behind the décret ratio, if it is computing):
            # whichever is free takes the next one, so PostgreSQL works on two cores (a first run
            # at 1M devices spends ~75 % of its time in the database) and a rerun, whose rules
            # take about as long as the ratio, waits for neither.
            shared = Shared([rule for rule in selected if rule.own_connection] if ctx.can_work_beside() else [])
            side = ctx.beside(lambda: _sync_rules(shared, ctx)) if shared else None
            with latest.materialised(ctx):  # each device's latest repair, once for every rule
                counts = _sync_rules([rule for rule in selected if rule not in shared], ctx)
                counts.update(_sync_rules(shared, ctx))
            if side is not None:
                counts.update(side.result())
        finally:
            ctx.close()
    return ReviewResult(day=ctx.today.isoformat(),
                        rules=[RuleOutcome(rule=rule.slug, **counts[rule.slug]) for rule in selected])


class Shared:
    """Rules two threads take one at a time (iterating takes the next one not yet taken)."""

    def __init__(self, rules):
        self.rules = list(rules)
        self._pending = deque(self.rules)
        self._lock = threading.Lock()

    def __bool__(self):
        return bool(self.rules)

    def __contains__(self, rule):
        return rule in self.rules

    def __iter__(self):
        while True:
            with self._lock:
                if not self._pending:
                    return
                rule = self._pending.popleft()
            yield rule


def _sync_rules(rules, ctx):
    """Each rule in its own transaction, in order; {slug: counts}."""
    counts = {}
    with translation.override(settings.LANGUAGE_CODE):  # a worker thread has its own language
        for rule in rules:
            with transaction.atomic():
                _plan_for_whole_result()
                counts[rule.slug] = _sync_rule(rule, ctx)
    return counts


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
        return sync_flags(rule.slug, _formatted(rule, split.situations(), ctx), now=ctx.now, rows=split)
    finally:
        split.drop()


def _formatted(rule, rows, ctx):
    """One finding per situation (its digest the key: its ``device_id`` is the example row's)."""
    for row in rows:
        digest = row.pop(fingerprint.DIGEST)
        del row[fingerprint.STORED]
        yield rule.finding(row, ctx).with_digest(digest)


def stream_findings(rule, ctx, rows=None):
    """The rule's findings as a stream, its rows read in chunks without an ORDER BY.

    A rule that overrides ``findings()`` gives its own iterable; the default ``findings()``
    (a list) is bypassed so that memory stays flat whatever the fleet. (A rule with a digest
    does not come here: ``_sync_rule`` computes its rows once in a temporary table and formats
    one row per situation among those whose digest changed, ``fingerprint.Materialised``.)
    """
    if type(rule).findings is not Rule.findings:
        return rule.findings(ctx)
    rows = rule.rows(ctx) if rows is None else rows
    if not hasattr(rows, "iterator"):
        return (rule.finding(row, ctx) for row in rows)
    if not rows.query.is_sliced:
        rows = rows.order_by()  # the flags do not care in which order the rows come
    return (rule.finding(row, ctx) for row in rows.iterator(chunk_size=5000))
