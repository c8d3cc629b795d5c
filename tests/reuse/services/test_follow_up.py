import pytest
from django.core.exceptions import ValidationError

from reuse import services
from reuse.models import FollowUp

from ..conftest import offered, retired_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def donation(buyer, member):
    offer = offered([retired_device(), retired_device()], buyer)
    claim = services.claim_offer(offer=offer, association=member.association_membership.association, actor=member)
    services.approve_claim(claim=claim, actor=buyer)
    return services.hand_over(claim=claim, actor=buyer, owner_signatory="dgs", association_signatory="B")


def test_follow_ups_are_asked_once_when_due(donation, django_capture_on_commit_callbacks, mailoutbox):
    before_due = donation.follow_up_due.replace(day=1) if donation.follow_up_due.day > 1 else None
    if before_due:
        assert services.request_follow_ups(today=before_due) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_follow_ups(today=donation.follow_up_due) == 1
    assert services.request_follow_ups(today=donation.follow_up_due) == 0
    assert len(mailoutbox) == 1
    assert donation.number in mailoutbox[0].subject
    assert f"/reuse/donations/{donation.pk}/follow-up/" in mailoutbox[0].body


def test_a_follow_up_is_recorded_and_can_be_corrected(donation, member):
    services.record_follow_up(donation=donation, actor=member, beneficiaries=12, devices_in_use=2, failures=0)
    services.record_follow_up(donation=donation, actor=member, beneficiaries=14, devices_in_use=1, failures=1)
    follow_up = FollowUp.objects.get()
    assert (follow_up.beneficiaries, follow_up.devices_in_use, follow_up.failures) == (14, 1, 1)


def test_a_follow_up_cannot_count_more_devices_than_were_given(donation, member):
    with pytest.raises(ValidationError):
        services.record_follow_up(donation=donation, actor=member, beneficiaries=3, devices_in_use=3)
