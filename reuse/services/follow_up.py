"""Follow-up of donations: the association's account of how the kit is used (proof of reuse)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.journal import acting_user

from .. import tasks
from ..models import Donation, FollowUp
from .common import enqueue


def request_follow_ups(*, today=None):
    """Ask, by email and on the portal, every association whose donation's follow-up is due.

    Idempotent: a donation is asked once (``follow_up_requested_at``). Returns how many were asked.
    """
    today = today or timezone.localdate()
    asked = 0
    due = Donation.objects.filter(
        follow_up_due__lte=today, follow_up_requested_at__isnull=True, follow_up__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            marked = Donation.objects.filter(pk=pk, follow_up_requested_at__isnull=True).update(
                follow_up_requested_at=timezone.now()
            )
            if marked:
                enqueue(tasks.notify_follow_up_requested, pk)
                asked += 1
    return asked


@transaction.atomic
def record_follow_up(*, donation, actor, beneficiaries, devices_in_use, failures=0, comments=""):
    """Record (or correct) the association's answer for one donation."""
    count = donation.claim.lines.count()
    errors = {}
    if devices_in_use > count:
        errors["devices_in_use"] = _("The donation counted %(count)d devices.") % {"count": count}
    if failures > count:
        errors["failures"] = _("The donation counted %(count)d devices.") % {"count": count}
    if errors:
        raise ValidationError(errors)
    follow_up, _created = FollowUp.objects.update_or_create(
        donation=donation,
        defaults={
            "beneficiaries": beneficiaries,
            "devices_in_use": devices_in_use,
            "failures": failures,
            "comments": (comments or "").strip(),
            "submitted_by": acting_user(actor),
            "submitted_at": timezone.now(),
        },
    )
    return follow_up
