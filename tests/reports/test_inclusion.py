"""Inclusion figures of the annual report, from a donation made through reuse's real workflow."""

import datetime as dt

from django.utils import timezone

from reports import annual, sources
from reuse import services
from reuse.queries import association_of
from tests.factories import UserFactory
from tests.reuse.conftest import make_member, offered, retired_device
from tests.reuse.factories import AssociationFactory


def test_donations_associations_beneficiaries_and_answered_share(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buyer = UserFactory(username="achats", roles=["procurement"])
    member = make_member(AssociationFactory(name="Solidarité Numérique"))
    offer = offered([retired_device(), retired_device()], buyer)
    claim = services.claim_offer(offer=offer, association=association_of(member), actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    donation = services.hand_over(claim=claim, actor=buyer, owner_signatory="dgs", association_signatory="B")
    year = timezone.localdate().year
    before_answer = sources.inclusion(sources.current_owner(), year)
    services.record_follow_up(donation=donation, actor=member, beneficiaries=5, devices_in_use=2)
    figures = sources.inclusion(sources.current_owner(), year)
    basis = association_of(member).eligibility.legal_basis
    assert (figures["donations"], figures["devices"], figures["associations"]) == (1, 2, 1)
    assert figures["by_basis"] == {basis: 2}
    assert (figures["answered"], figures["beneficiaries"], figures["devices_in_use"]) == (1, 5, 2)
    assert figures["answered_share"] == 1 and before_answer["answered_share"] == 0
    # A follow-up answered after the cut-off day does not change that day's figures.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert sources.inclusion(sources.current_owner(), year, as_of=yesterday)["answered"] == 0
    lines = annual.rows(annual.build(year=year, owner=sources.current_owner()))
    assert any(basis in label and value == "2" for _s, label, value, _u in lines)
