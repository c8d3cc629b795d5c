"""Donation to a member of staff (CG3P art. L. 3212-2, 5°; ceiling art. D. 3212-4; DOMAIN.md §3).

A person, not an association: no offer, no claim, no portal. Staff choose retired devices,
name the person, and issue the agreement in one step (``donate_to_staff``), after a preview
(``preview_staff_donation``) that runs the same checks and writes nothing.

Only **retired** devices: L. 3212-2 transfers goods the authority no longer uses (biens
réformés); a device still in stock is first retired (which the décret 2023-266 stock counts,
DOMAIN.md §2), an offered one is first withdrawn from its offer. The lifecycle guards refuse a
leased or rented device (it belongs to its lessor) and a device with storage without a passed
erasure done after it left service; the value at transfer comes from ``reuse.valuation`` (book
value on the configured basis, or a declared value with its justification, never hiding a book
value above the ceiling) under the ceiling of the staff eligibility category (art. D. 3212-4).
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory import lifecycle
from inventory.journal import acting_user
from inventory.models import Device, Event, Status

from .. import conf
from ..models import EligibilityCategory, StaffDonation, StaffDonationLine
from ..valuation import Valuation, value_at_transfer


@dataclass(frozen=True)
class StaffLine:
    device: Device
    valuation: Valuation


def staff_category():
    """The eligibility category of staff members (item 5° and its ceiling text), or a refusal."""
    category = (EligibilityCategory.objects.filter(recipient_kind=EligibilityCategory.RecipientKind.STAFF)
                .order_by("position", "pk").first())
    if category is None or not category.cg3p_item or not category.ceiling_article:
        raise ValidationError(
            _("No eligibility category for staff members with its CG3P L. 3212-2 item and ceiling text: an "
              "administrator must fill it in (item 5°, art. D. 3212-4) before devices can be given to staff."),
            code="staff_category_missing",
        )
    return category


def preview_staff_donation(*, devices, declared_values=None, today=None):
    """Check every device and decide its value, writing nothing: ``(category, [StaffLine])``.

    ``declared_values`` maps an asset tag to ``{"value": …, "justification": …}`` for a value
    typed instead of the book value. Raises ``ValidationError`` or ``TransitionRefused``.
    """
    category = staff_category()
    devices = list(devices)
    if not devices:
        raise ValidationError({"devices": _("Choose at least one device.")})
    tags = [device.asset_tag for device in devices]
    if len(set(tags)) != len(tags):
        raise ValidationError({"devices": _("A device is listed twice.")})
    declared_values = declared_values or {}
    unknown = set(declared_values) - set(tags)
    if unknown:
        raise ValidationError({"devices": _("A declared value names a device that is not given: %(tags)s.")
                               % {"tags": ", ".join(sorted(unknown))}})
    article = f"CG3P {category.ceiling_article}".replace("CG3P CG3P ", "CG3P ")
    lines = []
    for device in sorted(devices, key=lambda d: d.asset_tag):
        device = Device.objects.select_related("model__category").get(pk=device.pk)
        if device.status != Status.RETIRED:
            raise lifecycle.TransitionRefused(
                _("%(tag)s is “%(status)s”: only a retired device can be given to a staff member (retire it first, "
                  "or withdraw it from its offer).")
                % {"tag": device.asset_tag, "status": lifecycle.status_label(device.status)},
                code="not_retired",
            )
        declared = declared_values.get(device.asset_tag) or {}
        valuation = value_at_transfer(device, declared=declared.get("value"),
                                      justification=declared.get("justification", ""), today=today,
                                      ceiling_article=article)
        lifecycle.check_transition(device, Status.DONATED, _guard_context(valuation, article),
                                   workflow=lifecycle.Workflow.STAFF_DONATION)
        lines.append(StaffLine(device, valuation))
    return category, lines


def _guard_context(valuation, article):
    return {"value": valuation.value, "value_source": valuation.source,
            "value_justification": valuation.justification, "ceiling_article": article}


@transaction.atomic
def donate_to_staff(*, devices, recipient_name, recipient_department, owner_signatory, actor,
                    recipient_employee_number="", recipient_email="", declared_values=None,
                    operating_system="", licence_status="", handed_over_at=None):
    """Give retired devices to a member of staff: the ``StaffDonation``, its lines, its agreement
    PDF and each device's ``donated`` status with its journal event, all or nothing.

    Refused, with nothing recorded, while the authority's SIRET, address, place, authorising
    decision or signatories are not configured, when the signatory is not a configured one, and
    when any device is refused (not retired, leased, not erased, above the ceiling).
    """
    from ..staff_pdf import staff_agreement

    conf.legal_identity()
    required = conf.agreement_settings()
    recipient_name, recipient_department = (recipient_name or "").strip(), (recipient_department or "").strip()
    if not recipient_name:
        raise ValidationError({"recipient_name": _("Name the staff member.")})
    if not recipient_department:
        raise ValidationError({"recipient_department": _("Give the staff member's department or service.")})
    signatory = conf.signatory(owner_signatory)
    if signatory is None:
        raise ValidationError(
            {"owner_signatory": _("Choose the authority's signatory among the configured signatories: %(names)s.")
             % {"names": ", ".join(entry["name"] for entry in conf.signatories())}},
        )
    if licence_status and licence_status not in StaffDonation.Licence.values:
        raise ValidationError({"licence_status": _("Choose a licence status from the list.")})
    handed_over_at = handed_over_at or timezone.now()
    category, lines = preview_staff_donation(devices=devices, declared_values=declared_values,
                                             today=timezone.localdate(handed_over_at))
    article = f"CG3P {category.ceiling_article}".replace("CG3P CG3P ", "CG3P ")
    donation = StaffDonation.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}",
        recipient_name=recipient_name,
        recipient_department=recipient_department,
        recipient_employee_number=(recipient_employee_number or "").strip(),
        recipient_email=(recipient_email or "").strip(),
        handed_over_at=handed_over_at,
        handed_over_by=acting_user(actor),
        legal_item=category.legal_item,
        ceiling_article=category.ceiling_article,
        owner_signatory=signatory["name"],
        owner_signatory_role=signatory.get("role", ""),
        owner_signatory_delegation=signatory.get("delegation", ""),
        authorisation=required["decision"],
        place=required["place"],
        operating_system=(operating_system or "").strip(),
        licence_status=licence_status or "",
        total_value=sum((line.valuation.value for line in lines), start=0),
    )
    donation.number = f"CES-AG-{handed_over_at:%Y}-{donation.pk:05d}"
    for line in lines:
        lifecycle.transition(
            line.device, Status.DONATED, actor=actor, kind=Event.Kind.DONATED, expected_status=Status.RETIRED,
            workflow=lifecycle.Workflow.STAFF_DONATION,
            # The person's name stays on the agreement, not in the long-lived journal (GDPR).
            note=_("Agreement %(number)s (staff member)") % {"number": donation.number},
            data={"staff_donation_id": donation.pk}, **_guard_context(line.valuation, article),
        )
    # After the transitions: they lock each device row and refuse (409) a device another donation
    # took meanwhile, before the one-line-per-device index could fail.
    StaffDonationLine.objects.bulk_create([
        StaffDonationLine(donation=donation, device=line.device, value_at_transfer=line.valuation.value,
                          value_source=line.valuation.source, value_basis=line.valuation.basis,
                          value_justification=line.valuation.justification, book_value=line.valuation.book_value)
        for line in lines
    ])
    donation.content_hash = donation.compute_hash()
    donation.agreement.save(f"{donation.number}.pdf", ContentFile(staff_agreement(donation)), save=False)
    donation.save(update_fields=["number", "content_hash", "agreement"])
    return donation
