"""A small fleet with known ages, repairs, warranties and sightings, shared by the review tests."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from inventory.models import Device, Event, Repair, Status
from inventory.review.base import years_before
from tests.factories import CategoryFactory, DeviceFactory, DeviceModelFactory

TODAY = dt.date(2026, 3, 16)


def at(days_ago, hour=12, minute=0):
    """An aware datetime ``days_ago`` days before TODAY, at local ``hour``:``minute``."""
    day = TODAY - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def make_device(tag, **fields):
    """A healthy in-service laptop nobody would flag, unless ``fields`` say otherwise."""
    defaults = {
        "asset_tag": tag, "status": Status.IN_SERVICE, "status_changed_at": at(400),
        "purchase_date": TODAY - dt.timedelta(days=730), "warranty_end": TODAY - dt.timedelta(days=400),
        "last_seen": at(1),
    }
    defaults.update(fields)
    if "model" not in defaults:
        defaults["model"] = DeviceModelFactory(category=CategoryFactory(slug="laptop"))
    return DeviceFactory(**defaults)


def add_repair(device, *, opened, closed=None, outcome="", estimate=None, cost=None, fault="power"):
    return Repair.objects.create(
        device=device, opened_at=opened, closed_at=closed, outcome=outcome, symptom="panne",
        estimated_cost=None if estimate is None else Decimal(estimate),
        cost=None if cost is None else Decimal(cost), fault_category=fault,
    )


def build_small_fleet():
    """Devices named after what they test; returns {tag: device}."""
    laptop = CategoryFactory(slug="laptop")
    model = DeviceModelFactory(category=laptop)
    old_os = DeviceModelFactory(category=laptop, os_upgradable=False,
                                vendor_support_end=TODAY - dt.timedelta(days=1))
    d = {}

    def dev(tag, **fields):
        fields.setdefault("model", model)
        d[tag] = make_device(tag, **fields)
        return d[tag]

    dev("OK-1")  # nothing to say
    # extend: planned or past lifespan (5 years), healthy, repairs < 25 % of 900 €, supported.
    dev("EXT-PLANNED", planned_renewal_year=2027)
    dev("EXT-LIFESPAN-DAY", purchase_date=years_before(TODAY, 5))
    dev("NO-LIFESPAN-DAY-BEFORE", purchase_date=years_before(TODAY, 5) + dt.timedelta(days=1))
    add_repair(dev("NO-EXT-FAILED", planned_renewal_year=2027),
               opened=at(40), closed=at(35), outcome=Repair.Outcome.END_OF_LIFE)
    add_repair(dev("NO-EXT-REPAIRS-AT-SHARE", planned_renewal_year=2027),
               opened=at(100), closed=at(90), outcome=Repair.Outcome.FIXED, cost="225.00")
    add_repair(dev("EXT-REPAIRS-UNDER-SHARE", planned_renewal_year=2027),
               opened=at(100), closed=at(90), outcome=Repair.Outcome.FIXED, cost="224.99")
    add_repair(dev("EXT-OLD-REPAIR", planned_renewal_year=2027),
               opened=at(366), closed=at(300), outcome=Repair.Outcome.FIXED, cost="800.00")
    dev("NO-EXT-UNSUPPORTED", planned_renewal_year=2027, model=old_os)
    # repair_not_replace: retired or planned, latest repair not fixed, estimate < 50 % of 900 €.
    add_repair(dev("RNR-RETIRED", status=Status.RETIRED, status_changed_at=at(20)),
               opened=at(30), closed=at(25), outcome=Repair.Outcome.END_OF_LIFE, estimate="449.99")
    add_repair(dev("NO-RNR-AT-SHARE", status=Status.RETIRED, status_changed_at=at(20)),
               opened=at(30), closed=at(25), outcome=Repair.Outcome.END_OF_LIFE, estimate="450.00")
    add_repair(dev("RNR-PLANNED-OPEN", status=Status.IN_REPAIR, planned_renewal_year=2026),
               opened=at(5), estimate="120.00", fault="display")
    add_repair(dev("NO-RNR-FIXED", status=Status.RETIRED, status_changed_at=at(20)),
               opened=at(30), closed=at(25), outcome=Repair.Outcome.FIXED, estimate="100.00")
    add_repair(dev("NO-RNR-NOT-PLANNED"),
               opened=at(30), closed=at(25), outcome=Repair.Outcome.REPAIRABLE, estimate="100.00")
    # warranty_ending: from today to today + 60 days, devices in use.
    dev("WAR-TODAY", warranty_end=TODAY)
    dev("WAR-DAY-60", warranty_end=TODAY + dt.timedelta(days=60))
    dev("NO-WAR-DAY-61", warranty_end=TODAY + dt.timedelta(days=61))
    dev("NO-WAR-YESTERDAY", warranty_end=TODAY - dt.timedelta(days=1))
    dev("NO-WAR-RECYCLED", status=Status.RECYCLED, warranty_end=TODAY + dt.timedelta(days=10))
    # idle_stock: in stock or retired for more than 90 days.
    dev("IDLE-91-DAYS", status=Status.IN_STOCK, status_changed_at=at(91, 23, 59))
    dev("NO-IDLE-90-DAYS", status=Status.IN_STOCK, status_changed_at=at(90, 0, 0))
    dev("IDLE-RETIRED", status=Status.RETIRED, status_changed_at=at(200))
    # not_seen: in service, not seen for more than 12 months, or never.
    dev("SEEN-NEVER", last_seen=None)
    dev("NO-SEEN-12-MONTHS", last_seen=timezone.make_aware(dt.datetime(2025, 3, 16, 0, 0)))
    dev("SEEN-DAY-BEFORE", last_seen=timezone.make_aware(dt.datetime(2025, 3, 15, 23, 59)))
    dev("NO-SEEN-IN-STOCK", status=Status.IN_STOCK, status_changed_at=at(10), last_seen=None)
    # claim_expired: the reuse app's rule reads the claims' pickup deadlines (tests/reuse/test_review_claims.py);
    # reserved devices without a claim are never flagged.
    dev("CLAIM-31-DAYS", status=Status.RESERVED, status_changed_at=at(31))
    dev("NO-CLAIM-30-DAYS", status=Status.RESERVED, status_changed_at=at(30, 0, 0))
    return d


EXPECTED = {
    "extend": {"EXT-PLANNED", "EXT-LIFESPAN-DAY", "EXT-REPAIRS-UNDER-SHARE", "EXT-OLD-REPAIR"},
    "repair_not_replace": {"RNR-RETIRED", "RNR-PLANNED-OPEN"},
    "warranty_ending": {"WAR-TODAY", "WAR-DAY-60"},
    "idle_stock": {"IDLE-91-DAYS", "IDLE-RETIRED"},
    "not_seen": {"SEEN-NEVER", "SEEN-DAY-BEFORE"},
    # The only retired device in stock on 1 January (IDLE-RETIRED): 0 reused of 1, target 50 %.
    "reuse_target": {"IDLE-RETIRED"},
}


def retire_in_journal(device, *, when):
    Event.objects.create(device=device, kind=Event.Kind.STATUS, from_status=Status.IN_SERVICE,
                         to_status=Status.RETIRED, at=when)
    Device.objects.filter(pk=device.pk).update(status=Status.RETIRED, status_changed_at=when)
