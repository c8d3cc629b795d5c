import datetime as dt
import random

import pytest

from inventory.models import Device
from reports import at_exit, lifespans
from tests.factories import CategoryFactory, DeviceModelFactory

from .fleet import device, laptop_model

D = dt.date
AS_OF = D(2025, 12, 31)


@pytest.fixture
def five_laptops(db):
    """Two retirements, one loss and two devices still in service (censored)."""
    model = laptop_model()
    device(D(2020, 1, 1), (D(2021, 1, 1), "retired"), model=model)  # 366 days, exit
    device(D(2020, 1, 1), (D(2022, 1, 1), "retired"), (D(2022, 3, 1), "recycled"), model=model)  # 731
    device(D(2020, 1, 1), model=model)  # 2191, censored
    device(D(2020, 1, 1), (D(2023, 1, 1), "lost"), model=model)  # 1096, exit
    device(D(2024, 1, 1), model=model)  # 730, censored
    return model


def test_kaplan_meier_median_of_a_hand_built_fleet(five_laptops):
    curve = lifespans.survival(as_of=AS_OF)
    assert (curve.devices, curve.exits, curve.censored) == (5, 3, 2)
    assert curve.times == [366, 731, 1096]
    assert curve.survival == pytest.approx([0.8, 0.8 * 2 / 3, 0.8 * 2 / 3 / 2])
    # Median over exited devices only would say 731 days; censoring moves it to 1,096.
    assert curve.median_days == 1096
    assert curve.median_years == pytest.approx(1096 / 365.25)


def test_numbers_at_risk_by_whole_year(five_laptops):
    curve = lifespans.survival(as_of=AS_OF)
    assert curve.at_risk_by_year[:7] == [(0, 5), (1, 5), (2, 3), (3, 2), (4, 1), (5, 1), (6, 0)]


def test_a_redeployed_device_exited_at_its_first_retirement(db):
    device(D(2020, 1, 1), (D(2021, 1, 1), "retired"), (D(2021, 2, 1), "in_stock"), (D(2021, 3, 1), "in_service"))
    rows = lifespans.duration_counts(as_of=AS_OF)
    assert rows == [(None, None, 366, 1, 1)]


def test_as_of_ignores_later_exits(db):
    device(D(2020, 1, 1), (D(2026, 6, 1), "retired"))
    assert lifespans.duration_counts(as_of=AS_OF) == [(None, None, 2191, 0, 1)]


def test_imported_exit_without_journal_uses_the_status_date(db):
    made = device(D(2020, 1, 1))
    Device.objects.filter(pk=made.pk).update(status="recycled", status_changed_at=lifespans.cutoff_start(D(2022, 1, 1)))
    assert lifespans.duration_counts(as_of=AS_OF)[0][2:] == (732, 1, 1)


def test_use_date_before_purchase_date(db):
    device(D(2020, 1, 1), (D(2020, 1, 11), "lost"), purchase_date=D(2019, 1, 1))
    assert lifespans.duration_counts(as_of=AS_OF)[0][2:] == (10, 1, 1)


def test_groups_below_the_minimum_sample_are_not_ranked(five_laptops):
    other = DeviceModelFactory(category=five_laptops.category)
    device(D(2020, 1, 1), (D(2020, 6, 1), "retired"), model=other)
    ranking = lifespans.model_ranking(as_of=AS_OF, minimum=5)
    assert [[c.key for c in group["models"]] for group in ranking] == [[five_laptops.pk]]
    assert ranking[0]["models"][0].devices == 5


def test_survival_by_category_costs_one_query(five_laptops, django_assert_num_queries):
    desktops = DeviceModelFactory(category=CategoryFactory(slug="desktop"))
    device(D(2020, 1, 1), model=desktops)
    with django_assert_num_queries(1):
        curves = lifespans.survival_by("category", as_of=AS_OF, minimum=1)
    assert [(c.key, c.devices) for c in curves] == [("laptop", 5), ("desktop", 1)]


def test_age_pyramid_counts_devices_in_use_by_age(five_laptops):
    pyramid = lifespans.age_pyramid(as_of=AS_OF, max_years=5)
    assert pyramid["rows"] == [{"slug": "laptop", "category": "Laptop", "counts": [0, 1, 0, 0, 0, 1], "total": 2}]


def test_lifespans_at_exit_of_a_year(five_laptops):
    assert lifespans.lifespans_at_exit(2022) == {
        "devices": 1,
        "mean_years": pytest.approx(731 / 365.25),
        "median_years": pytest.approx(731 / 365.25),
    }


def test_lifespan_against_repairability(db):
    good = laptop_model(repairability_index="8.5")
    bad = laptop_model(repairability_index="3.0")
    for _ in range(2):
        device(D(2020, 1, 1), (D(2021, 1, 1), "retired"), model=bad)
        device(D(2020, 1, 1), (D(2024, 1, 1), "retired"), model=good)
    rows = lifespans.lifespan_vs_repairability(as_of=AS_OF, minimum=2)
    assert [(str(r["index"]), round(r["median_years"], 2), r["devices"]) for r in rows] == [
        ("3.0", 1.0, 2),
        ("8.5", 4.0, 2),
    ]


def test_kaplan_meier_matches_lifelines_on_a_censored_fleet():
    lifelines = pytest.importorskip("lifelines")
    rng = random.Random(11)
    durations, observed = [], []
    for _ in range(400):
        life = int(rng.weibullvariate(1500, 2.2))
        follow_up = rng.randint(200, 3000)
        durations.append(min(life, follow_up))
        observed.append(1 if life <= follow_up else 0)
    ours = lifespans.kaplan_meier([(d, e, 1) for d, e in zip(durations, observed, strict=True)])
    theirs = lifelines.KaplanMeierFitter().fit(durations, observed)
    sf = theirs.survival_function_["KM_estimate"]
    ci = theirs.confidence_interval_
    for time, s, low, high in zip(ours.times, ours.survival, ours.lower, ours.upper, strict=True):
        assert s == pytest.approx(sf.loc[time], abs=1e-9)
        assert low == pytest.approx(ci.loc[time].iloc[0], abs=1e-6)
        assert high == pytest.approx(ci.loc[time].iloc[1], abs=1e-6)
    assert ours.median_days == theirs.median_survival_time_
    from lifelines.utils import median_survival_times

    low, high = median_survival_times(theirs.confidence_interval_).iloc[0]
    assert (ours.median_lower_days, ours.median_upper_days) == (low, high)


def test_lifespans_at_exit_per_exit_year_by_group(five_laptops, django_assert_num_queries):
    desktops = DeviceModelFactory(category=CategoryFactory(slug="desktop", name="Desktop"))
    device(D(2019, 1, 1), (D(2022, 1, 1), "retired"), model=desktops)  # 1096 days, exit 2022
    device(D(2021, 1, 1), (D(2022, 1, 1), "lost"), model=desktops)  # 365 days, exit 2022
    device(D(2020, 1, 1), (D(2023, 7, 1), "retired"), model=desktops)  # 1277 days, exit 2023
    device(D(2020, 1, 1), (D(2026, 1, 5), "retired"), model=desktops)  # after the span: not counted
    with django_assert_num_queries(1):
        table = at_exit.lifespans_at_exit_by("category", years=range(2021, 2024), minimum=1)
    assert table["years"] == [2021, 2022, 2023]
    cells = {row["key"]: [(c["devices"], c["median_years"], c["mean_years"]) for c in row["cells"]]
             for row in table["rows"]}
    y = 365.25
    assert cells == {
        # five_laptops: 366 days (exit 2021), 731 (first exit 2022, recycled later), 1096 (lost 2023).
        "laptop": [(1, pytest.approx(366 / y), pytest.approx(366 / y)),
                   (1, pytest.approx(731 / y), pytest.approx(731 / y)),
                   (1, pytest.approx(1096 / y), pytest.approx(1096 / y))],
        # Lower median of (365, 1096) is 365; mean 730.5.
        "desktop": [(0, None, None),
                    (2, pytest.approx(365 / y), pytest.approx(730.5 / y)),
                    (1, pytest.approx(1277 / y), pytest.approx(1277 / y))],
    }
    assert [row["key"] for row in table["rows"]] == ["desktop", "laptop"]  # most exits first
    # The groups of a year add up to the whole-fleet figure of that year.
    assert sum(row["cells"][1]["devices"] for row in table["rows"]) == lifespans.lifespans_at_exit(2022)["devices"]
    small = at_exit.lifespans_at_exit_by("category", years=[2021, 2022, 2023], minimum=4)
    assert [row["key"] for row in small["rows"]] == []


def test_lifespans_at_exit_of_several_years_in_one_query(five_laptops, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_year = at_exit.lifespans_at_exit_by_year(range(2020, 2024))
    assert by_year == {year: lifespans.lifespans_at_exit(year) for year in range(2020, 2024)}
    assert [by_year[year]["devices"] for year in range(2020, 2024)] == [0, 1, 1, 1]


@pytest.mark.parametrize("by", list(lifespans.GROUPINGS))
def test_whole_fleet_curve_from_the_grouped_rows(five_laptops, by):
    # The lifespans page adds the groups' rows up instead of a second pass over the fleet.
    device(D(2021, 1, 1), (D(2021, 6, 1), "retired"), model=DeviceModelFactory(), supplier="Other")
    counts = lifespans.duration_counts(as_of=AS_OF, by=by)
    assert lifespans.kaplan_meier([(d, e, n) for _, _, d, e, n in counts]) == lifespans.survival(as_of=AS_OF)
