"""The reuse API: claim with 201/409, staff decisions, erasures, FilterSets, constant queries."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from reuse.models import Association, Claim

from .conftest import erase, make_member, offered, retired_device

pytestmark = pytest.mark.django_db


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_claiming_returns_201_with_the_claim(offer, member):
    response = api_for(member).post(f"/api/offers/{offer.pk}/claim/", {"quantity": 2, "message": "Atelier"},
                                    format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "requested"
    assert len(body["devices"]) == 2
    assert body["association_name"] == "Solidarité Numérique"


def test_claiming_what_another_association_holds_returns_409_with_a_clean_message(offer, member):
    api_for(member).post(f"/api/offers/{offer.pk}/claim/", {}, format="json")
    response = api_for(make_member(username="late")).post(f"/api/offers/{offer.pk}/claim/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_claimed"
    assert response.json()["detail"]


def test_a_suspended_association_gets_403(offer, member):
    Association.objects.update(status=Association.Status.SUSPENDED)
    response = api_for(member).post(f"/api/offers/{offer.pk}/claim/", {}, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 403
    assert response.json()["code"] == "association_suspended"
    assert not Claim.objects.exists()


def test_staff_take_a_claim_from_approval_to_handover(offer, member, buyer):
    claim_id = api_for(member).post(f"/api/offers/{offer.pk}/claim/", {}, format="json").json()["id"]
    staff = api_for(buyer)
    assert staff.post(f"/api/claims/{claim_id}/approve/").json()["status"] == "approved"
    slot = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert staff.post(f"/api/claims/{claim_id}/pickup/", {"pickup_at": slot, "place": "Magasin"},
                      format="json").json()["status"] == "ready"
    response = staff.post(f"/api/claims/{claim_id}/hand-over/",
                          {"owner_signatory": "dgs", "licence_status": "free", "association_signatory": "B. Durand"},
                          format="json")
    assert response.status_code == 201
    assert response.json()["agreement_url"].endswith(f"/api/donations/{response.json()['id']}/agreement/")
    assert api_for(member).get(f"/api/donations/{response.json()['id']}/").status_code == 200


def test_approving_twice_is_a_conflict(offer, member, buyer):
    claim_id = api_for(member).post(f"/api/offers/{offer.pk}/claim/", {}, format="json").json()["id"]
    api_for(buyer).post(f"/api/claims/{claim_id}/approve/")
    assert api_for(buyer).post(f"/api/claims/{claim_id}/approve/").status_code == 409


def test_a_refusal_needs_a_reason(offer, member, buyer):
    claim_id = api_for(member).post(f"/api/offers/{offer.pk}/claim/", {}, format="json").json()["id"]
    assert api_for(buyer).post(f"/api/claims/{claim_id}/refuse/", {}, format="json").status_code == 400
    response = api_for(buyer).post(f"/api/claims/{claim_id}/refuse/", {"reason": "Lot réservé aux écoles"},
                                   format="json")
    assert response.json()["status"] == "refused"


def test_a_member_cancels_its_own_claim(offer, member):
    claim_id = api_for(member).post(f"/api/offers/{offer.pk}/claim/", {}, format="json").json()["id"]
    assert api_for(member).post(f"/api/claims/{claim_id}/cancel/", {}, format="json").json()["status"] == "cancelled"


def test_members_see_only_their_own_claims(offer, member):
    api_for(member).post(f"/api/offers/{offer.pk}/claim/", {"quantity": 1}, format="json")
    other = make_member(username="other")
    api_for(other).post(f"/api/offers/{offer.pk}/claim/", {"quantity": 1}, format="json")
    assert api_for(member).get("/api/claims/").json()["count"] == 1
    assert api_for(other).get("/api/claims/").json()["count"] == 1


def test_offers_filter_by_category_grade_and_quantity(buyer, member):
    offered([retired_device(), retired_device()], buyer, title="Lot portables")
    offered([retired_device(storage=False)], buyer, title="Écran")
    api = api_for(member)
    assert [o["title"] for o in api.get("/api/offers/?category=monitor").json()["results"]] == ["Écran"]
    assert [o["title"] for o in api.get("/api/offers/?min_quantity=2").json()["results"]] == ["Lot portables"]
    assert api.get("/api/offers/?grade=A").json()["count"] == 0


def test_the_catalogue_costs_the_same_queries_for_one_or_many_offers(buyer, member, django_assert_max_num_queries):
    offered([retired_device()], buyer)
    api = api_for(member)
    with django_assert_max_num_queries(8):
        api.get("/api/offers/")
    for _ in range(5):
        offered([retired_device(), retired_device()], buyer)
    with django_assert_max_num_queries(8):
        assert api.get("/api/offers/").json()["count"] == 6


def test_staff_create_an_offer_and_the_ceiling_is_a_400(buyer):
    device = retired_device()
    erase(device)
    response = api_for(buyer).post("/api/offers/", {"devices": [device.asset_tag], "grade": "A"}, format="json")
    assert response.status_code == 201
    assert response.json()["devices"][0]["status"] == "available"
    other = retired_device()
    erase(other)
    response = api_for(buyer).post("/api/offers/", {"devices": [other.asset_tag], "grade": "A", "value": "450"},
                                   format="json")
    assert response.status_code == 400
    assert "value" in response.json()


def test_technicians_record_erasures_and_filter_them(tech):
    device = retired_device()
    api = api_for(tech)
    response = api.post("/api/erasures/", {
        "device": device.asset_tag.lower(), "method": "purge", "tool": "nwipe", "passed": True,
        "storage_serials": ["S1", "S2"],
    }, format="json")
    assert response.status_code == 201
    assert response.json()["storage_serials"] == ["S1", "S2"]
    erase(retired_device(), passed=False)
    assert api.get(f"/api/erasures/?device={device.asset_tag}").json()["count"] == 1
    assert api.get("/api/erasures/?passed=false").json()["count"] == 1
    assert api.get("/api/erasures/?method=destroy").json()["count"] == 0
