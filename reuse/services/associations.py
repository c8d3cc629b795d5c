"""Partner associations: application, approval, suspension, members."""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.roles import ASSOCIATION
from inventory.journal import acting_user

from .. import tasks
from ..exceptions import ReuseRefused
from ..models import Association, Membership
from .common import enqueue

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = (
    "name", "rna", "siret", "eligibility", "purpose", "address", "contact_name", "contact_email", "contact_phone",
)


@transaction.atomic
def apply_as_association(*, name, eligibility, contact_name, contact_email, rna="", siret="", contact_phone="",
                         address="", purpose="", interests=()):
    """A public application: the association waits, pending, until staff approve it."""
    if not eligibility.open_to_associations:
        raise ValidationError({"eligibility": _("This category is not open to associations.")})
    association = Association(
        name=name.strip(), rna=rna.strip().upper(), siret=siret.replace(" ", ""), eligibility=eligibility,
        contact_name=contact_name.strip(), contact_email=contact_email.strip().lower(),
        contact_phone=contact_phone.strip(), address=address.strip(), purpose=purpose.strip(),
    )
    # Format errors are the applicant's to fix; "this number is already registered" is not theirs
    # to learn (the public form must not tell who is a partner): the same answer as a success.
    association.full_clean(validate_constraints=False, validate_unique=False)
    numbers = Q(rna=association.rna) if association.rna else Q(pk__in=[])
    if association.siret:
        numbers |= Q(siret=association.siret)
    if Association.objects.filter(numbers).exists():
        logger.warning("Application for an RNA/SIRET already registered (%s / %s): not recorded.",
                       association.rna or "-", association.siret or "-")
        return None
    try:
        with transaction.atomic():
            association.save()
    except IntegrityError:  # the same number sent twice at once: the first one is kept
        return None
    association.interests.set(interests)
    enqueue(tasks.notify_application_received, association.pk)
    return association


@transaction.atomic
def update_association(*, association, actor, interests=None, **fields):
    """Edit an association's facts (staff)."""
    locked = Association.objects.select_for_update().get(pk=association.pk)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValidationError(_("“%(field)s” cannot be edited here.") % {"field": name})
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    if interests is not None:
        locked.interests.set(interests)
    return locked


@transaction.atomic
def update_interests(*, association, interests, actor):
    """The categories an association follows (members edit them from their portal)."""
    association.interests.set(interests)
    return association


@transaction.atomic
def approve_association(*, association, actor, create_account=True):
    """Approve (or reinstate) an association; by default open an account for its contact.

    The account has no password: the welcome email carries a link to choose one.
    """
    locked = Association.objects.select_for_update().get(pk=association.pk)
    if locked.status == Association.Status.APPROVED:
        raise ReuseRefused(_("%(name)s is already approved.") % {"name": locked.name}, code="already_approved")
    locked.status = Association.Status.APPROVED
    locked.status_reason = ""
    locked.decided_at = timezone.now()
    locked.decided_by = acting_user(actor)
    locked.save(update_fields=["status", "status_reason", "decided_at", "decided_by"])
    if create_account and not locked.memberships.exists():
        user = _account_for(locked)
        if user is not None:
            enqueue(tasks.notify_association_approved, locked.pk, user.pk)
    association.status = locked.status
    return locked


def _account_for(association):
    User = get_user_model()
    email = association.contact_email
    if User.objects.filter(username__iexact=email).exists() or User.objects.filter(email__iexact=email).exists():
        return None
    user = User(username=email, email=email, first_name=association.contact_name[:150])
    user.set_unusable_password()
    user.save()
    add_member(association=association, user=user)
    return user


@transaction.atomic
def add_member(*, association, user):
    """Let a user act for an association (one association per account)."""
    if Membership.objects.filter(user=user).exclude(association=association).exists():
        raise ValidationError(_("This account already acts for another association."))
    Membership.objects.get_or_create(user=user, association=association)
    user.groups.add(Group.objects.get(name=ASSOCIATION))
    return user


@transaction.atomic
def suspend_association(*, association, actor, reason):
    """Suspend an association: it can no longer claim, and pending handovers are refused."""
    return _decide(association, actor, Association.Status.SUSPENDED, reason, (Association.Status.APPROVED,))


@transaction.atomic
def refuse_application(*, association, actor, reason):
    """Refuse a pending application, with a reason the applicant can read."""
    return _decide(association, actor, Association.Status.REFUSED, reason, (Association.Status.PENDING,))


def _decide(association, actor, status, reason, allowed_from):
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give a reason.")})
    locked = Association.objects.select_for_update().get(pk=association.pk)
    if locked.status not in allowed_from:
        raise ReuseRefused(
            _("%(name)s is “%(status)s”: this decision does not apply.")
            % {"name": locked.name, "status": locked.get_status_display()},
            code="wrong_status",
        )
    locked.status = status
    locked.status_reason = reason.strip()
    locked.decided_at = timezone.now()
    locked.decided_by = acting_user(actor)
    locked.save(update_fields=["status", "status_reason", "decided_at", "decided_by"])
    association.status = locked.status
    return locked
