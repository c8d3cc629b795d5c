"""The review's write path in batches: same flags whatever the batch size, first finding wins."""

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
