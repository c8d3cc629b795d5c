"""Read side of the register: querysets with derived values computed in SQL.

Age, book value and embodied footprint are annotations, so lists, filters, exports and
reports aggregate them in the database instead of looping in Python.
"""

from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from .models import Device, Event, Flag, Site

DAYS_PER_YEAR = 365.25


class DaysSince(Func):
    """Days from a date column to a given day, on SQLite and PostgreSQL alike."""

    output_field = FloatField()

    def __init__(self, expression, day, **extra):
        super().__init__(expression, Value(day.isoformat()), **extra)

    def as_sql(self, compiler, connection, **extra):
        column, column_params = compiler.compile(self.source_expressions[0])
        day, day_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            return f"(({day})::date - {column})::double precision", (*day_params, *column_params)
        return f"(julianday({day}) - julianday({column}))", (*day_params, *column_params)


def embodied_expression(prefix=""):
    """kg CO2e: the model's own figure, else its category's default factor (may be NULL)."""
    return Coalesce(
        F(f"{prefix}model__embodied_kgco2e"),
        F(f"{prefix}model__category__embodied_kgco2e"),
        output_field=DecimalField(max_digits=10, decimal_places=2),
    )


def with_derived(queryset, today=None):
    """Annotate ``age_days``, ``age_years``, ``book_value`` and ``embodied_kgco2e``.

    Book value is straight-line over the category's depreciation period, never below zero;
    NULL when the purchase date or price is unknown.
    """
    today = today or timezone.localdate()
    age_days = DaysSince("purchase_date", today)
    depreciation_days = ExpressionWrapper(
        F("model__category__depreciation_years") * DAYS_PER_YEAR, output_field=FloatField()
    )
    remaining_share = Greatest(Value(0.0), Least(Value(1.0), Value(1.0) - age_days / depreciation_days))
    return queryset.annotate(
        age_days=age_days,
        age_years=ExpressionWrapper(age_days / DAYS_PER_YEAR, output_field=FloatField()),
        book_value=Case(
            When(Q(purchase_price__isnull=True) | Q(purchase_date__isnull=True), then=Value(None)),
            default=ExpressionWrapper(
                F("purchase_price") * remaining_share, output_field=DecimalField(max_digits=12, decimal_places=2)
            ),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
        embodied_kgco2e=embodied_expression(),
    )


def device_list(today=None):
    """The device list: one query with everything a row shows."""
    return with_derived(Device.objects.select_related("model", "model__category", "site", "department"), today)


def device_detail(today=None):
    return device_list(today)


def journal(device):
    """The device's events, oldest first, with who did them."""
    return Event.objects.filter(device=device).select_related("actor", "repair").order_by("at", "id")


def open_flags(device):
    return Flag.objects.filter(device=device, resolved_at__isnull=True).order_by("rule")


def site_and_descendants(site):
    return Site.objects.filter(path__startswith=site.path)


def last_event_at(kind):
    """Subquery: the time of the device's latest event of ``kind`` (for rules and reports)."""
    return Subquery(Event.objects.filter(device=OuterRef("pk"), kind=kind).order_by("-at").values("at")[:1])


def book_value_of(device, today=None):
    """Book value of one device in Python (same formula as the annotation)."""
    if device.purchase_price is None or device.purchase_date is None:
        return None
    today = today or timezone.localdate()
    days = (today - device.purchase_date).days
    years = device.model.category.depreciation_years
    share = max(0.0, min(1.0, 1 - days / (years * DAYS_PER_YEAR)))
    return (device.purchase_price * Decimal(str(share))).quantize(Decimal("0.01"))
