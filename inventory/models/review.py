"""The scheduled review's rows: its thresholds (one row) and its findings (``Flag``).

Thresholds, editable by procurement (one row):

The legal figures (reuse targets, the 10-year age limit of the reuse ratio) stay in
``settings.PROLONGE``: they change with the law, not with local policy. What is local policy
(how early to warn, how much repair is worth it, how long a dismissal holds) lives here, so
that procurement can change it from the "Réglages de la revue" page without a deployment.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .register import Device

SINGLETON_ID = 1
SHARE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class ReviewSettings(models.Model):
    """The one row of review thresholds; defaults are documented in docs/review.md."""

    warranty_days = models.PositiveSmallIntegerField(
        _("warn this many days before the warranty ends"), default=60
    )
    idle_days = models.PositiveSmallIntegerField(
        _("idle in stock or retired for more than (days)"), default=90
    )
    not_seen_months = models.PositiveSmallIntegerField(
        _("in service and not seen by an audit for more than (months)"), default=12,
        validators=[MinValueValidator(1)],
    )
    claim_pickup_days = models.PositiveSmallIntegerField(
        _("reserved and not picked up for more than (days)"), default=30,
        help_text=_("Used until the reuse module provides the claim's own pickup date."),
    )
    extend_years = models.PositiveSmallIntegerField(
        _("extension proposed (years)"), default=2, validators=[MinValueValidator(1)]
    )
    extend_repair_share = models.DecimalField(
        _("healthy: repair costs over 12 months below this share of the replacement price"),
        max_digits=4, decimal_places=2, default=Decimal("0.25"), validators=SHARE_VALIDATORS,
    )
    repair_share = models.DecimalField(
        _("repair rather than replace when the estimate is below this share of a new device"),
        max_digits=4, decimal_places=2, default=Decimal("0.50"), validators=SHARE_VALIDATORS,
    )
    displacement_rate = models.DecimalField(
        _("displacement rate of a repair or a reuse"),
        max_digits=4, decimal_places=2, default=Decimal("0.50"), validators=SHARE_VALIDATORS,
        help_text=_("Share of repaired or reused devices that really avoid buying a new one "
                    "(The Restart Project's method uses 50 %)."),
    )
    min_ram_gb = models.PositiveSmallIntegerField(
        _("suggest a RAM upgrade below (GB)"), default=8
    )
    battery_years = models.PositiveSmallIntegerField(
        _("suggest a new battery from this age (years)"), default=3
    )
    snooze_days = models.PositiveSmallIntegerField(
        _("a dismissed or accepted finding is not raised again for (days)"), default=180
    )
    budget_year_offset = models.PositiveSmallIntegerField(
        _("budget year being prepared (years after the current one)"), default=1,
        help_text=_("Only renewals planned up to that budget year call for an action."),
    )
    repair_stalled_days = models.PositiveSmallIntegerField(
        _("a repair is stalled when open for more than (days)"), default=90,
        validators=[MinValueValidator(1)],
    )
    offer_unclaimed_days = models.PositiveSmallIntegerField(
        _("an offer is unclaimed after (days)"), default=60, validators=[MinValueValidator(1)],
    )
    last_digest_week = models.CharField(max_length=10, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )

    class Meta:
        app_label = "inventory"
        verbose_name = _("review settings")
        verbose_name_plural = _("review settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=SINGLETON_ID), name="reviewsettings_singleton"),
        ]

    def __str__(self):
        return str(_("Review settings"))

    @classmethod
    def current(cls):
        """The thresholds in force: the stored row, or the documented defaults (one query)."""
        return cls.objects.filter(pk=SINGLETON_ID).first() or cls(pk=SINGLETON_ID)


class CategoryReviewSettings(models.Model):
    """Thresholds of one category that override the global ones (empty: the global value)."""

    category = models.OneToOneField(
        "inventory.Category", on_delete=models.CASCADE, related_name="review_settings", verbose_name=_("category")
    )
    idle_days = models.PositiveSmallIntegerField(
        _("idle in stock or retired for more than (days)"), null=True, blank=True
    )
    not_seen_months = models.PositiveSmallIntegerField(
        _("in service and not seen by an audit for more than (months)"), null=True, blank=True,
        validators=[MinValueValidator(1)],
    )
    extend_years = models.PositiveSmallIntegerField(
        _("extension proposed (years)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    battery_years = models.PositiveSmallIntegerField(
        _("suggest a new battery from this age (years)"), null=True, blank=True
    )

    OVERRIDABLE = ("idle_days", "not_seen_months", "extend_years", "battery_years")

    class Meta:
        app_label = "inventory"
        verbose_name = _("category thresholds")
        verbose_name_plural = _("category thresholds")

    def __str__(self):
        return str(self.category)


class Flag(models.Model):
    """A finding of the scheduled review (``inventory.review``). One open flag per (device, rule)."""

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        ACTION = "action", _("Action needed")

    class SavingsKind(models.TextChoices):
        """What a finding's figures are (inventory.review.savings); totals never add two kinds."""

        NONE = "", _("No figure")
        DEFERRED = "deferred", _("Deferred purchase")
        AVOIDED = "avoided", _("Avoided manufacturing")
        REPAIR_COST = "repair_cost", _("Repair cost")

    class Resolution(models.TextChoices):
        OPEN = "", _("Open")
        AUTO = "auto", _("No longer holds")
        ACCEPTED = "accepted", _("Recommendation applied")
        DISMISSED = "dismissed", _("Dismissed")

    # No foreign-key constraint in the database: a flag is derived data, rewritten by every run
    # from the device rows the run has just read, and a device with a journal cannot be deleted
    # (``Event.device`` is PROTECT); Django's ORM still cascades to the flags if code ever does.
    # The constraint's check locks each flagged device row (``FOR KEY SHARE``, a WAL record
    # each): 9 s of a first run at 1M devices (~860k flags), a third of it. The index stays (the device page's flags).
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="flags", verbose_name=_("device"),
                               db_constraint=False)
    # No index of its own: (rule, resolved_at) and the open-flag constraint (device, rule) serve
    # every lookup, and each index costs the review's first run at 1M devices its inserts.
    rule = models.SlugField(_("rule"), max_length=40, db_index=False)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.INFO)
    message = models.TextField(_("message"))
    savings_eur = models.DecimalField(_("savings (€)"), max_digits=12, decimal_places=2, null=True, blank=True)
    savings_kgco2e = models.DecimalField(_("savings (kg CO2e)"), max_digits=12, decimal_places=2, null=True, blank=True)
    # What the two figures are (inventory.review.savings.Kind) and what they were computed from
    # (P, E, delta, L, R, d): the pages print the formula next to the figure.
    savings_kind = models.CharField(
        _("kind of figure"), max_length=12, blank=True, default="", choices=SavingsKind.choices
    )
    savings_inputs = models.JSONField(_("formula inputs"), default=dict, blank=True)
    # A digest of what the message was formatted from (the rule's row and the run's settings,
    # inventory.review.fingerprint): a rerun that finds the same digest keeps the flag without
    # formatting its message again. Null: always formatted (a rule that does not declare it).
    source_digest = models.BigIntegerField(_("source digest"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Indexed only where set (``flag_resolved_by``): the review's first run at 1M devices opens
    # ~860k flags that no person resolved, and an index entry for each cost it time.
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
        db_index=False,
    )
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices, blank=True, default="")
    resolution_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "rule"], condition=Q(resolved_at__isnull=True), name="flag_one_open_per_rule"
            ),
        ]
        indexes = [
            models.Index(fields=["rule", "resolved_at"]),
            models.Index(fields=["resolved_by"], condition=Q(resolved_by__isnull=False), name="flag_resolved_by"),
        ]

    def __str__(self):
        return f"{self.rule} {self.device_id}"
