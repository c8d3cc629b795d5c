import io

import pytest
from django.utils import timezone

from config.roles import ASSOCIATION, PROCUREMENT
from demo.reuse import seed_demo_data
from reuse.models import Association, Claim, Donation, Offer
from tests.factories import CategoryFactory, DepartmentFactory, DeviceModelFactory, UserFactory
from tests.reuse.conftest import retired_device

pytestmark = pytest.mark.django_db


def test_the_demo_adds_associations_offers_claims_and_a_donation_once():
    UserFactory(username="achats", roles=[PROCUREMENT])
    demo_member = UserFactory(username="association", roles=[ASSOCIATION])
    DepartmentFactory()
    recent = timezone.localdate().replace(year=timezone.localdate().year - 4)
    for _ in range(6):
        retired_device(purchase_date=recent)
    desktop = CategoryFactory(slug="desktop")
    retired_device(model=DeviceModelFactory(category=desktop), purchase_date=recent)
    out = io.StringIO()
    seed_demo_data(out)
    assert Association.objects.filter(status=Association.Status.APPROVED).count() == 3
    assert Association.objects.filter(status=Association.Status.PENDING).count() == 1
    assert demo_member.association_membership.association.name == "Solidarité Numérique Grenoble"
    assert Offer.objects.count() == 2
    assert Claim.objects.filter(status=Claim.Status.READY).count() == 1
    assert Donation.objects.count() == 1
    assert "donations" in out.getvalue()
    seed_demo_data(out)
    assert Offer.objects.count() == 2
