"""``offer_unclaimed``: a rule about offers, registered by reuse into inventory's review."""

import datetime as dt

from django.utils import timezone

from inventory.models import Flag
from inventory.review import get_rule, run_review
from reuse.models import Offer

from .conftest import offered, retired_device


def test_reuse_registers_the_offer_unclaimed_rule():
    assert get_rule("offer_unclaimed") is not None


def test_an_offer_nobody_claimed_for_60_days_calls_for_the_next_route(buyer):
    today = timezone.localdate()
    old = offered([retired_device(), retired_device()], buyer)
    # Noon, local time, 61 and 59 calendar days ago: "now - 61 days" late in the evening lands
    # on the next local day once a daylight-saving change lies in between (a flaky test).
    def days_ago(n):
        return timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=n), dt.time(12)))

    Offer.objects.filter(pk=old.pk).update(created_at=days_ago(61))
    fresh = offered([retired_device()], buyer)
    Offer.objects.filter(pk=fresh.pk).update(created_at=days_ago(59))

    run_review(today=today, rules=["offer_unclaimed"])

    flagged = set(Flag.objects.filter(rule="offer_unclaimed").values_list("device_id", flat=True))
    assert flagged == set(old.items.values_list("device_id", flat=True))
    # No figure: an offer not taken defers nothing and avoids nothing yet.
    assert set(Flag.objects.filter(rule="offer_unclaimed").values_list("savings_eur", "savings_kgco2e")) == {
        (None, None)}
