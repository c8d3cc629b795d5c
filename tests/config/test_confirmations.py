"""Confirm, then act (issue 13): each irreversible or legally binding action asks once."""

import pytest
from django.test import Client
from django.urls import reverse

from inventory.models import Status
from inventory.repairs import open_repair
from labels.models import AuditCampaign
from reuse import services as reuse_services
from reuse.models import Association, Claim, Donation
from tests.factories import DeviceFactory
from tests.reuse.conftest import make_member, offered, retired_device
from tests.reuse.factories import AssociationFactory


def asks(response, *words):
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="confirmed" value="1"' in html and "Cette action est irréversible." in html
    for word in words:
        assert word in html
    return html


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.RETIRED, Status.LOST])
def test_retire_and_declare_lost_ask_first(admin_client, status):
    device = DeviceFactory()
    url = f"/devices/{device.asset_tag}/transition/"
    data = {"to": status, "expected": device.status, "note": "fin"}
    html = asks(admin_client.post(url, data), device.asset_tag)
    assert 'name="note" value="fin"' in html  # the same fields are posted again
    device.refresh_from_db()
    assert device.status == Status.IN_STOCK
    admin_client.post(url, {**data, "confirmed": "1"})
    device.refresh_from_db()
    assert device.status == status


@pytest.mark.django_db
def test_putting_in_service_does_not_ask(admin_client):
    device = DeviceFactory()
    admin_client.post(f"/devices/{device.asset_tag}/transition/", {"to": "in_service", "expected": device.status})
    device.refresh_from_db()
    assert device.status == Status.IN_SERVICE


@pytest.mark.django_db
def test_not_repairable_needs_barrier_and_intervention_then_asks(admin_client, admin_user):
    device = DeviceFactory()
    repair = open_repair(device=device, symptom="ne démarre pas", actor=admin_user)
    url = reverse("repairs:repair-close", args=[repair.pk])
    bare = admin_client.post(url, {"outcome": "end_of_life"})
    assert bare.status_code == 200 and bare.context["form"].errors.keys() >= {"barrier", "action"}
    data = {"outcome": "end_of_life", "barrier": "spare_parts_unavailable", "action": "carte mère testée"}
    asks(admin_client.post(url, data), device.asset_tag)
    repair.refresh_from_db()
    assert repair.is_open
    admin_client.post(url, {**data, "confirmed": "1"})
    repair.refresh_from_db()
    device.refresh_from_db()
    assert not repair.is_open and device.status == Status.RETIRED


@pytest.mark.django_db
def test_closing_an_audit_campaign_asks_first(admin_client):
    campaign = AuditCampaign.objects.create(name="Inventaire 2026")
    url = reverse("labels:audit-close", args=[campaign.pk])
    asks(admin_client.post(url), "Inventaire 2026")
    campaign.refresh_from_db()
    assert campaign.closed_at is None
    admin_client.post(url, {"confirmed": "1"})
    campaign.refresh_from_db()
    assert campaign.closed_at is not None


@pytest.mark.django_db
def test_recording_a_handover_asks_first(admin_client, admin_user):
    association = AssociationFactory(name="Confirm Asso")
    member = make_member(association, username="confirm-member")
    offer = offered([retired_device()], admin_user)
    claim = reuse_services.claim_offer(offer=offer, association=association, actor=member, quantity=1)
    reuse_services.approve_claim(claim=claim, actor=admin_user)
    claim.refresh_from_db()
    url = reverse("reuse:claim-action", args=[claim.pk, "handover"])
    data = {"owner_signatory": "dgs", "licence_status": "free", "association_signatory": "B. Durand"}
    asks(admin_client.post(url, data), "Paul Bernard", "B. Durand")
    assert not Donation.objects.exists()
    admin_client.post(url, {**data, "confirmed": "1"})
    assert Donation.objects.count() == 1
    assert Claim.objects.get(pk=claim.pk).status != Claim.Status.READY


@pytest.mark.django_db
def test_approving_an_association_asks_first(admin_client):
    association = AssociationFactory(name="Nouvelle Asso", status=Association.Status.PENDING)
    url = reverse("reuse:association-decide", args=[association.pk, "approve"])
    asks(admin_client.post(url), "Nouvelle Asso")
    association.refresh_from_db()
    assert association.status == Association.Status.PENDING
    admin_client.post(url, {"confirmed": "1"})
    association.refresh_from_db()
    assert association.status == Association.Status.APPROVED
