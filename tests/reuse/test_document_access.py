"""Documents only to those entitled: no public media URL, PDFs through views that check the
user (and through the API with a token), never cached; the staff-and-member cancel hole."""

import pytest
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.roles import ASSOCIATION, TECHNICIAN
from reuse import services
from reuse.models import Claim, Membership
from tests.factories import UserFactory

from .conftest import make_member
from .factories import AssociationFactory

pytestmark = pytest.mark.django_db


def handed_over(offer, member, buyer):
    association = Membership.objects.get(user=member).association
    claim = services.claim_offer(offer=offer, association=association, actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    return services.hand_over(claim=claim, actor=buyer, owner_signatory="dgs",
                              association_signatory="B. Durand")


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_media_files_have_no_public_url_even_with_debug(client, offer, member, buyer):
    donation = handed_over(offer, member, buyer)
    assert donation.agreement
    client.force_login(make_member(username="stranger"))
    with override_settings(DEBUG=True):
        response = client.get(f"/media/{donation.agreement.name}")
    assert response.status_code == 404


def test_agreement_through_the_api_with_a_token_to_its_association_only(offer, member, buyer):
    donation = handed_over(offer, member, buyer)
    url = f"/api/donations/{donation.pk}/agreement/"
    response = token_client(member).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert token_client(make_member(username="stranger")).get(url).status_code == 404


def test_certificate_through_the_api_is_hidden_from_other_associations(offer, member, buyer):
    handed_over(offer, member, buyer)
    erasure = offer.items.first().device.erasures.first()
    url = f"/api/erasures/{erasure.pk}/certificate/"
    assert token_client(buyer).get(url).status_code == 200
    assert token_client(make_member(username="stranger")).get(url).status_code == 404


@override_settings(PROTECTED_MEDIA_SERVER="nginx", PROTECTED_MEDIA_PREFIX="/protected-media/")
def test_production_hands_the_file_to_nginx_with_x_accel_redirect(client, offer, member, buyer):
    donation = handed_over(offer, member, buyer)
    client.force_login(member)
    response = client.get(f"/reuse/donations/{donation.pk}/agreement.pdf")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{donation.agreement.name}"
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]


def test_a_technician_who_is_also_a_member_cannot_cancel_another_associations_claim(offer, member):
    claim = services.claim_offer(offer=offer, association=Membership.objects.get(user=member).association,
                                 actor=member)
    both = UserFactory(username="both", roles=[TECHNICIAN, ASSOCIATION])
    Membership.objects.create(user=both, association=AssociationFactory(name="Autre"))
    client = APIClient()
    client.force_authenticate(both)
    response = client.post(f"/api/claims/{claim.pk}/cancel/", {}, format="json")
    assert response.status_code in (403, 404)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REQUESTED


def test_association_members_do_not_see_the_api_schema(member, tech):
    client = APIClient()
    client.force_authenticate(member)
    assert client.get("/api/schema/").status_code == 403
    assert client.get("/api/docs/").status_code == 403
    client.force_authenticate(tech)
    assert client.get("/api/schema/").status_code == 200
