"""Emails go out after commit, to the right people, once."""

import pytest

from reuse import notifications, services
from reuse.models import Association
from tests.factories import CategoryFactory

from .conftest import make_member, offered, retired_device
from .factories import AssociationFactory

pytestmark = pytest.mark.django_db


def test_a_new_offer_is_announced_to_associations_that_follow_its_category(
    buyer, mailoutbox, django_capture_on_commit_callbacks
):
    laptops, tablets = CategoryFactory(slug="laptop"), CategoryFactory(slug="tablet")
    following = AssociationFactory(name="Suit les portables", contact_email="suit@asso.example")
    following.interests.add(laptops)
    AssociationFactory(name="Suit les tablettes").interests.add(tablets)
    suspended = AssociationFactory(status=Association.Status.SUSPENDED)
    suspended.interests.add(laptops)
    with django_capture_on_commit_callbacks(execute=True):
        offer = offered([retired_device()], buyer)
    assert [mail.to for mail in mailoutbox] == [["suit@asso.example"]]
    assert offer.title in mailoutbox[0].subject
    assert offer.get_absolute_url() in mailoutbox[0].body


def test_a_notification_task_run_twice_sends_once(buyer, mailoutbox):
    association = AssociationFactory()
    association.interests.add(CategoryFactory(slug="laptop"))
    offer = offered([retired_device()], buyer)
    assert notifications.offer_published(offer.pk) == 1
    assert notifications.offer_published(offer.pk) == 0
    assert len(mailoutbox) == 1


def test_staff_hear_of_a_claim_and_the_association_of_each_decision(
    buyer, member, mailoutbox, django_capture_on_commit_callbacks
):
    offer = offered([retired_device()], buyer)
    with django_capture_on_commit_callbacks(execute=True):
        claim = services.claim_offer(offer=offer, association=member.association_membership.association,
                                     actor=member)
    assert mailoutbox[-1].to == ["achats@metro.example"]
    assert "Solidarité Numérique" in mailoutbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_claim(claim=claim, actor=buyer)
    assert sorted(mailoutbox[-1].to) == sorted({"member%d@asso.example" % claim.association_id,
                                               claim.association.contact_email})
    assert str(claim.pk) in mailoutbox[-1].subject


def test_nothing_is_sent_for_work_that_was_rolled_back(buyer, mailoutbox, django_capture_on_commit_callbacks):
    offer = offered([retired_device()], buyer)
    winner, loser = make_member(username="w"), make_member(username="l")
    services.claim_offer(offer=offer, association=winner.association_membership.association, actor=winner)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Exception):  # noqa: B017
        services.claim_offer(offer=offer, association=loser.association_membership.association, actor=loser)
    assert callbacks == []
    assert mailoutbox == []
