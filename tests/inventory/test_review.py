import datetime as dt
import itertools
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from inventory.models import Category, Device, DeviceModel, Event, Flag, Repair, Status
from inventory.review import (
    Rule,
    accept_flags,
    dismiss_flags,
    register_rule,
    run_review,
    update_review_settings,
)
from inventory.review.base import _rules, years_before
from tests.factories import CategoryFactory, DeviceModelFactory
from tests.inventory.review_fleet import (
    EXPECTED,
    TODAY,
    add_repair,
    at,
    build_small_fleet,
    make_device,
    retire_in_journal,
)

pytestmark = pytest.mark.django_db
TARGETS = {2023: 0.25, 2024: 0.35, 2025: 0.50}


@pytest.fixture(autouse=True)
def legal_targets(settings):
    settings.PROLONGE = {**settings.PROLONGE, "REUSE_TARGETS": TARGETS, "REUSE_MAX_AGE_YEARS": 10}


def open_flags_by_rule():
    found = {}
    for rule, tag in Flag.objects.filter(resolved_at__isnull=True).values_list("rule", "device__asset_tag"):
        found.setdefault(rule, set()).add(tag)
    return found


def flag_of(tag, rule):
    return Flag.objects.get(device__asset_tag=tag, rule=rule, resolved_at__isnull=True)


def test_each_rule_flags_exactly_the_expected_devices_including_boundary_days():
    build_small_fleet()

    run_review(today=TODAY)

    assert open_flags_by_rule() == EXPECTED


def test_a_second_run_on_the_same_day_changes_nothing():
    build_small_fleet()
    run_review(today=TODAY)
    before = list(Flag.objects.order_by("pk").values())

    second = run_review(today=TODAY)

    assert not second.changed()
    assert sum(outcome.kept for outcome in second.rules) == sum(len(tags) for tags in EXPECTED.values())
    assert list(Flag.objects.order_by("pk").values()) == before


def test_fixing_a_device_resolves_its_flag_automatically():
    fleet = build_small_fleet()
    run_review(today=TODAY)
    Device.objects.filter(pk=fleet["SEEN-NEVER"].pk).update(last_seen=at(0))
    Device.objects.filter(pk=fleet["WAR-TODAY"].pk).update(warranty_end=TODAY + dt.timedelta(days=365))

    result = run_review(today=TODAY)

    resolved = Flag.objects.filter(resolution=Flag.Resolution.AUTO)
    assert set(resolved.values_list("rule", "device__asset_tag")) == {
        ("not_seen", "SEEN-NEVER"), ("warranty_ending", "WAR-TODAY"),
    }
    assert all(flag.resolved_at is not None for flag in resolved)
    assert {o.rule: o.resolved for o in result.rules}["not_seen"] == 1


def test_a_changed_situation_updates_the_open_flag_in_place():
    fleet = build_small_fleet()
    run_review(today=TODAY)
    flag = flag_of("EXT-PLANNED", "extend")
    Device.objects.filter(pk=fleet["EXT-PLANNED"].pk).update(planned_renewal_year=2028)

    result = run_review(today=TODAY)

    assert {o.rule: o.updated for o in result.rules}["extend"] == 1
    flag.refresh_from_db()
    assert flag.resolved_at is None
    assert "2028" in flag.message


def test_savings_follow_the_documented_formulas():
    build_small_fleet()
    run_review(today=TODAY)

    # extend: 900 € × 2 years ÷ 5-year lifespan; 181 kg × 2 ÷ 5.
    extend = flag_of("EXT-PLANNED", "extend")
    assert (extend.savings_eur, extend.savings_kgco2e) == (Decimal("360.00"), Decimal("72.40"))
    # repair_not_replace: a deferral less the repair: 900 × 2 ÷ 5 − 449.99; 181 × 2 ÷ 5.
    repair = flag_of("RNR-RETIRED", "repair_not_replace")
    assert (repair.savings_eur, repair.savings_kgco2e) == (Decimal("-89.99"), Decimal("72.40"))
    assert repair.savings_kind == "deferred"
    assert repair.savings_inputs == {"P": "900.00", "E": "181.00", "delta": 2, "L": 5, "R": "449.99"}
    # idle in stock: redeployed, it defers a purchase by its planned life left (2 of 5 years
    # served, 3.00 left): 900 × 3 ÷ 5; 181 × 3 ÷ 5.
    idle = flag_of("IDLE-91-DAYS", "idle_stock")
    assert (idle.savings_eur, idle.savings_kgco2e) == (Decimal("540.00"), Decimal("108.60"))
    # A warranty check has no savings figure we could defend.
    warranty = flag_of("WAR-TODAY", "warranty_ending")
    assert (warranty.savings_eur, warranty.savings_kgco2e) == (None, None)


def test_messages_quote_the_figures_behind_the_finding():
    build_small_fleet()
    run_review(today=TODAY)

    message = flag_of("RNR-RETIRED", "repair_not_replace").message
    assert "449,99" in message or "449.99" in message
    assert "900" in message
    assert "49 %" in message
    assert "2027" in flag_of("EXT-PLANNED", "extend").message
    assert "15/05/2026" in flag_of("WAR-DAY-60", "warranty_ending").message


def test_extend_names_the_upgrades_the_model_allows_and_its_specs_point_to():
    laptop = CategoryFactory(slug="laptop")
    old = DeviceModelFactory(category=laptop, has_battery=True, ram_gb=4, storage_kind="HDD",
                             battery_replaceable=True, ram_upgradable=True, storage_upgradable=True)
    sealed = DeviceModelFactory(category=laptop, has_battery=True, ram_gb=4, storage_kind="HDD")
    make_device("UPGRADE", model=old, planned_renewal_year=2027, purchase_date=years_before(TODAY, 3))
    make_device("SEALED", model=sealed, planned_renewal_year=2027, purchase_date=years_before(TODAY, 3))

    run_review(today=TODAY, rules=["extend"])

    message = flag_of("UPGRADE", "extend").message
    sealed_message = flag_of("SEALED", "extend").message
    with translation.override(settings.LANGUAGE_CODE):
        upgrades = [gettext("battery"), gettext("RAM"), gettext("SSD instead of the hard disk")]
        hint = gettext("An upgrade would help: %(upgrades)s.") % {"upgrades": ""}
    assert all(upgrade in message for upgrade in upgrades)
    # A phone or tablet whose parts cannot be changed gets no upgrade hint.
    assert hint.rstrip(".") not in sealed_message


def test_extend_ignores_a_device_whose_last_repair_failed_even_when_planned():
    device = make_device("FAILED", planned_renewal_year=2027)
    add_repair(device, opened=at(10), closed=at(5), outcome=Repair.Outcome.REPAIRABLE)

    run_review(today=TODAY, rules=["extend"])

    assert not Flag.objects.exists()


def test_a_threshold_changed_by_procurement_applies_at_the_next_run(procurement):
    build_small_fleet()
    update_review_settings(actor=procurement, warranty_days=61)

    run_review(today=TODAY, rules=["warranty_ending"])

    assert open_flags_by_rule()["warranty_ending"] == {"WAR-TODAY", "WAR-DAY-60", "NO-WAR-DAY-61"}


def test_reuse_target_flags_just_enough_devices_oldest_retirement_first():
    for i, days in enumerate((300, 500, 400, 200)):
        make_device(f"R-{i}", status=Status.RETIRED, status_changed_at=at(days),
                    purchase_date=dt.date(2019, 1, 1))
    make_device("R-TOO-OLD", status=Status.RETIRED, status_changed_at=at(900),
                purchase_date=years_before(TODAY, 10))

    run_review(today=TODAY, rules=["reuse_target"])

    # 5 retired in stock on 1 January, target 50 %: 3 must go, the oldest retirements under 10 years.
    assert open_flags_by_rule()["reuse_target"] == {"R-1", "R-2", "R-0"}


def test_reuse_target_messages_follow_the_ratio_not_only_their_rows():
    devices = [make_device(f"R-{i}", purchase_date=dt.date(2020, 1, 1)) for i in range(4)]
    for i, device in enumerate(devices):
        retire_in_journal(device, when=at(200 + i))
    run_review(today=TODAY, rules=["reuse_target"])
    before = flag_of("R-3", "reuse_target").message
    assert ": 2). " in before.replace("\xa0", " ")  # still missing: 2 (4 in stock, target 50 %)

    # One is sold this year: same rows for the oldest, another ratio, so their messages change.
    Event.objects.create(device=devices[0], kind=Event.Kind.EXITED, from_status=Status.RETIRED,
                         to_status=Status.SOLD, at=at(5))
    result = run_review(today=TODAY, rules=["reuse_target"])

    assert {o.rule: (o.kept, o.updated) for o in result.rules}["reuse_target"] == (0, 1)
    after = flag_of("R-3", "reuse_target").message
    assert after != before and ": 1). " in after.replace("\xa0", " ")  # one reused, one still missing


@pytest.mark.django_db(transaction=True)
def test_the_ratio_is_computed_beside_the_first_rules_on_postgresql(monkeypatch):
    """Outside a transaction on PostgreSQL, the décret ratio runs on a connection of its own
    while the rules before ``reuse_target`` run; the flags are the same as computed in line."""
    import threading

    from reuse import review_claims

    threads = []

    def recorded(**kwargs):
        threads.append(threading.current_thread().name)
        return review_claims.reuse_ratio.__wrapped__(**kwargs)

    recorded.__wrapped__ = review_claims.reuse_ratio
    monkeypatch.setattr(review_claims, "reuse_ratio", recorded)
    for i, days in enumerate((300, 500, 400, 200)):
        make_device(f"R-{i}", status=Status.RETIRED, status_changed_at=at(days), purchase_date=dt.date(2019, 1, 1))

    run_review(today=TODAY)

    assert open_flags_by_rule()["reuse_target"] == {"R-1", "R-2"}  # 4 in stock, 50 %: the two oldest
    assert len(threads) == 1
    if connection.vendor == "postgresql":
        assert threads[0].startswith("review")
    else:
        assert threads[0] == threading.main_thread().name


@pytest.mark.django_db(transaction=True)
def test_rules_on_their_own_connection_run_beside_the_others_on_postgresql(monkeypatch):
    """Outside a transaction on PostgreSQL, the rules marked ``own_connection`` are shared with a
    worker thread on a second connection; the flags are the same as a run with every rule in
    line (SQLite: always in line)."""
    import threading

    from inventory.review import registered_rules
    from inventory.review.base import ReviewContext

    build_small_fleet()
    monkeypatch.setattr(ReviewContext, "can_work_beside", lambda self: False)
    run_review(today=TODAY)
    in_line = sorted(Flag.objects.values_list("device_id", "rule", "severity", "message", "savings_eur"))
    Flag.objects.all().delete()
    monkeypatch.undo()
    threads = {}
    for rule in registered_rules():
        def recorded(ctx, _rule=rule, _rows=rule.rows):
            threads[_rule.slug] = threading.current_thread().name
            return _rows(ctx)
        monkeypatch.setattr(rule, "rows", recorded)

    result = run_review(today=TODAY)

    assert sorted(Flag.objects.values_list("device_id", "rule", "severity", "message", "savings_eur")) == in_line
    assert [o.rule for o in result.rules] == [rule.slug for rule in registered_rules()]
    main = threading.main_thread().name
    beside = {slug for slug, name in threads.items() if name != main}
    # Which of the shared rules the worker takes depends on timing; never one reading the
    # latest repairs' temporary table of this connection, and none on SQLite.
    assert beside <= {rule.slug for rule in registered_rules() if rule.own_connection}
    assert "extend" not in beside and "repair_not_replace" not in beside
    if connection.vendor != "postgresql":
        assert beside == set()


def test_deleting_a_device_deletes_its_flags_without_a_database_constraint():
    """Flag.device has no constraint in the database (the review's inserts); the ORM cascades."""
    build_small_fleet()
    run_review(today=TODAY)
    device = Device.objects.get(asset_tag="EXT-PLANNED")
    assert Flag.objects.filter(device=device).exists()

    device.delete()

    assert not Flag.objects.filter(device_id=device.pk).exists()


def test_reuse_target_flags_nothing_once_the_target_is_met():
    devices = [make_device(f"R-{i}", purchase_date=dt.date(2020, 1, 1)) for i in range(2)]
    for device in devices:
        retire_in_journal(device, when=at(200))
    Event.objects.create(device=devices[0], kind=Event.Kind.EXITED, from_status=Status.RETIRED,
                         to_status=Status.SOLD, at=at(5))

    run_review(today=TODAY, rules=["reuse_target"])

    assert not Flag.objects.exists()


def test_a_dismissed_finding_is_not_raised_again_before_the_snooze_ends(technician):
    today = timezone.localdate()  # the dismissal is stamped with the real time
    make_device("LOST-1", last_seen=None)
    run_review(today=today, rules=["not_seen"])
    dismiss_flags(flags=Flag.objects.all(), actor=technician, reason="Prêté à la mairie annexe")

    run_review(today=today + dt.timedelta(days=179), rules=["not_seen"])
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()

    run_review(today=today + dt.timedelta(days=181), rules=["not_seen"])
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 1


def test_dismissing_needs_a_reason(technician):
    make_device("LOST-1", last_seen=None)
    run_review(today=TODAY, rules=["not_seen"])

    with pytest.raises(ValidationError) as refused:
        dismiss_flags(flags=Flag.objects.all(), actor=technician, reason="  ")
    assert "reason" in refused.value.message_dict
    assert Flag.objects.get().resolved_at is None


def test_accepting_extend_takes_the_device_off_the_renewal_plan(procurement):
    device = make_device("EXT", planned_renewal_year=2027)
    run_review(today=TODAY, rules=["extend"])

    report = accept_flags(flags=Flag.objects.all(), actor=procurement)

    device.refresh_from_db()
    flag = Flag.objects.get()
    assert report.accepted == 1
    assert device.planned_renewal_year is None
    assert (flag.resolution, flag.resolved_by) == (Flag.Resolution.ACCEPTED, procurement)
    assert Event.objects.filter(device=device, kind=Event.Kind.PLANNED, data__year=None).exists()


def test_accepting_the_idle_stock_finding_offers_nothing_without_an_offer(procurement):
    device = make_device("IDLE", status=Status.RETIRED, status_changed_at=at(400))
    run_review(today=TODAY, rules=["idle_stock"])

    report = accept_flags(flags=Flag.objects.all(), actor=procurement)

    device.refresh_from_db()
    assert report.accepted == 1
    assert device.status == Status.RETIRED
    assert not Event.objects.filter(device=device, to_status=Status.AVAILABLE).exists()


def test_a_recommendation_the_lifecycle_refuses_is_reported_and_the_flag_stays_open(procurement, restore_rules):
    from inventory.review.base import transition_each

    class Offers(Rule):
        slug = "claim_expired"
        label = "Proposer"

        def findings(self, ctx):
            return [self.make(device.pk, "…") for device in Device.objects.filter(asset_tag="GONE")]

        def accept(self, flags, *, actor):
            return transition_each(flags, Status.AVAILABLE, actor=actor, note="")

    register_rule(Offers(), replace=True)
    make_device("GONE", status=Status.RETIRED, status_changed_at=at(40))
    run_review(today=TODAY, rules=["claim_expired"])

    report = accept_flags(flags=Flag.objects.all(), actor=procurement)

    assert report.accepted == 0
    assert list(report.refused) == ["GONE"]
    assert Flag.objects.get().resolved_at is None


def test_another_app_can_replace_the_default_claim_expired_rule(restore_rules):

    class ClaimExpired(Rule):
        slug = "claim_expired"
        label = "Retrait dépassé"

        def findings(self, ctx):
            return [self.make(device.pk, "Le retrait prévu est passé.")
                    for device in Device.objects.filter(asset_tag="CLAIMED")]

    make_device("CLAIMED", status=Status.RESERVED, status_changed_at=at(1))
    register_rule(ClaimExpired(), replace=True)

    run_review(today=TODAY, rules=["claim_expired"])

    assert open_flags_by_rule() == {"claim_expired": {"CLAIMED"}}


def test_registering_a_second_rule_under_a_taken_slug_needs_replace():
    class Other(Rule):
        slug = "not_seen"

    with pytest.raises(ValueError):
        register_rule(Other())


@pytest.fixture
def restore_rules():
    saved = dict(_rules)
    yield
    _rules.clear()
    _rules.update(saved)


def test_a_run_that_dies_half_way_keeps_the_finished_rules_and_the_next_run_completes(restore_rules):
    build_small_fleet()

    class Broken(Rule):
        slug = "broken"

        def findings(self, ctx):
            raise RuntimeError("worker killed")

    first, *others = _rules.values()
    _rules.clear()
    for rule in (first, Broken(), *others):
        register_rule(rule)

    with pytest.raises(RuntimeError):
        run_review(today=TODAY)
    assert open_flags_by_rule() == {"extend": EXPECTED["extend"]}

    del _rules["broken"]
    run_review(today=TODAY)
    assert open_flags_by_rule() == EXPECTED


def test_review_fleet_command_prints_opened_kept_and_resolved_per_rule():
    build_small_fleet()
    out = StringIO()

    call_command("review_fleet", today=TODAY.isoformat(), stdout=out)
    call_command("review_fleet", today=TODAY.isoformat(), stdout=(second := StringIO()))

    lines = {line.split()[0]: line.split()[1:] for line in out.getvalue().splitlines()[2:-1]}
    assert lines["extend"][:4] == ["4", "0", "0", "0"]
    assert lines["total"][0] == str(sum(len(tags) for tags in EXPECTED.values()))
    assert "opened" in out.getvalue() and "resolved" in out.getvalue()
    kept = {line.split()[0]: line.split()[1:] for line in second.getvalue().splitlines()[2:-1]}
    assert kept["not_seen"][:4] == ["0", "2", "0", "0"]


# --- query count does not grow with the fleet --------------------------------------------------

PROFILES = (
    {"planned_renewal_year": 2027},                                       # extend
    {"warranty_end": TODAY + dt.timedelta(days=20)},                      # warranty_ending
    {"status": Status.IN_STOCK, "status_changed_at": at(200)},           # idle_stock
    {"last_seen": None},                                                  # not_seen
    {"status": Status.RESERVED, "status_changed_at": at(60)},            # claim_expired
    {"status": Status.RETIRED, "status_changed_at": at(300)},            # idle_stock, reuse_target
    {"status": Status.RETIRED, "status_changed_at": at(20), "fail": True},  # repair_not_replace
    {},                                                                   # nothing
)


def bulk_fleet(count, start):
    """``count`` devices cycling through PROFILES, created with a few bulk statements."""
    model = DeviceModel.objects.get_or_create(
        manufacturer="Dell", name="Latitude bulk",
        defaults={"category": Category.objects.get_or_create(slug="laptop", defaults={"name": "Laptop"})[0],
                  "reference_price": Decimal("900")},
    )[0]
    devices, failing = [], []
    for number, profile in zip(range(start, start + count), itertools.cycle(PROFILES), strict=False):
        fields = {
            "status": Status.IN_SERVICE, "status_changed_at": at(400), "last_seen": at(3),
            "purchase_date": TODAY - dt.timedelta(days=700), "warranty_end": TODAY - dt.timedelta(days=300),
            "purchase_price": Decimal("1000"),
        }
        fields.update({k: v for k, v in profile.items() if k != "fail"})
        device = Device(asset_tag=f"BULK-{number:06d}", model=model, manufacturer="Dell", **fields)
        devices.append(device)
        if profile.get("fail"):
            failing.append(device)
    Device.objects.bulk_create(devices, batch_size=2000)
    Repair.objects.bulk_create(
        [Repair(device=device, opened_at=at(30), closed_at=at(25), outcome=Repair.Outcome.END_OF_LIFE,
                estimated_cost=Decimal("100"), symptom="écran") for device in failing],
        batch_size=2000,
    )


def test_the_query_count_of_a_run_is_the_same_for_100_and_10000_devices():
    bulk_fleet(100, 0)
    with CaptureQueriesContext(connection) as small:
        run_review(today=TODAY)
    small_flags = Flag.objects.count()

    bulk_fleet(9900, 100)
    with CaptureQueriesContext(connection) as large:
        run_review(today=TODAY)

    assert len(large) == len(small)
    assert Flag.objects.count() > 60 * small_flags
    assert set(Flag.objects.values_list("rule", flat=True)) == set(EXPECTED)
