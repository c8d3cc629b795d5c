"""The ledger of emails sent, so a task that runs twice sends nothing twice."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SentNotification(models.Model):
    """One row per email sent, keyed by what it was about: a task run twice sends nothing twice."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")

    def __str__(self):
        return self.key


class OutboxMessage(models.Model):
    """A notification to send, written in the same transaction as the change it reports.

    The write never talks to the broker: the row commits with the claim or the approval, and the
    ``reuse.dispatch_outbox`` sweep (kicked after commit, and run by beat) sends it later, retrying
    with backoff while the broker or the mail server is down. ``sent_at`` is set once, under a
    row lock (``select_for_update(skip_locked=True)``), so two sweeps never send the same message.
    """

    task = models.CharField(_("task"), max_length=100)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    due_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed = models.BooleanField(_("given up"), default=False)
    last_error = models.TextField(_("last error"), blank=True)
    problem = models.TextField(
        _("problem"), blank=True, help_text=_("What was sent but may not have reached anyone (no address).")
    )

    class Meta:
        verbose_name = _("outgoing notification")
        verbose_name_plural = _("outgoing notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["sent_at", "failed", "due_at"], name="reuse_outbox_due")]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
