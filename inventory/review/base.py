"""What a review rule is, the registry of rules, and the context one run shares.

A rule is an object with a stable ``slug`` and a ``findings(ctx)`` method that returns, from a
bounded number of set-based queries, one ``Finding`` per device it flags. Other apps add or
replace rules without inventory importing them: they call ``register_rule()`` from their
``AppConfig.ready()``. (Today the reuse app registers none: ``claim_expired`` is inventory's own rule.)
"""

import calendar
import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.db import connection, connections
from django.db.models import DateField, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext as _

from .. import journal
from ..lifecycle import TransitionRefused, transition
from ..models import CategoryReviewSettings, Event, Flag, ReviewSettings


@dataclass(frozen=True, slots=True)
class Finding:
    """What one rule says about one device."""

    device_id: int
    message: str
    severity: str = Flag.Severity.INFO
    savings_eur: Decimal | None = None
    savings_kgco2e: Decimal | None = None
    savings_kind: str = ""  # inventory.review.savings.Kind
    savings_inputs: dict = field(default_factory=dict)  # P, E, delta, L, R, d
    digest: int | None = None  # of what the message was formatted from (review.fingerprint)

    def with_digest(self, digest):
        """The same finding with its digest (positional: ``dataclasses.replace`` costs 8 µs,
        a tenth of a finding's formatting, over the ~860k findings of a first run at 1M)."""
        return Finding(self.device_id, self.message, self.severity, self.savings_eur, self.savings_kgco2e,
                       self.savings_kind, self.savings_inputs, digest)


class Rule:
    """Base class of review rules; subclasses set the class attributes and ``findings``."""

    slug = ""
    label = ""  # short name in the UI (gettext_lazy)
    recommendation = ""  # what "accept" does (gettext_lazy), the label of its button
    severity = Flag.Severity.INFO
    # What ``finding()`` reads from the run besides its row, the thresholds and the language:
    # names of ``ReviewContext`` attributes (``("today",)``, ``("budget_year",)``, ``()``). A
    # rerun keeps, without formatting it again, a flag whose row and these are unchanged
    # (``review.fingerprint``). None: the finding reads more (a fleet-wide ratio…), always formatted.
    reads = None
    # True: the rule reads nothing the run keeps on its own connection (the latest repairs'
    # temporary table, ``review.latest``), so a run on PostgreSQL may sync it on a second
    # connection, beside the rules that do (``run.run_review``).
    own_connection = False

    def read_values(self, ctx):
        """What the finding reads besides its row, as values for the digest's seed: the ``reads``
        attributes of the context; a rule that reads something else (a fleet-wide figure) adds it."""
        return tuple((name, getattr(ctx, name)) for name in self.reads)

    def prefetch(self, ctx):
        """Called for every rule when a run starts: a rule may start computing, with
        ``ctx.in_background``, a fleet-wide figure it will read (none by default)."""

    def findings(self, ctx):
        """Findings for the whole fleet, from a bounded number of queries (never one per device).

        By default: one ``Finding`` per row of ``rows(ctx)`` (a ``values()`` queryset), built
        by ``finding(row, ctx)`` — a pure function of the row, so that any other evaluation of
        the rule (the benchmark's device-by-device baseline) writes the very same flags.
        """
        return [self.finding(row, ctx) for row in self.rows(ctx)]

    def rows(self, ctx):
        raise NotImplementedError

    def finding(self, row, ctx):
        raise NotImplementedError

    def make(self, device_id, message, severity=None, savings_eur=None, savings_kgco2e=None, *, savings=None):
        """A finding; ``savings`` (an ``inventory.review.savings.Savings``) carries kind and inputs."""
        if savings is not None:
            return Finding(device_id, message, severity or self.severity, savings.eur, savings.kg,
                           savings.kind, dict(savings.inputs))
        return Finding(device_id, message, severity or self.severity, savings_eur, savings_kgco2e)

    def accept(self, flags, *, actor):
        """Apply the recommendation to these open flags' devices.

        Returns ``{flag_id: error message}`` for the flags it could not apply; the others are
        then marked accepted by the caller. The default journals a note on each device.
        """
        journal.record_many(
            journal.event(flag.device_id, Event.Kind.NOTE, actor=actor,
                          note=_("Review finding handled: %(rule)s — %(recommendation)s")
                          % {"rule": self.label, "recommendation": self.recommendation})
            for flag in flags
        )
        return {}

    def snoozed(self, ctx):
        """Devices a person resolved this rule's flag for recently: not raised again yet."""
        return Exists(
            Flag.objects.filter(
                device=OuterRef("pk"), rule=self.slug,
                resolution__in=[Flag.Resolution.ACCEPTED, Flag.Resolution.DISMISSED],
                resolved_at__gte=ctx.snooze_since,
            )
        )


_rules = {}


def register_rule(rule, *, replace=False):
    """Add a rule to the review. ``replace=True`` swaps the rule registered under its slug.

    Idempotent for the same object, so that ``ready()`` may run twice (tests).
    """
    current = _rules.get(rule.slug)
    if current is not None and current is not rule and not replace:
        raise ValueError(f"A review rule {rule.slug!r} is already registered; pass replace=True.")
    _rules[rule.slug] = rule
    return rule


def registered_rules():
    """The rules in the order they run (registration order)."""
    return list(_rules.values())


def get_rule(slug):
    return _rules.get(slug)


def rule_label(slug):
    """The rule's label in the active language (the slug for a rule no longer registered)."""
    rule = get_rule(slug)
    return str(rule.label) if rule else slug


def label_flags(flags):
    """Set ``rule_label`` and ``recommendation`` on each flag (pages and panels show both)."""
    for flag in flags:
        rule = get_rule(flag.rule)
        flag.rule_label = rule.label if rule else flag.rule
        flag.recommendation = rule.recommendation if rule else ""
    return flags


def rule_choices():
    return [(rule.slug, rule.label) for rule in registered_rules()]


def local_date(field):
    """The local date (the authority's time zone) of a datetime column, as messages quote it."""
    return TruncDate(field, output_field=DateField())


def day_start(day):
    """The first instant of ``day`` in the authority's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def months_before(day, months):
    """The same calendar day ``months`` earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def years_before(day, years):
    return months_before(day, 12 * years)


class Formatter:
    """Figures in messages, in the active language, computed once per run (100k rows)."""

    def __init__(self):
        self.thousands = formats.get_format("THOUSAND_SEPARATOR")
        self.decimal = formats.get_format("DECIMAL_SEPARATOR")
        self.date_format = formats.get_format("SHORT_DATE_FORMAT")
        self.zone = timezone.get_current_timezone()
        self._format_day = lru_cache(maxsize=16384)(self._format_day)

    def int(self, value):
        if value is None:
            return "—"
        number = int(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP))
        return f"{number:,}".replace(",", self.thousands)

    def money(self, value):
        """Euros: whole when round, with cents otherwise (449,99 must not read 450)."""
        if value is None:
            return "—"
        value = Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if value == value.to_integral_value():
            return self.int(value)
        whole, cents = f"{value:.2f}".split(".")
        return f"{self.int(Decimal(whole))}{self.decimal}{cents}"

    def pct(self, ratio):
        """A share in whole percent, rounded down (49.99 % is "49 %", under a 50 % threshold)."""
        if ratio is None:
            return "—"
        return self.int((Decimal(ratio) * 100).to_integral_value(ROUND_FLOOR))

    def date(self, value):
        """A date, or an aware datetime's local date, in the short format of the language."""
        if value is None:
            return "—"
        if isinstance(value, dt.datetime):
            value = value.astimezone(self.zone).date()
        return self._format_day(value)

    def _format_day(self, day):
        return dateformat.format(day, self.date_format)


def _on_own_connection(compute):
    """Run ``compute`` in a worker thread, then close the thread's own database connection."""
    try:
        return compute()
    finally:
        connections.close_all()


class ReviewContext:
    """What every rule of one run shares: the day, the thresholds, a formatter."""

    def __init__(self, *, today=None, thresholds=None):
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.thresholds = thresholds or ReviewSettings.current()
        self.fmt = Formatter()
        self.snooze_since = day_start(self.today - dt.timedelta(days=self.thresholds.snooze_days))
        self._memo = {}
        self._background = None

    def memo(self, key, compute):
        """A value computed once per run (labels in the active language, the reuse rate…)."""
        if key not in self._memo:
            self._memo[key] = compute()
        value = self._memo[key]
        if isinstance(value, Future):  # started by ``in_background``: wait for it
            value = self._memo[key] = value.result()
        return value

    def in_background(self, key, compute):
        """Start computing a ``memo`` value now, on a database connection of its own, while the
        rules before its reader run; ``memo(key, …)`` then waits for it.

        Only on PostgreSQL and outside a transaction (a run's rules each commit their own): a
        second connection would not see what an enclosing transaction wrote, and SQLite has one
        writer. Elsewhere the value is computed when first read, as without this call. The
        value must not depend on what the run writes (the décret ratio reads the journal).
        """
        if key in self._memo or not self.can_work_beside():
            return
        self._memo[key] = self.beside(compute)

    def can_work_beside(self):
        """Whether work may go to another connection: only on PostgreSQL and outside a transaction."""
        return connection.vendor == "postgresql" and not connection.in_atomic_block

    def beside(self, compute):
        """Run ``compute`` in a worker thread on a database connection of its own (a Future)."""
        if self._background is None:
            # One worker: what is submitted later (the shared rules) starts once the ratio is done.
            self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review")
        return self._background.submit(_on_own_connection, compute)

    def close(self):
        """Wait for what ``in_background`` started (a run that failed early does not leave it behind)."""
        if self._background is not None:
            self._background.shutdown(wait=True, cancel_futures=True)
            self._background = None

    def days_ago_start(self, days):
        return day_start(self.today - dt.timedelta(days=days))

    @property
    def budget_year(self):
        """The budget year being prepared: renewals up to it call for an action."""
        return self.today.year + self.thresholds.budget_year_offset

    def category_overrides(self):
        """{category id: {threshold: value}} of the per-category thresholds (one query per run)."""
        def load():
            found = {}
            for row in CategoryReviewSettings.objects.values("category_id", *CategoryReviewSettings.OVERRIDABLE):
                values = {name: row[name] for name in CategoryReviewSettings.OVERRIDABLE if row[name] is not None}
                if values:
                    found[row["category_id"]] = values
            return found
        return self.memo("category_overrides", load)

    def threshold(self, name, category_id=None):
        """A threshold for a device of this category: the category's own, else the global one."""
        return self.category_overrides().get(category_id, {}).get(name, getattr(self.thresholds, name))

    def per_category(self, name, condition, prefix="model__category_id"):
        """Q: ``condition(value)`` with each category's own ``name`` threshold (global elsewhere)."""
        overridden = {cid: values[name] for cid, values in self.category_overrides().items() if name in values}
        q = ~Q(**{f"{prefix}__in": list(overridden)}) & condition(getattr(self.thresholds, name))
        for category_id, value in overridden.items():
            q |= Q(**{prefix: category_id}) & condition(value)
        return q


def transition_each(flags, to_status, *, actor, note):
    """Move each flag's device through the lifecycle; refusals are returned, not raised."""
    errors = {}
    for flag in flags:
        try:
            transition(flag.device, to_status, actor=actor, note=note)
        except TransitionRefused as refusal:
            errors[flag.pk] = refusal.message
    return errors
