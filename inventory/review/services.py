"""The review's verbs: run it, accept a finding (apply the recommendation), dismiss it (with a
reason), change its thresholds."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..journal import acting_user
from ..models.review import SINGLETON_ID, CategoryReviewSettings, Flag, ReviewSettings
from .base import get_rule
from .run import run_review

__all__ = ["ACCEPT_LIMIT", "AcceptReport", "accept_flags", "dismiss_flags", "run_review",
           "update_category_thresholds", "update_review_settings"]

# Accepting may change statuses one device at a time (through the lifecycle): a page's worth.
ACCEPT_LIMIT = 1000


@dataclass
class AcceptReport:
    accepted: int = 0
    refused: dict = field(default_factory=dict)  # asset tag -> why the recommendation failed


def accept_flags(*, flags, actor, note=""):
    """Apply the recommendation of each open flag in ``flags`` (a queryset) and mark it accepted.

    Each rule says what accepting means (``Rule.accept``): remove from the renewal plan, offer
    to associations, release a reservation… Status changes go through the lifecycle, so its
    guards apply: a refused change leaves that flag open and is reported by asset tag.
    """
    selected = list(flags.filter(resolved_at__isnull=True).select_related("device")[: ACCEPT_LIMIT + 1])
    if len(selected) > ACCEPT_LIMIT:
        raise ValidationError(
            _("Accept at most %(limit)s findings at a time; narrow the filters.") % {"limit": ACCEPT_LIMIT}
        )
    report = AcceptReport()
    by_rule = {}
    for flag in selected:
        by_rule.setdefault(flag.rule, []).append(flag)
    for slug, group in by_rule.items():
        rule = get_rule(slug)
        with transaction.atomic():
            errors = rule.accept(group, actor=actor) if rule else {}
            done = [flag.pk for flag in group if flag.pk not in errors]
            now = timezone.now()
            report.accepted += Flag.objects.filter(pk__in=done, resolved_at__isnull=True).update(
                resolved_at=now, updated_at=now, resolved_by=acting_user(actor),
                resolution=Flag.Resolution.ACCEPTED, resolution_reason=note,
            )
        report.refused.update({flag.device.asset_tag: errors[flag.pk] for flag in group if flag.pk in errors})
    return report


@transaction.atomic
def dismiss_flags(*, flags, actor, reason):
    """Close the open flags in ``flags`` without acting, for a stated reason.

    The same finding is not raised again for that device before ``snooze_days``.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why these findings are dismissed.")})
    now = timezone.now()
    return flags.filter(resolved_at__isnull=True).update(
        resolved_at=now, updated_at=now, resolved_by=acting_user(actor),
        resolution=Flag.Resolution.DISMISSED, resolution_reason=reason,
    )


@transaction.atomic
def update_review_settings(*, actor, **values):
    """Change the review thresholds (procurement); they apply from the next run."""
    row = ReviewSettings.objects.select_for_update().filter(pk=SINGLETON_ID).first()
    row = row or ReviewSettings(pk=SINGLETON_ID)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = timezone.now()
    row.updated_by = acting_user(actor)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def update_category_thresholds(*, actor, rows):
    """Set each category's own review thresholds (procurement); empty ones take the global value.

    ``rows``: ``[{"category": id, "idle_days": 180 or None, …}]``; a row with no value at all
    removes the category's own thresholds.
    """
    names = CategoryReviewSettings.OVERRIDABLE
    for row in rows:
        values = {name: row.get(name) for name in names}
        if all(value is None for value in values.values()):
            CategoryReviewSettings.objects.filter(category_id=row["category"]).delete()
            continue
        item = CategoryReviewSettings.objects.filter(category_id=row["category"]).first()
        item = item or CategoryReviewSettings(category_id=row["category"])
        for name, value in values.items():
            setattr(item, name, value)
        item.full_clean()
        item.save()
    ReviewSettings.objects.filter(pk=SINGLETON_ID).update(updated_at=timezone.now(), updated_by=acting_user(actor))
