"""Emails of the reuse workflows (Django's email backend; the console in development).

Called by the Celery tasks in ``reuse.tasks``, never from a request. Each email is keyed by what
it is about (``SentNotification``): a task that runs twice does not send twice.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from config.roles import PROCUREMENT

from .models import Association, Claim, Donation, Offer, SentNotification
from .outbox import report_problem


def absolute(path):
    return settings.PUBLIC_BASE_URL + path


def association_recipients(association):
    emails = [association.contact_email]
    emails += association.memberships.filter(user__is_active=True).exclude(user__email="").values_list(
        "user__email", flat=True
    )
    return sorted({email.lower() for email in emails if email})


def staff_recipients():
    users = get_user_model().objects.filter(groups__name=PROCUREMENT, is_active=True).exclude(email="")
    return sorted({email.lower() for email in users.values_list("email", flat=True)})


def send_once(key, subject, template, context, recipients):
    """Send one email unless one with this key was already sent. Returns True when sent."""
    if not recipients:
        # Nobody to write to (no procurement user with an address, an association without
        # contact): said in the log and on the outbox message, listed in the admin.
        report_problem(_("No recipient address for the notification %(key)s.") % {"key": key})
        return False
    with transaction.atomic():
        _row, created = SentNotification.objects.get_or_create(key=key)
        if not created:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(template, {"OWNER_NAME": settings.PROLONGE["OWNER_NAME"], **context})
            send_mail(str(subject), body, settings.DEFAULT_FROM_EMAIL, recipients)
    return True


def offer_published(offer_id):
    """Tell approved associations that follow the offer's category. Returns how many were told."""
    offer = Offer.objects.select_related("category").get(pk=offer_id)
    associations = Association.objects.filter(status=Association.Status.APPROVED, interests=offer.category)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New offer: %(title)s") % {"title": offer.title}
    for association in associations:
        sent += send_once(
            f"offer:{offer.pk}:association:{association.pk}",
            subject,
            "reuse/email/offer_published.txt",
            {"offer": offer, "association": association, "url": absolute(offer.get_absolute_url())},
            association_recipients(association),
        )
    return sent


def claim_received(claim_id):
    """Tell procurement staff that an association claimed devices."""
    claim = Claim.objects.select_related("association", "offer").get(pk=claim_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New claim from %(name)s") % {"name": claim.association.name}
    return send_once(
        f"claim:{claim.pk}:received",
        subject,
        "reuse/email/claim_received.txt",
        {"claim": claim, "url": absolute(claim.get_absolute_url())},
        staff_recipients(),
    )


def claim_status(claim_id, status):
    """Tell the association its claim changed state (approved, ready, refused, expired…)."""
    claim = Claim.objects.select_related("association", "offer").get(pk=claim_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your claim #%(id)s: %(status)s") % {"id": claim.pk, "status": Claim.Status(status).label}
        status_label = str(Claim.Status(status).label)
    return send_once(
        f"claim:{claim.pk}:{status}",
        subject,
        "reuse/email/claim_status.txt",
        {"claim": claim, "status": status, "status_label": status_label, "url": absolute(claim.get_absolute_url())},
        association_recipients(claim.association),
    )


def application_received(association_id):
    """Tell procurement staff that an association applied."""
    association = Association.objects.select_related("eligibility").get(pk=association_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New partner application: %(name)s") % {"name": association.name}
    return send_once(
        f"association:{association.pk}:applied",
        subject,
        "reuse/email/application_received.txt",
        {"association": association, "url": absolute(reverse("reuse:association-detail", args=[association.pk]))},
        staff_recipients(),
    )


def association_approved(association_id, user_id):
    """Welcome the association's new account, with a link to choose a password."""
    association = Association.objects.get(pk=association_id)
    user = get_user_model().objects.get(pk=user_id)
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(name)s is now a partner of %(owner)s") % {
            "name": association.name, "owner": settings.PROLONGE["OWNER_NAME"]}
    return send_once(
        f"association:{association.pk}:welcome:{user.pk}",
        subject,
        "reuse/email/association_approved.txt",
        {"association": association, "user": user, "password_url": absolute(path),
         "catalogue_url": absolute(reverse("reuse:catalogue"))},
        [user.email],
    )


def follow_up_requested(donation_id):
    """Ask the association how the donated kit is used (six months after the handover)."""
    donation = Donation.objects.select_related("association").get(pk=donation_id)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("How is the equipment of agreement %(number)s used?") % {"number": donation.number}
    return send_once(
        f"donation:{donation.pk}:follow-up",
        subject,
        "reuse/email/follow_up.txt",
        {"donation": donation, "url": absolute(reverse("reuse:follow-up", args=[donation.pk]))},
        association_recipients(donation.association),
    )
