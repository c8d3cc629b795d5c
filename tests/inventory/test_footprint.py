import csv
import datetime as dt
from decimal import Decimal

import pytest

from inventory import footprint
from inventory.models import Device, Status
from tests.factories import CategoryFactory, DeviceFactory, DeviceModelFactory

# DOMAIN.md §5: NegaOctet figures as Boavizta distributes them in boaviztapi 2.5.0 (GWP column).
DOCUMENTED = {
    "laptop": Decimal("181"), "desktop": Decimal("277"), "monitor": Decimal("64.7"),
    "smartphone": Decimal("84.0"), "tablet": Decimal("75.9"), "server": Decimal("3660"),
    "television": Decimal("152"), "internet-box": Decimal("36.1"), "external-ssd": Decimal("109"),
    "external-hdd": Decimal("15.8"), "usb-stick": Decimal("6.25"), "printer": None, "network": None,
}


def file_rows():
    with footprint.FACTORS_FILE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_data_file_holds_the_documented_factors_with_their_source_and_date():
    rows = file_rows()

    assert {row["category"]: (Decimal(row["kgco2e"]) if row["kgco2e"] else None) for row in rows} == DOCUMENTED
    dataset = footprint.DATASETS["negaoctet"]
    assert "boaviztapi 2.5.0" in dataset.source and "Boavizta" in dataset.label
    assert "ADEME Base Empreinte" not in dataset.label and "2018" in dataset.vintage
    assert isinstance(dataset.retrieved, dt.date)


# DOMAIN.md §5: the ADEME–Arcep 2022 study (manufacturing + distribution + end of life).
ADEME_2022 = {
    "laptop": Decimal("185.4"), "desktop": Decimal("211.0"), "monitor": Decimal("69.8"),
    "smartphone": Decimal("85.3"), "tablet": Decimal("60.1"), "internet-box": Decimal("63.0"),
    "external-hdd": Decimal("11.9"), "usb-stick": Decimal("2.9"),
}


def test_the_ademe_2022_study_is_a_second_selectable_data_set(settings):
    ademe = footprint.factors(footprint.DATASETS["ademe2022"])
    assert {slug: f.kgco2e for slug, f in ademe.items() if f.kgco2e is not None} == ADEME_2022
    assert ademe["server"].kgco2e is None

    settings.PROLONGE = {**settings.PROLONGE, "FOOTPRINT_DATASET": "ademe2022"}
    assert footprint.category_factor("laptop") == Decimal("185.4")
    settings.PROLONGE = {**settings.PROLONGE, "FOOTPRINT_DATASET": "negaoctet"}
    assert footprint.category_factor("laptop") == Decimal("181")


def test_printers_and_network_gear_have_no_invented_figure_and_say_why():
    factors = footprint.factors()

    for slug in ("printer", "network"):
        assert factors[slug].kgco2e is None
        assert "left empty" in factors[slug].note


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(DOCUMENTED))
def test_each_category_gets_the_figure_of_the_data_file_in_python_and_in_sql(slug):
    category = CategoryFactory(slug=slug, embodied_kgco2e=None)
    device = DeviceFactory(model=DeviceModelFactory(category=category))

    annotated = footprint.with_footprint(Device.objects.filter(pk=device.pk)).get()

    assert footprint.embodied_kgco2e(device) == DOCUMENTED[slug]
    assert annotated.embodied_kgco2e == DOCUMENTED[slug]


@pytest.mark.django_db
def test_the_model_figure_wins_over_the_category_which_wins_over_the_file():
    category = CategoryFactory(slug="laptop", embodied_kgco2e=Decimal("200"))
    own = DeviceFactory(model=DeviceModelFactory(category=category, embodied_kgco2e=Decimal("150")))
    default = DeviceFactory(model=DeviceModelFactory(category=category))

    figures = dict(footprint.with_footprint(Device.objects.all()).values_list("pk", "embodied_kgco2e"))

    assert (footprint.embodied_kgco2e(own), figures[own.pk]) == (Decimal("150"), Decimal("150"))
    assert (footprint.embodied_kgco2e(default), figures[default.pk]) == (Decimal("200"), Decimal("200"))


def test_without_the_optional_boavizta_package_there_is_no_boavizta_figure():
    try:
        import boaviztapi  # noqa: F401
    except ImportError:
        assert footprint.boavizta_embodied("laptop") is None
    else:  # pragma: no cover - only where the extra is installed
        assert footprint.boavizta_embodied("laptop") > 0


def test_extension_avoids_the_share_of_a_manufacturing_it_postpones():
    # Keeping a 181 kg laptop (5-year lifespan) 2 more years avoids 2/5 of a new one.
    assert footprint.extension_avoided_kgco2e(Decimal("181"), 2, 5) == Decimal("72.40")
    assert footprint.extension_saved_eur(Decimal("900"), 2, 5) == Decimal("360.00")
    # Never more than one whole device, whatever the extension.
    assert footprint.extension_avoided_kgco2e(Decimal("181"), 9, 5) == Decimal("181.00")


def test_a_repair_or_a_reuse_avoids_the_displaced_share_of_a_new_device():
    assert footprint.reuse_avoided_kgco2e(Decimal("181"), Decimal("0.5")) == Decimal("90.50")


def test_annualised_footprint_spreads_the_embodied_figure_over_the_years_served():
    served = footprint.years_served(dt.date(2020, 1, 1), dt.date(2025, 1, 1))

    assert served == Decimal(1827) / Decimal("365.25")
    assert footprint.annualised_kgco2e(Decimal("181"), served) == Decimal("36.19")
    # A device younger than a year is charged one full year, not a multiple of its footprint.
    assert footprint.years_served(dt.date(2025, 1, 1), dt.date(2025, 3, 1)) == 1


@pytest.mark.django_db
def test_sql_annotations_match_the_python_formulas():
    laptop = CategoryFactory(slug="laptop", embodied_kgco2e=None, planned_lifespan_years=5)
    in_use = DeviceFactory(model=DeviceModelFactory(category=laptop), purchase_date=dt.date(2020, 1, 1))
    retired = DeviceFactory(model=DeviceModelFactory(category=laptop), purchase_date=dt.date(2016, 1, 1),
                            status=Status.RETIRED,
                            status_changed_at=dt.datetime(2022, 1, 1, 12, tzinfo=dt.UTC))

    rows = {
        row.pk: row for row in footprint.with_footprint(
            Device.objects.all(), today=dt.date(2025, 1, 1), extension_years=2, displacement=Decimal("0.5")
        )
    }

    assert rows[in_use.pk].years_served == pytest.approx(1827 / 365.25)
    assert rows[retired.pk].years_served == pytest.approx(2192 / 365.25)  # service ended in 2022
    assert rows[in_use.pk].annualised_kgco2e == pytest.approx(181 / (1827 / 365.25))
    assert rows[in_use.pk].extension_avoided_kgco2e == pytest.approx(72.4)
    assert rows[in_use.pk].reuse_avoided_kgco2e == pytest.approx(90.5)


@pytest.mark.django_db
def test_the_device_page_footprint_is_annualised_and_warns_for_a_server_on_its_category_default():
    server = CategoryFactory(slug="server", embodied_kgco2e=None, planned_lifespan_years=7)
    today = dt.date(2026, 3, 16)
    default = DeviceFactory(model=DeviceModelFactory(category=server), purchase_date=dt.date(2022, 3, 16),
                            status=Status.IN_SERVICE)
    measured = DeviceFactory(model=DeviceModelFactory(category=server, embodied_kgco2e=Decimal("900")),
                             purchase_date=dt.date(2022, 3, 16), status=Status.IN_SERVICE)

    first = footprint.device_footprint(default, today)
    second = footprint.device_footprint(measured, today)

    # 3,660 kg (NegaOctet server row) over 1,461 days = 4.0 years: 3660 / 4.0 = 915.00 kg a year.
    assert (first["embodied"], first["origin"], first["server_default"]) == (Decimal("3660"), "dataset", True)
    assert first["annualised"] == Decimal("915.00")
    # 900 kg of the model's own figure: no warning; 900 / 4.0 = 225.00.
    assert (second["server_default"], second["annualised"]) == (False, Decimal("225.00"))
