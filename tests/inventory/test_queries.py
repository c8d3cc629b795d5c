"""inventory.queries: derived values computed in SQL, the same on SQLite and PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from inventory import queries
from inventory.models import Device
from tests.factories import CategoryFactory, DeviceFactory, DeviceModelFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 30)
CENT = Decimal("0.01")


def _derived(device, today=TODAY):
    return queries.with_derived(Device.objects.filter(pk=device.pk), today).get()


def _device(*, age_days=0, price="1461.00", depreciation_years=4, **fields):
    category = CategoryFactory(slug=f"dep{depreciation_years}", depreciation_years=depreciation_years)
    fields.setdefault("purchase_date", TODAY - dt.timedelta(days=age_days))
    return DeviceFactory(model=DeviceModelFactory(category=category),
                         purchase_price=Decimal(price) if price is not None else None, **fields)


def test_age_is_counted_in_days_and_years_from_the_purchase_date():
    device = _derived(_device(age_days=730))

    assert device.age_days == pytest.approx(730)
    assert device.age_years == pytest.approx(730 / 365.25)


def test_book_value_falls_in_a_straight_line_over_the_depreciation_period():
    # 4 years = 1461 days: after 487 days a third of the value is gone.
    assert _derived(_device(age_days=487, price="1461.00")).book_value == pytest.approx(Decimal("974.00"), abs=CENT)


def test_book_value_never_falls_below_zero():
    assert _derived(_device(age_days=3000)).book_value == 0


def test_book_value_never_exceeds_the_price_for_a_purchase_after_the_reference_day():
    assert _derived(_device(purchase_date=TODAY + dt.timedelta(days=30))).book_value == pytest.approx(
        Decimal("1461.00"), abs=CENT)


def test_book_value_is_unknown_without_a_price():
    assert _derived(_device(age_days=100, price=None)).book_value is None


def test_book_value_is_unknown_without_a_purchase_date():
    assert _derived(_device(purchase_date=None)).book_value is None


@pytest.mark.parametrize("age_days", [0, 1, 100, 365, 487, 1000, 1460, 1461, 1462, 4000])
@pytest.mark.parametrize("depreciation_years", [1, 3, 5])
def test_book_value_annotation_agrees_with_the_python_formula(age_days, depreciation_years):
    device = _device(age_days=age_days, price="1234.56", depreciation_years=depreciation_years)

    annotated = _derived(device).book_value

    assert annotated == pytest.approx(queries.book_value_of(device, TODAY), abs=CENT)


def test_embodied_footprint_comes_from_the_category_by_default():
    category = CategoryFactory(slug="monitor", embodied_kgco2e=Decimal("64.7"))
    device = DeviceFactory(model=DeviceModelFactory(category=category, embodied_kgco2e=None))

    assert _derived(device).embodied_kgco2e == pytest.approx(Decimal("64.7"))


def test_a_models_own_footprint_beats_its_categorys():
    category = CategoryFactory(slug="laptop", embodied_kgco2e=Decimal("181"))
    device = DeviceFactory(model=DeviceModelFactory(category=category, embodied_kgco2e=Decimal("150")))

    assert _derived(device).embodied_kgco2e == pytest.approx(Decimal("150"))


def test_embodied_footprint_is_unknown_when_no_factor_is_published():
    printer = CategoryFactory(slug="printer", embodied_kgco2e=None, carries_storage=False)
    device = DeviceFactory(model=DeviceModelFactory(category=printer, embodied_kgco2e=None))

    assert _derived(device).embodied_kgco2e is None


def test_derived_values_aggregate_in_the_database():
    category = CategoryFactory(slug="laptop", embodied_kgco2e=Decimal("181"))
    DeviceFactory(model=DeviceModelFactory(category=category, embodied_kgco2e=None))
    DeviceFactory(model=DeviceModelFactory(category=category, embodied_kgco2e=Decimal("150")))

    totals = queries.with_derived(Device.objects.all(), TODAY).aggregate(kg=Sum("embodied_kgco2e"))

    assert totals["kg"] == pytest.approx(Decimal("331"))


def test_derived_values_can_filter_and_order_a_list():
    old, young = _device(age_days=2000), _device(age_days=100)

    rows = queries.with_derived(Device.objects.all(), TODAY).filter(book_value__gt=0).order_by("-age_days")

    assert list(rows) == [young]
    assert list(queries.with_derived(Device.objects.all(), TODAY).order_by("-age_days")) == [old, young]


def test_the_device_list_reads_rows_and_their_relations_in_one_query(django_assert_num_queries):
    for _ in range(5):
        DeviceFactory()

    with django_assert_num_queries(1):
        rows = [(d.model.category.name, d.model.manufacturer, d.site.full_name, d.department.name, d.book_value)
                for d in queries.device_list(TODAY)]

    assert len(rows) == 5
