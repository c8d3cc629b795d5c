"""Eligibility categories carry the L. 3212-2 item, the ceiling article, the recipient kind and
the evidence (data migration, DOMAIN.md §3); a body approved ESUS cannot claim nor receive
devices once its approval expired (issue 9 item 3)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reuse import services
from reuse.exceptions import NotAllowed
from reuse.models import Claim, EligibilityCategory
from reuse.queries import association_of

from ..conftest import make_member, offered, retired_device
from ..factories import AssociationFactory

pytestmark = pytest.mark.django_db


def esus_member(**dates):
    esus = EligibilityCategory.objects.get(slug="esus")
    return make_member(AssociationFactory(name="Atelier Réemploi", eligibility=esus, **dates))


def test_the_migration_fills_items_ceilings_recipients_and_evidence():
    facts = {c.slug: (c.cg3p_item, c.ceiling_article, c.recipient_kind) for c in EligibilityCategory.objects.all()}
    assert facts["esus"] == ("3", "art. D. 3212-3", "esus")
    assert facts["public-utility"] == ("3", "art. D. 3212-3", "association")
    assert facts["staff"] == ("5", "art. D. 3212-4", "staff")
    assert facts["assistance-deprived"][:1] == ("2",) and "6 avril 2021" in facts["assistance-deprived"][1]
    assert facts["foundation-deprived"][0] == "2" and facts["foundation-deprived"][2] == "foundation"
    assert all(c.evidence_required for c in EligibilityCategory.objects.all())
    assert "ESUS" in EligibilityCategory.objects.get(slug="esus").evidence_required
    assert EligibilityCategory.objects.get(slug="esus").legal_reference == (
        "CG3P art. L. 3212-2, 3° ; plafond\u00a0: art. D. 3212-3"
    )


def test_a_valid_esus_approval_lets_the_body_claim(buyer):
    today = timezone.localdate()
    member = esus_member(esus_approved_on=today - dt.timedelta(days=400), esus_expires_on=today)
    offer = offered([retired_device()], buyer)
    claim = services.claim_offer(offer=offer, association=association_of(member), actor=member)
    assert claim.status == Claim.Status.REQUESTED


def test_an_expired_esus_approval_refuses_the_claim_in_french(buyer):
    today = timezone.localdate()
    member = esus_member(esus_approved_on=today - dt.timedelta(days=800),
                         esus_expires_on=today - dt.timedelta(days=1))
    offer = offered([retired_device()], buyer)
    with pytest.raises(NotAllowed) as refusal:
        services.claim_offer(offer=offer, association=association_of(member), actor=member)
    assert refusal.value.code == "esus_approval_expired"
    assert "agrément ESUS a expiré" in refusal.value.message
    assert not Claim.objects.exists()


def test_an_unrecorded_esus_approval_refuses_the_claim(buyer):
    member = esus_member()
    offer = offered([retired_device()], buyer)
    with pytest.raises(NotAllowed) as refusal:
        services.claim_offer(offer=offer, association=association_of(member), actor=member)
    assert refusal.value.code == "esus_approval_missing"


def test_an_approval_expiring_before_the_handover_refuses_it(buyer):
    today = timezone.localdate()
    member = esus_member(esus_approved_on=today - dt.timedelta(days=400), esus_expires_on=today)
    offer = offered([retired_device()], buyer)
    claim = services.claim_offer(offer=offer, association=association_of(member), actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    with pytest.raises(NotAllowed) as refusal:
        services.hand_over(claim=claim, actor=buyer, owner_signatory="A. Dupont", association_signatory="B. Durand",
                           handed_over_at=timezone.now() + dt.timedelta(days=2))
    assert refusal.value.code == "esus_approval_expired"
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED


def test_other_categories_need_no_esus_approval(buyer, member):
    offer = offered([retired_device()], buyer)
    assert services.claim_offer(offer=offer, association=association_of(member), actor=member)


def test_an_approval_cannot_expire_before_it_was_granted(buyer):
    association = AssociationFactory(eligibility=EligibilityCategory.objects.get(slug="esus"))
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.update_association(association=association, actor=buyer, esus_approved_on=today,
                                    esus_expires_on=today - dt.timedelta(days=1))
    updated = services.update_association(association=association, actor=buyer, esus_approved_on=today,
                                          esus_expires_on=today + dt.timedelta(days=365 * 3))
    assert updated.esus_expires_on > today
