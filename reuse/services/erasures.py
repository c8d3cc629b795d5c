from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory import journal
from inventory.journal import acting_user
from inventory.lifecycle import GONE, status_label
from inventory.models import Device, Event

from ..exceptions import ReuseRefused
from ..models import Erasure


@transaction.atomic
def record_erasure(
    *,
    device,
    actor,
    method,
    tool,
    passed,
    performed_at=None,
    tool_version="",
    method_detail="",
    storage_serials=(),
    operator_name="",
):
    """Record a data erasure, issue its certificate (PDF and content hash) and journal it.

    A failed verification is recorded too (it is a fact), but only a passed erasure done after
    the device last left service lets it leave the authority (``reuse.guards``).
    """
    from ..conf import legal_identity
    from ..pdf import erasure_certificate

    legal_identity()  # the certificate names the authority: refused, nothing recorded, without it
    locked = Device.objects.select_for_update().select_related("model").get(pk=device.pk)
    if locked.status in GONE:
        raise ReuseRefused(
            _("%(tag)s is %(status)s: it is no longer ours to erase.")
            % {"tag": locked.asset_tag, "status": status_label(locked.status)},
            code="terminal",
        )
    now = timezone.now()
    performed_at = performed_at or now
    if performed_at > now + timezone.timedelta(minutes=5):
        raise ValidationError({"performed_at": _("An erasure cannot be recorded in the future.")})
    if method not in Erasure.Method.values:
        raise ValidationError({"method": _("Choose clear, purge or destroy.")})
    if isinstance(storage_serials, str):
        storage_serials = storage_serials.splitlines()
    operator_name = (operator_name or "").strip() or _display_name(actor)
    if not operator_name:
        raise ValidationError({"operator_name": _("Name the person who performed the erasure.")})
    # Certificate numbers follow the device: the device row is locked, so the count is exact.
    sequence = Erasure.objects.filter(device=locked).count() + 1
    erasure = Erasure(
        number=f"EFF-{locked.asset_tag}-{sequence}",
        device=locked,
        method=method,
        method_detail=method_detail.strip(),
        tool=tool.strip(),
        tool_version=tool_version.strip(),
        operator=acting_user(actor),
        operator_name=operator_name,
        performed_at=performed_at,
        passed=bool(passed),
        storage_serials="\n".join(s.strip() for s in storage_serials if s.strip()),
        created_at=now,
    )
    erasure.full_clean(exclude=["content_hash", "certificate"])
    erasure.content_hash = erasure.compute_hash()
    erasure.save()
    erasure.certificate.save(f"{erasure.number}.pdf", ContentFile(erasure_certificate(erasure)), save=False)
    Erasure.objects.filter(pk=erasure.pk).update(certificate=erasure.certificate.name)
    journal.record(
        locked,
        Event.Kind.ERASED,
        actor=actor,
        at=now,
        note=_("Certificate %(number)s — %(result)s")
        % {"number": erasure.number, "result": _("passed") if erasure.passed else _("FAILED")},
        data={"erasure_id": erasure.pk, "certificate": erasure.number, "passed": erasure.passed},
    )
    return erasure


def _display_name(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.get_username()
