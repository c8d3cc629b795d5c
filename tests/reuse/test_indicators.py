"""reuse.indicators.reuse_ratio: the décret 2023-266 ratio on a hand-built fleet (DOMAIN.md §2).

Every device below is there for one rule; breaking that rule changes A, B or the percentage.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import Device, Event, Exit, Status
from reuse.indicators import Proof, reuse_ratio
from tests.factories import CategoryFactory, DeviceFactory, DeviceModelFactory

from .test_legal_texts import legal_settings  # noqa: F401 (autouse: the authority's identity, signatories)

pytestmark = pytest.mark.django_db
S, K = Status, Event.Kind


def at(year, month, day=1):
    return timezone.make_aware(dt.datetime(year, month, day, 10))


@pytest.fixture
def fleet():
    laptops = DeviceModelFactory(category=CategoryFactory(slug="laptop", weee_category="6"))
    servers = DeviceModelFactory(category=CategoryFactory(slug="server", weee_category="6"), weee_category="4")

    def dev(tag, history, *, model=laptops, purchase=dt.date(2020, 1, 1), **kwargs):
        device = DeviceFactory(asset_tag=tag, model=model, purchase_date=purchase, status=history[-1][1],
                               **kwargs)
        previous = S.IN_SERVICE
        Event.objects.create(device=device, kind=K.STATUS, to_status=S.IN_SERVICE, at=at(2020, 2))
        for when, status, kind, *data in history:
            Event.objects.create(device=device, kind=kind, from_status=previous, to_status=status, at=when,
                                 data=data[0] if data else {})
            previous = status
        Device.objects.filter(pk=device.pk).update(status_changed_at=history[-1][0])
        return device

    retire = lambda when: (when, S.RETIRED, K.STATUS)  # noqa: E731
    dev("R1", [retire(at(2025, 6))])
    dev("OFF-ON-JAN-1", [retire(at(2025, 5)), (at(2025, 12), S.AVAILABLE, K.OFFERED)])
    dev("RESERVED-THEN-DONATED", [retire(at(2025, 5)), (at(2025, 11), S.AVAILABLE, K.OFFERED),
                                  (at(2025, 12), S.RESERVED, K.CLAIMED), (at(2026, 2), S.DONATED, K.DONATED)])
    dev("ELEVEN-YEARS", [retire(at(2025, 3)), (at(2026, 3), S.SOLD, K.EXITED)], purchase=dt.date(2014, 1, 1))
    dev("SERVER", [retire(at(2025, 3)), (at(2026, 3), S.SOLD, K.EXITED)], model=servers)
    dev("CLASSIFIED", [retire(at(2025, 3)), (at(2026, 3), S.DONATED, K.DONATED)], classified=True)
    dev("WITHDRAWN", [retire(at(2025, 10)), (at(2026, 2), S.AVAILABLE, K.OFFERED), retire(at(2026, 3))])
    dev("RECYCLED-OFFER", [retire(at(2025, 9)), (at(2026, 2), S.AVAILABLE, K.OFFERED),
                           (at(2026, 4), S.RECYCLED, K.STATUS)])
    dev("REDEPLOYED", [retire(at(2025, 11)), (at(2026, 2), S.IN_STOCK, K.REDEPLOYED)])
    dev("SALE", [retire(at(2025, 7)), (at(2026, 5), S.SOLD, K.EXITED)])
    take_back = dev("TAKE-BACK", [retire(at(2026, 2))])
    record = Exit.objects.create(device=take_back, route="taken_back", counterparty="Ecosystem",
                                 reuse_commitment=True, proof_of_reuse="exits/proofs/attestation.pdf")
    Event.objects.create(device=take_back, kind=K.EXITED, from_status=S.RETIRED, to_status=S.TAKEN_BACK,
                         at=at(2026, 6), data={"exit_id": record.pk})
    Device.objects.filter(pk=take_back.pk).update(status=S.TAKEN_BACK)
    dev("STAFF-DONATION", [retire(at(2025, 4)), (at(2026, 7), S.DONATED, K.DONATED)])
    dev("IN-SERVICE", [(at(2024, 1), S.IN_STOCK, K.STATUS), (at(2024, 2), S.IN_SERVICE, K.STATUS)])


def test_the_ratio_counts_a_and_b_exactly_as_the_decree_says(fleet):
    ratio = reuse_ratio(year=2026)

    assert {d.asset_tag for d in ratio.stock} == {
        "R1", "OFF-ON-JAN-1", "RESERVED-THEN-DONATED", "WITHDRAWN", "RECYCLED-OFFER", "REDEPLOYED", "SALE",
        "STAFF-DONATION",
    }
    assert {d.asset_tag for d in ratio.counted} == {"RESERVED-THEN-DONATED", "SALE", "TAKE-BACK", "STAFF-DONATION"}
    assert (ratio.numerator, ratio.denominator, ratio.percent) == (4, 8, Decimal("50.0"))
    assert ratio.target == Decimal("50.0")
    assert ratio.redeployed == 1


def test_each_counted_device_carries_its_route_and_proof_status(fleet):
    counted = {d.asset_tag: (d.route, d.proof) for d in reuse_ratio(year=2026).counted}

    assert counted["TAKE-BACK"] == (S.TAKEN_BACK, Proof.PROVED)
    assert counted["SALE"] == (S.SOLD, Proof.AWAITED)
    assert counted["STAFF-DONATION"] == (S.DONATED, Proof.AWAITED)


def test_the_status_on_january_first_comes_from_the_journal_not_from_today(fleet):
    stock = {d.asset_tag: d.status_then for d in reuse_ratio(year=2026).stock}

    assert stock["OFF-ON-JAN-1"] == S.AVAILABLE
    assert stock["RESERVED-THEN-DONATED"] == S.RESERVED
    assert stock["SALE"] == S.RETIRED


def test_an_empty_stock_gives_no_percentage(db):
    ratio = reuse_ratio(year=2026)
    assert (ratio.numerator, ratio.denominator, ratio.percent) == (0, 0, None)


def test_a_staff_donation_made_through_its_service_counts_in_a(fleet, monkeypatch):
    """CG3P L. 3212-2, 5° is one of the décret's routes (DOMAIN.md §2): a device retired in 2025 and
    given to a staff member in 2026 through ``donate_to_staff`` is in B (held on 1 January) and in
    A. The fleet's 4 / 8 = 50.0 % becomes 5 / 9 = 55.6 %; were the staff donation left out of A,
    the ratio would read 4 / 9 = 44.4 %, below the 50 % target."""
    from reuse import services

    from .conftest import erase

    laptops = DeviceModelFactory(category=CategoryFactory(slug="laptop", weee_category="6"))
    device = DeviceFactory(asset_tag="STAFF-SERVICE", model=laptops, status=S.RETIRED,
                           purchase_date=dt.date(2022, 1, 1), purchase_price=Decimal("400.00"))
    Event.objects.create(device=device, kind=K.STATUS, to_status=S.IN_SERVICE, at=at(2022, 2))
    Event.objects.create(device=device, kind=K.STATUS, from_status=S.IN_SERVICE, to_status=S.RETIRED, at=at(2025, 6))
    Device.objects.filter(pk=device.pk).update(status_changed_at=at(2025, 6))
    # The journal dates events "now": run the erasure and the donation on a day of the fleet's year.
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 9))
    erase(device)
    donation = services.donate_to_staff(devices=[device], recipient_name="Aurélie Fontaine",
                                        recipient_department="Direction de l'éducation", owner_signatory="maire",
                                        actor=None)
    assert donation.handed_over_at == at(2026, 9)

    ratio = reuse_ratio(year=2026)

    assert "STAFF-SERVICE" in {d.asset_tag for d in ratio.stock}
    counted = {d.asset_tag: (d.route, d.proof) for d in ratio.counted}
    assert counted["STAFF-SERVICE"] == (S.DONATED, Proof.AWAITED)
    assert (ratio.numerator, ratio.denominator, ratio.percent) == (5, 9, Decimal("55.6"))
