"""Asset tags get one format (letters, digits, "-", "_", "."), checked by the database.

Tags stored before the rule that break it (a "/" once took the device list down) are rewritten
first: every other character becomes "-", a tag that would start with a separator gets an "X",
and a clash with an existing tag gets a numeric suffix. Each rewrite is journalled on the device
(an "edited" event giving the old and the new tag), so the label can be reprinted.
"""

import re

import django.core.validators
from django.db import migrations, models
from django.utils import timezone

VALID = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def fixed_tag(tag, taken):
    base = re.sub(r"[^A-Z0-9._-]", "-", (tag or "").strip().upper())
    if not base[:1].isalnum():
        base = "X" + base
    base = base[:32]
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: 32 - len(suffix)] + suffix
    return candidate


def rewrite_bad_tags(apps, schema_editor):
    Device = apps.get_model("inventory", "Device")
    Event = apps.get_model("inventory", "Event")
    taken = set(Device.objects.values_list("asset_tag", flat=True))
    for device in Device.objects.only("id", "asset_tag", "status").iterator():
        if VALID.match(device.asset_tag or ""):
            continue
        old = device.asset_tag
        new = fixed_tag(old, taken)
        taken.add(new)
        Device.objects.filter(pk=device.pk).update(asset_tag=new)
        # Migrations cannot import inventory.journal (it uses today's models): the same row it writes.
        Event.objects.create(
            device_id=device.pk,
            kind="edited",
            at=timezone.now(),
            note=f"Asset tag rewritten to the valid format: {old!r} -> {new}",
            data={"changes": {"asset_tag": [old, new]}},
        )


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0011_scale_indexes'),
    ]

    operations = [
        migrations.RunPython(rewrite_bad_tags, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='device',
            name='asset_tag',
            field=models.CharField(max_length=32, unique=True, validators=[django.core.validators.RegexValidator('\\A[A-Za-z0-9][A-Za-z0-9._-]*\\Z', code='invalid_asset_tag', message='An asset tag holds only letters, digits, "-", "_" and ".", and starts with a letter or digit.')], verbose_name='asset tag'),
        ),
        migrations.AddConstraint(
            model_name='device',
            constraint=models.CheckConstraint(condition=models.Q(('asset_tag__regex', '\\A[A-Za-z0-9][A-Za-z0-9._-]*\\Z')), name='device_asset_tag_format'),
        ),
    ]
