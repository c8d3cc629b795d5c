"""Celery tasks of reuse: thin and idempotent; they take ids and call a service or notifier.

Services enqueue them through the outbox: ``enqueue(tasks.notify_claim_received, claim.pk)``
(``reuse.outbox.enqueue``) writes a row in the verb's transaction, which ``dispatch_outbox`` runs
later. Periodic tasks are ``acks_late`` and rejected (so redelivered) when their worker dies.
So services import this module, and this module imports
``reuse.services`` only inside the two scheduled tasks that call a verb: importing either
module first works, and neither sees the other half-built.
"""

from celery import shared_task

from . import notifications

# A periodic run killed mid-way (worker lost, OOM) is redelivered instead of acknowledged.
PERIODIC = {"acks_late": True, "reject_on_worker_lost": True}


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


@shared_task(name="reuse.dispatch_outbox", **PERIODIC)
def dispatch_outbox(ids=None):
    from . import outbox

    return outbox.dispatch(ids=ids)


@shared_task(name="reuse.expire_claims", **PERIODIC)
def expire_claims():
    from . import services

    return {"expired": services.expire_claims()}


@shared_task(name="reuse.request_follow_ups", **PERIODIC)
def request_follow_ups():
    from . import services

    return {"asked": services.request_follow_ups()}
