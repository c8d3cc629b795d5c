"""Celery tasks of reuse: thin and idempotent; they take ids and call a service or notifier.

Services enqueue them with ``transaction.on_commit``: ``enqueue(tasks.notify_claim_received, claim.pk)``
(``reuse.services.common.enqueue``). So services import this module, and this module imports
``reuse.services`` only inside the two scheduled tasks that call a verb: importing either
module first works, and neither sees the other half-built.
"""

from celery import shared_task

from . import notifications


@shared_task(name="reuse.notify_offer_published")
def notify_offer_published(offer_id):
    return notifications.offer_published(offer_id)


@shared_task(name="reuse.notify_claim_received")
def notify_claim_received(claim_id):
    return notifications.claim_received(claim_id)


@shared_task(name="reuse.notify_claim_status")
def notify_claim_status(claim_id, status):
    return notifications.claim_status(claim_id, status)


@shared_task(name="reuse.notify_application_received")
def notify_application_received(association_id):
    return notifications.application_received(association_id)


@shared_task(name="reuse.notify_association_approved")
def notify_association_approved(association_id, user_id):
    return notifications.association_approved(association_id, user_id)


@shared_task(name="reuse.notify_follow_up_requested")
def notify_follow_up_requested(donation_id):
    return notifications.follow_up_requested(donation_id)


@shared_task(name="reuse.expire_claims")
def expire_claims():
    from . import services

    return {"expired": services.expire_claims()}


@shared_task(name="reuse.request_follow_ups")
def request_follow_ups():
    from . import services

    return {"asked": services.request_follow_ups()}
