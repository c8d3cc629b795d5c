"""Permission matrix: a member of association A cannot read or change anything of association B
through any association-facing page or API endpoint, nor see internal fields of devices
(assignee, price paid, notes, journal)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from inventory.services import add_note
from reuse import services
from reuse.models import Claim, Donation, Erasure, FollowUp

from .conftest import make_member, offered, retired_device
from .factories import AssociationFactory

pytestmark = pytest.mark.django_db

SECRETS = ("SECRET-ASSIGNEE", "SECRET-NOTE", "SECRET-JOURNAL", "987.65", "987,65")


def secret_device(**kwargs):
    device = retired_device(price=Decimal("987.65"), assignee="SECRET-ASSIGNEE", notes="SECRET-NOTE", **kwargs)
    add_note(device=device, text="SECRET-JOURNAL")
    return device


@pytest.fixture
def world(buyer):
    member_a = make_member(AssociationFactory(name="Association Alpha"), username="alpha")
    member_b = make_member(AssociationFactory(name="Association Bêta"), username="beta")
    a, b = member_a.association_membership.association, member_b.association_membership.association
    offer = offered([secret_device(), secret_device(), secret_device()], buyer)
    other_offer = offered([secret_device()], buyer)
    claim_b = services.claim_offer(offer=offer, association=b, actor=member_b, quantity=1)
    services.approve_claim(claim=claim_b, actor=buyer)
    donation_b = services.hand_over(claim=claim_b, actor=buyer, owner_signatory="dgs", association_signatory="Y")
    services.request_follow_ups(today=donation_b.follow_up_due)
    pending_b = services.claim_offer(offer=other_offer, association=b, actor=member_b)
    claim_a = services.claim_offer(offer=offer, association=a, actor=member_a, quantity=1)
    services.approve_claim(claim=claim_a, actor=buyer)
    return {
        "a": member_a, "b": member_b, "offer": offer, "claim_b": claim_b, "pending_b": pending_b,
        "claim_a": claim_a, "donation_b": donation_b,
        "erasure_b": Erasure.objects.get(device=claim_b.lines.get().device),
        "erasure_a": Erasure.objects.get(device=claim_a.lines.get().device),
    }


def b_markers(world):
    return ["Association Bêta", world["donation_b"].number, world["erasure_b"].number,
            world["claim_b"].lines.get().device.asset_tag, world["pending_b"].lines.get().device.asset_tag]


# Pages and endpoints an association member uses, filled with A's own objects.
MEMBER_GETS = [
    ("reuse:catalogue", None),
    ("reuse:offer-detail", "offer"),
    ("reuse:claim-list", None),
    ("reuse:claim-detail", "claim_a"),
    ("reuse:donation-list", None),
    ("reuse:erasure-list", None),
    ("reuse:erasure-detail", "erasure_a"),
    ("reuse:my-association", None),
]
MEMBER_API_GETS = [
    "/api/offers/", "/api/offers/{offer}/", "/api/claims/", "/api/claims/{claim_a}/", "/api/donations/",
    "/api/erasures/", "/api/erasures/{erasure_a}/", "/api/claims/?status=requested",
]


def url_for(world, name, key):
    return reverse(name, args=[world[key].pk]) if key else reverse(name)


@pytest.mark.parametrize(("name", "key"), MEMBER_GETS)
def test_member_pages_show_neither_internal_fields_nor_the_other_association(client, world, name, key):
    client.force_login(world["a"])
    response = client.get(url_for(world, name, key))
    assert response.status_code == 200
    body = response.content.decode()
    for marker in (*SECRETS, *b_markers(world)):
        assert marker not in body, (name, marker)


@pytest.mark.parametrize("template", MEMBER_API_GETS)
def test_member_api_shows_neither_internal_fields_nor_the_other_association(world, template):
    api = APIClient()
    api.force_authenticate(world["a"])
    url = template.format(**{key: obj.pk for key, obj in world.items() if hasattr(obj, "pk")})
    response = api.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for marker in (*SECRETS, *b_markers(world)):
        assert marker not in body, (url, marker)
    for field in ("assignee", "purchase_price", "notes", "events", "journal"):
        assert f'"{field}"' not in body


# Everything of B, by page and API: A gets a 404 (it does not exist for A), and nothing changes.
B_PAGES = [
    ("get", "reuse:claim-detail", "claim_b"),
    ("get", "reuse:claim-detail", "pending_b"),
    ("post", "reuse:claim-action", "pending_b", "cancel"),
    ("get", "reuse:donation-detail", "donation_b"),
    ("get", "reuse:donation-agreement", "donation_b"),
    ("get", "reuse:follow-up", "donation_b"),
    ("post", "reuse:follow-up", "donation_b"),
    ("get", "reuse:erasure-detail", "erasure_b"),
    ("get", "reuse:erasure-certificate", "erasure_b"),
]
B_API = [
    ("get", "/api/claims/{pending_b}/"),
    ("get", "/api/claims/{claim_b}/"),
    ("post", "/api/claims/{pending_b}/cancel/"),
    ("post", "/api/claims/{pending_b}/approve/"),
    ("get", "/api/donations/{donation_b}/"),
    ("get", "/api/erasures/{erasure_b}/"),
]


@pytest.mark.parametrize("case", B_PAGES, ids=lambda case: "-".join(case[:3]))
def test_member_pages_of_the_other_association_are_not_found(client, world, case):
    method, name, key, *extra = case
    client.force_login(world["a"])
    url = reverse(name, args=[world[key].pk, *extra])
    data = {"beneficiaries": 5, "devices_in_use": 1, "failures": 0, "reason": "x"}
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    assert response.status_code == 404
    assert Claim.objects.get(pk=world["pending_b"].pk).status == Claim.Status.REQUESTED
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(("method", "template"), B_API)
def test_member_api_of_the_other_association_is_not_found(world, method, template):
    api = APIClient()
    api.force_authenticate(world["a"])
    url = template.format(**{key: obj.pk for key, obj in world.items() if hasattr(obj, "pk")})
    response = getattr(api, method)(url, {}, format="json")
    # 404 on what the portal may reach; 403 on a staff-only action (approve), whatever the id.
    assert response.status_code in (403, 404)
    assert Claim.objects.get(pk=world["pending_b"].pk).status == Claim.Status.REQUESTED


def test_lists_filtered_by_the_other_association_reveal_nothing(world):
    api = APIClient()
    api.force_authenticate(world["a"])
    b = world["b"].association_membership.association
    response = api.get(f"/api/claims/?association={b.pk}")
    assert response.status_code in (200, 400)
    assert "Association Bêta" not in response.content.decode()


# GETs of staff pages are checked for every route in tests/test_url_permissions.py; these POSTs
# with the member's own objects must change nothing.
STAFF_ONLY_PAGES = [
    ("post", "reuse:offer-withdraw", "offer"),
    ("post", "reuse:claim-action", "claim_a", "approve"),
    ("post", "reuse:claim-action", "claim_a", "handover"),
    ("post", "reuse:request-create", None),
]


@pytest.mark.parametrize("case", STAFF_ONLY_PAGES, ids=lambda case: "-".join(str(c) for c in case))
def test_staff_pages_are_forbidden_to_members(client, world, case):
    method, name, key, *extra = case
    client.force_login(world["a"])
    args = [world[key].pk, *extra] if key else []
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 403
    assert Donation.objects.count() == 1


@pytest.mark.parametrize(("method", "url"), [
    ("post", "/api/offers/"), ("post", "/api/erasures/"), ("post", "/api/claims/{claim_a}/approve/"),
    ("post", "/api/claims/{claim_a}/hand-over/"),
])
def test_staff_endpoints_are_forbidden_to_members(world, method, url):
    api = APIClient()
    api.force_authenticate(world["a"])
    response = getattr(api, method)(url.format(claim_a=world["claim_a"].pk), {}, format="json")
    assert response.status_code == 403


def test_an_account_without_association_sees_nothing(client, association_user, world):
    client.force_login(association_user)
    assert client.get(reverse("reuse:catalogue")).status_code == 403
    api = APIClient()
    api.force_authenticate(association_user)
    assert api.get("/api/claims/").json()["count"] == 0
    assert api.get("/api/offers/").json()["count"] == 0
    assert api.post(f"/api/offers/{world['offer'].pk}/claim/", {}, format="json").status_code == 403


def test_control_staff_do_see_what_members_must_not(client, buyer, world):
    client.force_login(buyer)
    claims = client.get(reverse("reuse:claim-list")).content.decode()
    assert "Association Bêta" in claims and "Association Alpha" in claims
    offer = client.get(reverse("reuse:offer-detail", args=[world["offer"].pk])).content.decode()
    assert world["claim_b"].lines.get().device.asset_tag in offer
    api = APIClient()
    api.force_authenticate(buyer)
    assert api.get(f"/api/claims/{world['pending_b'].pk}/").status_code == 200
