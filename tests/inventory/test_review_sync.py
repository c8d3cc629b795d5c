"""The review's write path in batches: same flags whatever the batch size, first finding wins."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from inventory.models import Flag
from inventory.review import run_review
from inventory.review.base import Finding
from inventory.review.sync import sync_flags
from tests.factories import DeviceFactory
from tests.inventory.review_fleet import TODAY
from tests.inventory.test_review import bulk_fleet

pytestmark = pytest.mark.django_db


def flags():
    return sorted(Flag.objects.values_list("device_id", "rule", "severity", "message", "savings_eur",
                                           "savings_kgco2e", "resolved_at", "resolution"))


def test_small_batches_write_the_same_flags_as_one_batch(monkeypatch):
    bulk_fleet(300, 0)
    run_review(today=TODAY)
    expected = flags()
    Flag.objects.all().delete()
    monkeypatch.setattr("inventory.review.sync.BATCH", 7)
    first = run_review(today=TODAY)
    assert flags() == expected
    again = run_review(today=TODAY)
    assert not again.changed()
    assert sum(o.kept for o in again.rules) == sum(o.opened for o in first.rules)


def test_a_device_found_twice_keeps_its_first_finding_and_changes_update_in_place(monkeypatch):
    monkeypatch.setattr("inventory.review.sync.BATCH", 2)
    a, b, c = DeviceFactory(), DeviceFactory(), DeviceFactory()
    now = timezone.now()
    with transaction.atomic():
        counts = sync_flags("test", [Finding(a.pk, "one"), Finding(b.pk, "two"), Finding(a.pk, "again"),
                                     Finding(c.pk, "three")], now=now)
    assert counts == {"opened": 3, "kept": 0, "updated": 0, "resolved": 0}
    assert Flag.objects.get(device=a).message == "one"
    with transaction.atomic():
        counts = sync_flags("test", [Finding(a.pk, "one"), Finding(b.pk, "changed")], now=now)
    assert counts == {"opened": 0, "kept": 1, "updated": 1, "resolved": 1}
    assert Flag.objects.get(device=b).message == "changed"
    assert Flag.objects.get(device=c).resolution == Flag.Resolution.AUTO


def _counting_findings(monkeypatch):
    """Count the calls to each registered rule's ``finding()`` (the message formatting)."""
    from inventory.review import registered_rules

    calls = {}
    for rule in registered_rules():
        original = rule.finding

        def counted(row, ctx, _slug=rule.slug, _original=original):
            calls[_slug] = calls.get(_slug, 0) + 1
            return _original(row, ctx)

        monkeypatch.setattr(rule, "finding", counted)
    return calls


def test_a_rerun_keeps_unchanged_flags_without_formatting_their_messages(monkeypatch):
    bulk_fleet(300, 0)
    first = run_review(today=TODAY)
    expected = flags()
    calls = _counting_findings(monkeypatch)

    again = run_review(today=TODAY)

    assert not again.changed()
    assert flags() == expected
    opened = {o.rule: o.opened for o in first.rules}
    assert opened["reuse_target"]  # its seed holds the year's ratio: kept too
    assert calls == {}
    assert sum(o.kept for o in again.rules) == sum(opened.values())


def test_the_digest_follows_the_row_and_what_the_rule_reads(monkeypatch):
    from inventory.models import Device

    bulk_fleet(300, 0)
    run_review(today=TODAY)
    calls = _counting_findings(monkeypatch)
    device_id = Flag.objects.filter(rule="not_seen", resolved_at__isnull=True).values_list("device_id", flat=True)[0]
    Device.objects.filter(pk=device_id).update(last_seen=None, status_changed_at=timezone.now())

    # Next day: rules that read the day (extend, idle_stock) format again and change nothing.
    result = run_review(today=TODAY + dt.timedelta(days=1))

    assert calls.get("not_seen") == 1  # the device whose row changed
    assert {o.rule: o.updated for o in result.rules}["not_seen"] == 1
    day_readers = {"extend", "idle_stock"}
    assert day_readers & set(calls)
    assert "warranty_ending" not in calls and "claim_expired" not in calls


def test_flags_without_a_digest_get_one_and_stay_untouched():
    bulk_fleet(300, 0)
    run_review(today=TODAY)
    Flag.objects.update(source_digest=None)
    before = sorted(Flag.objects.values_list("id", "message", "updated_at"))

    again = run_review(today=TODAY)

    assert not again.changed()
    assert sorted(Flag.objects.values_list("id", "message", "updated_at")) == before
    assert not Flag.objects.filter(resolved_at__isnull=True, source_digest__isnull=True).exists()


def test_devices_in_the_same_situation_share_one_formatted_message(monkeypatch):
    """A run formats one message per situation (same row but for the device): the same flags as
    formatting every device's row, for a fraction of the calls."""
    bulk_fleet(300, 0)
    monkeypatch.setattr("inventory.review.fingerprint.materialise", lambda rows, seed, slug: None)
    run_review(today=TODAY)  # every row formatted on its own (the path of rules without a digest)
    expected = flags()
    Flag.objects.all().delete()
    monkeypatch.undo()
    calls = _counting_findings(monkeypatch)

    first = run_review(today=TODAY)

    assert flags() == expected
    opened = {o.rule: o.opened for o in first.rules if o.opened}
    assert sum(calls.values()) < sum(opened.values()) / 10
    assert all(calls.get(slug, 0) <= count for slug, count in opened.items())


def test_messages_quote_local_dates_not_utc_ones():
    from zoneinfo import ZoneInfo

    from tests.inventory.review_fleet import make_device

    paris = ZoneInfo("Europe/Paris")
    # 00:30 in Paris on 1 March is 23:30 UTC on 28 February.
    seen = dt.datetime(2025, 3, 1, 0, 30, tzinfo=paris)
    make_device("SEEN-AT-MIDNIGHT", last_seen=seen)

    run_review(today=TODAY)

    message = Flag.objects.get(device__asset_tag="SEEN-AT-MIDNIGHT", rule="not_seen").message
    assert "01/03/2025" in message
