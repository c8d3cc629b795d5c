"""Weekly digest emails of the review, one per person, by role.

- Technicians: open ``warranty_ending`` and ``not_seen`` findings of *their sites*. The register
  has no user↔site link, so "their sites" are the communes (top-level sites) of the devices
  they recorded something about in the journal during the last 12 months (repairs, audits,
  moves, status changes…). A technician with no such activity gets the whole fleet.
- Procurement: open ``extend`` and ``repair_not_replace`` findings with their savings.

Users without an email address are skipped; nothing is sent to someone with nothing to read.
The digest is sent once per ISO week (the week is recorded in the review settings), so that a
retried task does not send it twice; ``force=True`` sends it again.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from config.roles import PROCUREMENT, TECHNICIAN

from ..models import Event, Flag, Site
from ..models.review import SINGLETON_ID, ReviewSettings
from .base import rule_label
from .queries import savings_totals

TECHNICIAN_RULES = ("warranty_ending", "not_seen")
PROCUREMENT_RULES = ("extend", "repair_not_replace")
LISTED = 30


def iso_week(day):
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def technician_communes(user, *, today):
    """Paths of the communes where ``user`` recorded something in the last 12 months."""
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=365), dt.time.min))
    paths = (
        Event.objects.filter(actor=user, at__gte=since, device__site__isnull=False)
        .values_list("device__site__path", flat=True).distinct()
    )
    return sorted({f"/{path.strip('/').split('/')[0]}/" for path in paths if path.strip("/")})


def _flags(rules):
    return (
        Flag.objects.filter(resolved_at__isnull=True, rule__in=rules)
        .select_related("device", "device__site")
    )


def _link(path, **query):
    from urllib.parse import urlencode

    return f"{settings.PUBLIC_BASE_URL}{path}" + (f"?{urlencode(query, doseq=True)}" if query else "")


def technician_digest(user, *, today):
    """(subject, body) for a technician, or None when there is nothing for them."""
    communes = technician_communes(user, today=today)
    flags = _flags(TECHNICIAN_RULES)
    if communes:
        scope = Q()
        for path in communes:
            scope |= Q(device__site__path__startswith=path)
        flags = flags.filter(scope)
    counts = dict(flags.values_list("rule").annotate(n=Count("id")).order_by())
    if not counts:
        return None
    listed = list(flags.order_by("rule", "device__warranty_end", "device__asset_tag")[:LISTED])
    site_names = dict(Site.objects.filter(path__in=communes).values_list("path", "name"))
    context = {
        "user": user, "today": today, "counts": _labelled(counts), "flags": listed,
        "total": sum(counts.values()), "communes": [site_names.get(p, p) for p in communes],
        "url": _link(reverse("review:flag-list"), rule=list(TECHNICIAN_RULES)),
        "base_url": settings.PUBLIC_BASE_URL,
    }
    return render_to_string("inventory/flag_digest_subject.txt", {"role": TECHNICIAN, **context}).strip(), \
        render_to_string("inventory/flag_digest_technician.txt", context)


def procurement_digest(user, *, today, summary=None):
    """(subject, body) for procurement, or None when there is nothing to challenge."""
    summary = summary or _procurement_summary()
    if not summary["total"]:
        return None
    context = {"user": user, "today": today, **summary,
               "url": _link(reverse("review:flag-list"), rule=list(PROCUREMENT_RULES),
                            ordering="-savings_eur"),
               "base_url": settings.PUBLIC_BASE_URL,
               "method_url": f"{settings.PUBLIC_BASE_URL}{reverse('inventory:method')}"}
    return render_to_string("inventory/flag_digest_subject.txt", {"role": PROCUREMENT, **context}).strip(), \
        render_to_string("inventory/flag_digest_procurement.txt", context)


def _procurement_summary():
    flags = _flags(PROCUREMENT_RULES)
    rows = flags.values("rule").annotate(
        n=Count("id"), eur=Coalesce(Sum("savings_eur"), Decimal(0)), kg=Coalesce(Sum("savings_kgco2e"), Decimal(0))
    ).order_by("rule")
    per_rule = [{"label": rule_label(row["rule"]), **row} for row in rows]
    # One figure per device, deferrals only (issue 10): never the sum of the rules' columns.
    deferred = savings_totals(flags).get(Flag.SavingsKind.DEFERRED) or {}
    return {
        "per_rule": per_rule, "total": sum(row["n"] for row in per_rule),
        "devices": deferred.get("devices", 0),
        "eur": deferred.get("eur") or Decimal(0),
        "kg": deferred.get("kg") or Decimal(0),
        "flags": list(flags.order_by("-savings_eur", "device__asset_tag")[:LISTED]),
    }


def _labelled(counts):
    return [{"rule": slug, "label": rule_label(slug), "n": n} for slug, n in sorted(counts.items())]


def send_weekly_digests(*, today=None, force=False):
    """Email every technician and procurement officer their digest; once per ISO week."""
    today = today or timezone.localdate()
    week = iso_week(today)
    row = ReviewSettings.objects.filter(pk=SINGLETON_ID).first()
    if row is not None and row.last_digest_week == week and not force:
        return {"week": week, "sent": 0, "skipped": True}
    users = (
        get_user_model().objects.filter(is_active=True, groups__name__in=[TECHNICIAN, PROCUREMENT])
        .exclude(email="").prefetch_related("groups").distinct().order_by("pk")
    )
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        summary = None
        for user in users:
            roles = {group.name for group in user.groups.all()}
            parts = []
            if TECHNICIAN in roles:
                parts.append(technician_digest(user, today=today))
            if PROCUREMENT in roles:
                summary = summary or _procurement_summary()
                parts.append(procurement_digest(user, today=today, summary=summary))
            for part in filter(None, parts):
                subject, body = part
                messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    sent = get_connection().send_messages(messages) if messages else 0
    ReviewSettings.objects.update_or_create(pk=SINGLETON_ID, defaults={"last_digest_week": week})
    return {"week": week, "sent": sent or 0, "skipped": False}
