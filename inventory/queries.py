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
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Least, Round
from django.utils import timezone

from .footprint import DAYS_PER_YEAR, DaysBetween, embodied_expression
from .models import Device, Event, Flag, Site


def with_derived(queryset, today=None):
    """Annotate ``age_days``, ``age_years``, ``book_value`` and ``embodied_kgco2e``.

    Book value is straight-line over the category's depreciation period, never below zero;
    NULL when the purchase date or price is unknown.
    """
    today = today or timezone.localdate()
    age_days = DaysBetween("purchase_date", Value(today))
    depreciation_days = ExpressionWrapper(
        F("model__category__depreciation_years") * DAYS_PER_YEAR, output_field=FloatField()
    )
    remaining_share = Greatest(Value(0.0), Least(Value(1.0), Value(1.0) - age_days / depreciation_days))
    return queryset.annotate(
        age_days=age_days,
        age_years=ExpressionWrapper(age_days / DAYS_PER_YEAR, output_field=FloatField()),
        book_value=Case(
            When(Q(purchase_price__isnull=True) | Q(purchase_date__isnull=True), then=Value(None)),
            # Rounded to cents in SQL: PostgreSQL otherwise returns the product's full precision.
            default=Round(
                Cast(F("purchase_price") * remaining_share, DecimalField(max_digits=14, decimal_places=4)),
                2,
                output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
        embodied_kgco2e=embodied_expression(),
    )


def device_list(today=None):
    """The device list: one query with everything a row shows."""
    return with_derived(Device.objects.select_related("model", "model__category", "site", "department"), today)


def device_rows():
    """Devices with nothing joined or computed: what a count of the filtered list needs."""
    return Device.objects.all()


def device_detail(today=None):
    return device_list(today)


def journal(device):
    """The device's events, oldest first, with who did them."""
    return Event.objects.filter(device=device).select_related("actor", "repair").order_by("at", "id")


def journal_latest_first(device):
    """The device's events, latest first (the device page pages through them)."""
    return Event.objects.filter(device=device).select_related("actor", "repair").order_by("-at", "-id")


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


def fleet_footprint(today=None):
    """The fleet in use (in stock, in service, in repair): devices, embodied kg CO2e, and kg CO2e
    per year (each device's embodied ÷ its years served), in one query. Devices without a
    footprint are counted in ``unknown`` and left out of both sums (never counted as 0)."""
    from django.db.models import Count, Sum

    from .footprint import with_footprint

    in_use = Device.objects.filter(status__in=["in_stock", "in_service", "in_repair"])
    totals = with_footprint(in_use, today=today, extension_years=1, displacement=0).aggregate(
        devices=Count("id"), embodied=Sum("embodied_kgco2e"), annualised=Sum("annualised_kgco2e"),
        unknown=Count("id", filter=Q(embodied_kgco2e__isnull=True)),
    )
    return totals
