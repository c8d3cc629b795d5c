import pytest

from reuse import queries, services
from tests.factories import DepartmentFactory

from .conftest import offered, retired_device

pytestmark = pytest.mark.django_db


def test_redeploy_first_proposes_the_youngest_retired_devices_of_the_requested_category(buyer):
    import datetime as dt

    old = retired_device(purchase_date=dt.date(2018, 1, 1))
    young = retired_device(purchase_date=dt.date(2023, 1, 1))
    retired_device(storage=False)
    services.create_internal_request(department=DepartmentFactory(), category=old.model.category, quantity=1,
                                     actor=buyer)
    [(request, devices)] = queries.redeploy_first(per_request_limit=5)
    assert devices == [young, old]


def test_follow_up_totals_sum_donations_and_answers(buyer, member):
    offer = offered([retired_device(), retired_device()], buyer)
    claim = services.claim_offer(offer=offer, association=member.association_membership.association, actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    donation = services.hand_over(claim=claim, actor=buyer, owner_signatory="dgs", association_signatory="B")
    services.record_follow_up(donation=donation, actor=member, beneficiaries=30, devices_in_use=2)
    totals = queries.follow_up_totals(year=donation.handed_over_at.year)
    assert totals["donations"] == 1 and totals["devices"] == 2 and totals["associations"] == 1
    assert totals["value"] == donation.total_value
    assert (totals["answered"], totals["beneficiaries"], totals["devices_in_use"]) == (1, 30, 2)
