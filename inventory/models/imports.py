"""Saved import mappings and the background file jobs of imports and large exports
(``inventory.imports``, ``inventory.exports``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportProfile(models.Model):
    """A custom import mapping saved for reuse: a built-in profile plus overrides (``inventory.imports``)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    base = models.CharField(_("based on"), max_length=20, default="template")
    # {"asset_tag": "Header in the file", ...} and {"label in the file": "status code", ...}
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    statuses = models.JSONField(_("status table"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        ordering = ["name"]

    def __str__(self):
        return self.name


class FileJob(models.Model):
    """A long import or export run by a worker; the page polls it (progress survives a reload)."""

    class Kind(models.TextChoices):
        IMPORT_CHECK = "import_check", _("Import check (dry run)")
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    source = models.FileField(_("file"), upload_to="jobs/%Y/%m/", blank=True)
    source_name = models.CharField(max_length=255, blank=True)
    result = models.FileField(_("result"), upload_to="jobs/%Y/%m/", blank=True)
    options = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.pk}"
