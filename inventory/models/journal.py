"""The device journal: one append-only line per thing that happened to a device.

Rows are written only by ``inventory.journal`` (the journal writer), never built elsewhere.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .register import Device, Status


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The journal is append-only: events cannot be updated.")

    def delete(self):
        raise TypeError("The journal is append-only: events cannot be deleted.")


class Event(models.Model):
    """One line of a device's journal. Append-only: never updated, never deleted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Registered")
        STATUS = "status", _("Status change")
        NOTE = "note", _("Note")
        MOVED = "moved", _("Moved")
        ASSIGNED = "assigned", _("Assigned")
        EDITED = "edited", _("Edited")
        REPAIR_OPENED = "repair_opened", _("Repair opened")
        REPAIR_CLOSED = "repair_closed", _("Repair closed")
        SIGHTED = "sighted", _("Seen in an audit")
        REDEPLOYED = "redeployed", _("Redeployed")
        ERASED = "erased", _("Data erased")
        OFFERED = "offered", _("Offered")
        CLAIMED = "claimed", _("Claimed")
        DONATED = "donated", _("Donated")
        PLANNED = "planned", _("Renewal planned")
        IMPORTED = "imported", _("Imported")
        EXITED = "exited", _("Left the fleet")
        FOUND = "found", _("Found again")

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="events", verbose_name=_("device"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    note = models.TextField(_("note"), blank=True)
    repair = models.ForeignKey("Repair", on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    # Links to rows of other apps (claim, erasure, offer, sighting) by id: inventory imports none of them.
    data = models.JSONField(_("details"), default=dict, blank=True)
    attachment = models.FileField(_("photo"), upload_to="events/%Y/%m/", blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal event")
        verbose_name_plural = _("journal")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["device", "at"]), models.Index(fields=["kind", "at"])]

    def __str__(self):
        return f"{self.device_id} {self.kind} {self.at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("The journal is append-only: events cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The journal is append-only: events cannot be deleted.")
