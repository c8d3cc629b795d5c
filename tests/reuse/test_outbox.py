"""Notifications survive the broker: the transactional outbox.

The fault test points the real broker connection at a closed port while an association claims
and staff approve, then restores it and drains the outbox: every write kept, every email sent
exactly once. It runs on both CI passes (filesystem broker and Redis): the closed port is a
real Redis URL either way.
"""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from config.roles import PROCUREMENT
from reuse import outbox, tasks
from reuse.models import Claim, Membership, OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down():
    """The real Celery app, its broker URL pointing at a port where nothing listens."""
    from config.celery import app

    previous = (app.conf.broker_url, app.conf.task_always_eager, app._pool)
    app.conf.broker_url = CLOSED_PORT
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield app
    app.conf.broker_url, app.conf.task_always_eager = previous[0], previous[1]
    app._pool = None
    app.amqp._producer_pool = None


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_claims_and_approvals_with_the_broker_down_are_kept_and_notified_once_later(
    offer, member, buyer, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    other = UserFactory(username="achats2", email="achats2@metro.example", roles=[PROCUREMENT])
    OutboxMessage.objects.all().delete()  # the offer's announcement, not part of this story
    with django_capture_on_commit_callbacks(execute=True):
        claimed = api_for(member).post(f"/api/offers/{offer.pk}/claim/", {"quantity": 1}, format="json")
    assert claimed.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        approved = api_for(other).post(f"/api/claims/{claimed.json()['id']}/approve/")
    assert approved.status_code == 200
    assert Claim.objects.get().status == Claim.Status.APPROVED
    assert mailoutbox == []
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2

    broker_down.conf.broker_url = "memory://"  # "restored"; the drain runs the sweep itself
    broker_down.conf.task_always_eager = True
    assert tasks.dispatch_outbox.apply().get() == {"sent": 2, "retried": 0, "failed": 0}
    assert tasks.dispatch_outbox.apply().get() == {"sent": 0, "retried": 0, "failed": 0}
    subjects = sorted(mail.subject for mail in mailoutbox)
    assert len(subjects) == 2, subjects
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_rolled_back_write_leaves_nothing_in_the_outbox(offer, member):
    from django.db import transaction

    from reuse import services

    with pytest.raises(RuntimeError), transaction.atomic():
        services.claim_offer(offer=offer, association=Membership.objects.get(user=member).association, actor=member)
        raise RuntimeError
    assert not OutboxMessage.objects.filter(task="reuse.notify_claim_received").exists()


def test_a_failing_message_is_retried_with_backoff_then_given_up(monkeypatch):
    message = OutboxMessage.objects.create(task="reuse.notify_claim_received", args=[999_999])
    first = outbox.dispatch()
    assert first == {"sent": 0, "retried": 1, "failed": 0}
    message.refresh_from_db()
    assert message.attempts == 1 and message.due_at > timezone.now()
    assert "DoesNotExist" in message.last_error
    assert outbox.dispatch() == {"sent": 0, "retried": 0, "failed": 0}  # not due yet
    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 2)
    assert outbox.dispatch(now=timezone.now() + dt.timedelta(hours=2)) == {"sent": 0, "retried": 0, "failed": 1}
    message.refresh_from_db()
    assert message.failed


def test_a_claim_with_no_procurement_address_is_logged_and_kept_for_admins(offer, member, buyer, caplog,
                                                                          mailoutbox):
    from django.contrib.auth import get_user_model

    from reuse import services

    get_user_model().objects.update(email="")
    services.claim_offer(offer=offer, association=Membership.objects.get(user=member).association, actor=member)
    assert outbox.dispatch()["sent"] == 2  # the offer's announcement and the claim
    message = OutboxMessage.objects.get(task="reuse.notify_claim_received")
    assert "No recipient address" in message.problem or "Aucune adresse" in message.problem
    assert "recipient" in caplog.text or "destinataire" in caplog.text


def test_admins_see_the_outbox_with_its_problems(client, admin_user):
    OutboxMessage.objects.create(task="reuse.notify_claim_received", args=[1], problem="Aucune adresse")
    client.force_login(admin_user)
    response = client.get("/admin/reuse/outboxmessage/?problem=yes")
    assert response.status_code == 200
    assert "Aucune adresse" in response.content.decode()


def test_periodic_tasks_are_redelivered_when_their_worker_dies():
    from inventory import tasks as inventory_tasks

    for task in (inventory_tasks.run_review, inventory_tasks.send_review_digests, tasks.expire_claims,
                 tasks.request_follow_ups, tasks.dispatch_outbox):
        assert task.acks_late and task.reject_on_worker_lost, task.name
