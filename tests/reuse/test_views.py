"""HTML flows: staff erase, offer and decide; members claim, read and answer; the public applies."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import Status
from reuse.models import Association, Claim, Donation, Erasure, FollowUp, InternalRequest, Offer
from tests.factories import DepartmentFactory

from .conftest import erase, make_member, offered, retired_device
from .factories import EligibilityFactory

pytestmark = pytest.mark.django_db


def test_a_technician_records_an_erasure_from_the_form(client, tech):
    device = retired_device()
    client.force_login(tech)
    page = client.get(reverse("reuse:erasure-create", args=[device.asset_tag]))
    assert page.status_code == 200
    response = client.post(reverse("reuse:erasure-create", args=[device.asset_tag]), {
        "method": "purge", "method_detail": "NVMe Format", "tool": "nvme-cli", "tool_version": "2.8",
        "operator_name": "Camille Martin", "performed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "passed": "1", "storage_serials": "NVME-1\nNVME-2",
    })
    assert response.status_code == 302
    erasure = Erasure.objects.get(device=device)
    assert erasure.serial_list == ["NVME-1", "NVME-2"] and erasure.passed


def test_staff_publish_an_offer_from_asset_tags(client, buyer):
    devices = [retired_device(), retired_device()]
    for device in devices:
        erase(device)
    client.force_login(buyer)
    url = reverse("reuse:offer-create") + f"?device={devices[0].asset_tag}"
    assert devices[0].asset_tag in client.get(url).content.decode()
    response = client.post(reverse("reuse:offer-create"), {
        "devices": " ".join(d.asset_tag.lower() for d in devices), "grade": "B", "description": "Chargeurs fournis",
    })
    offer = Offer.objects.get()
    assert response.status_code == 302 and response["Location"] == offer.get_absolute_url()
    assert offer.items.count() == 2


def test_an_offer_of_a_device_without_erasure_shows_the_refusal(client, buyer):
    device = retired_device()
    client.force_login(buyer)
    response = client.post(reverse("reuse:offer-create"), {"devices": device.asset_tag, "grade": "B"}, follow=True)
    assert not Offer.objects.exists()
    assert device.asset_tag in response.content.decode()


def test_the_whole_claim_flow_through_the_pages(client, buyer, member, offer):
    client.force_login(member)
    response = client.post(reverse("reuse:offer-claim", args=[offer.pk]), {"quantity": 1, "message": "Atelier"})
    claim = Claim.objects.get()
    assert response["Location"] == claim.get_absolute_url()
    assert "#%d" % claim.pk in client.get(reverse("reuse:claim-list")).content.decode()

    client.force_login(buyer)
    client.post(reverse("reuse:claim-action", args=[claim.pk, "approve"]))
    slot = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("reuse:claim-action", args=[claim.pk, "pickup"]), {"pickup_at": slot, "place": "Magasin"})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.READY
    response = client.post(reverse("reuse:claim-action", args=[claim.pk, "handover"]), {
        "owner_signatory": "dgs", "licence_status": "free", "association_signatory": "B. Durand", "confirmed": "1"})
    donation = Donation.objects.get()
    assert response["Location"] == donation.get_absolute_url()

    client.force_login(member)
    documents = client.get(reverse("reuse:donation-list")).content.decode()
    assert donation.number in documents
    pdf = client.get(reverse("reuse:donation-agreement", args=[donation.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    erasure = Erasure.objects.get(device=claim.lines.get().device)
    assert erasure.number in documents
    assert client.get(reverse("reuse:erasure-certificate", args=[erasure.pk])).status_code == 200


def test_a_refused_claim_shows_its_reason_to_the_association(client, buyer, member, offer):
    client.force_login(member)
    client.post(reverse("reuse:offer-claim", args=[offer.pk]), {"quantity": 2})
    claim = Claim.objects.get()
    client.force_login(buyer)
    client.post(reverse("reuse:claim-action", args=[claim.pk, "refuse"]), {"reason": "Réservé aux écoles"})
    client.force_login(member)
    assert "Réservé aux écoles" in client.get(claim.get_absolute_url()).content.decode()


def test_a_claim_that_lost_the_race_sends_the_member_back_to_the_catalogue_with_the_reason(client, member, offer):
    make_member(username="faster")
    from reuse import services

    faster = make_member(username="quicker")
    services.claim_offer(offer=offer, association=faster.association_membership.association, actor=faster)
    client.force_login(member)
    response = client.post(reverse("reuse:offer-claim", args=[offer.pk]), {"quantity": 1}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reuse:catalogue")
    assert not Claim.objects.filter(association=member.association_membership.association).exists()


def test_the_catalogue_costs_a_constant_number_of_queries(client, buyer, member, django_assert_max_num_queries):
    for _ in range(6):
        offered([retired_device(), retired_device()], buyer)
    client.force_login(member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reuse:catalogue"))
    assert response.content.decode().count('class="card"') == 6


def test_the_claim_list_costs_a_constant_number_of_queries(client, buyer, django_assert_max_num_queries):
    from reuse import services

    for index in range(5):
        user = make_member(username=f"m{index}")
        offer = offered([retired_device()], buyer)
        services.claim_offer(offer=offer, association=user.association_membership.association, actor=user)
    client.force_login(buyer)
    with django_assert_max_num_queries(10):
        client.get(reverse("reuse:claim-list"))


def test_the_public_application_form_creates_a_pending_association(client, buyer, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    eligibility = EligibilityFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reuse:apply"), {
            "name": "Le Fil Numérique", "rna": "W381112223", "siret": "", "eligibility": eligibility.pk,
            "purpose": "Accompagner les démarches en ligne", "address": "2 rue Très-Cloîtres, Grenoble",
            "contact_name": "Nora", "contact_email": "nora@fil.example", "consent": "on", "website": "",
        })
    assert response.status_code == 302
    assert Association.objects.get().status == Association.Status.PENDING
    assert mailoutbox[0].to == ["achats@metro.example"]


def test_the_application_form_ignores_robots(client):
    response = client.post(reverse("reuse:apply"), {
        "name": "Spam", "rna": "W381112224", "eligibility": EligibilityFactory().pk, "purpose": "x",
        "address": "x", "contact_name": "x", "contact_email": "x@x.example", "consent": "on",
        "website": "http://spam.example",
    })
    assert response.status_code == 200
    assert not Association.objects.exists()


def test_approving_an_association_sends_its_contact_a_password_link(client, buyer, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    association = Association.objects.create(
        name="Le Fil", rna="W381112225", eligibility=EligibilityFactory(), contact_name="Nora",
        contact_email="nora@fil.example")
    client.force_login(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reuse:association-decide", args=[association.pk, "approve"]), {"confirmed": "1"})
    association.refresh_from_db()
    assert association.status == Association.Status.APPROVED
    welcome = mailoutbox[-1]
    assert welcome.to == ["nora@fil.example"]
    assert "/accounts/reset/" in welcome.body


def test_staff_suspend_an_association_with_a_reason(client, buyer, member):
    association = member.association_membership.association
    client.force_login(buyer)
    client.post(reverse("reuse:association-decide", args=[association.pk, "suspend"]), {"reason": "Dissolution"})
    association.refresh_from_db()
    assert (association.status, association.status_reason) == (Association.Status.SUSPENDED, "Dissolution")
    client.force_login(member)
    page = client.get(reverse("reuse:catalogue")).content.decode()
    assert association.get_status_display() in page


def test_redeploy_first_lists_retired_devices_for_open_requests(client, buyer, django_assert_max_num_queries):
    devices = [retired_device() for _ in range(3)]
    client.force_login(buyer)
    client.post(reverse("reuse:request-create"), {
        "department": DepartmentFactory(name="Écoles").pk, "category": devices[0].model.category.pk,
        "quantity": 2, "reason": "Nouvelle classe"})
    request = InternalRequest.objects.get()
    with django_assert_max_num_queries(10):
        page = client.get(reverse("reuse:redeploy-first")).content.decode()
    for device in devices:
        assert device.asset_tag in page
    response = client.post(reverse("reuse:redeploy", args=[devices[0].asset_tag]), {
        "department": request.department.pk, "assignee": "Classe CM2", "put_in_service": "on",
        "request": request.pk})
    assert response.status_code == 302
    devices[0].refresh_from_db()
    assert devices[0].status == Status.IN_SERVICE
    request.refresh_from_db()
    assert request.fulfilled == 1


def test_a_member_answers_the_follow_up(client, buyer, member, offer):
    from reuse import services

    claim = services.claim_offer(offer=offer, association=member.association_membership.association, actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    donation = services.hand_over(claim=claim, actor=buyer, owner_signatory="dgs", association_signatory="B")
    services.request_follow_ups(today=donation.follow_up_due)
    client.force_login(member)
    assert reverse("reuse:follow-up", args=[donation.pk]) in client.get(reverse("reuse:donation-list")).content.decode()
    client.post(reverse("reuse:follow-up", args=[donation.pk]),
                {"beneficiaries": 25, "devices_in_use": 2, "failures": 0, "comments": "Ateliers seniors"})
    assert FollowUp.objects.get().beneficiaries == 25


def test_a_member_chooses_the_categories_it_follows(client, member):
    from tests.factories import CategoryFactory

    tablet = CategoryFactory(slug="tablet")
    client.force_login(member)
    client.post(reverse("reuse:my-association"), {"interests": [tablet.pk]})
    assert list(member.association_membership.association.interests.all()) == [tablet]


def test_association_members_land_on_the_catalogue(client, member):
    client.force_login(member)
    assert client.get("/")["Location"] == reverse("reuse:catalogue")
