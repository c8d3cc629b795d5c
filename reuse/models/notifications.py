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
