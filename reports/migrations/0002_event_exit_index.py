"""A partial index on the journal for the reports' "first exit from service" lookups.

Lifespans need, per device, its first event that took it out of service. A correlated lookup on
``inventory_event (device_id, at)`` visits every event of every device (~1M rows at 100k
devices); this partial index holds only exit events, so each lookup is one short index probe.
It is created here, as plain SQL valid on SQLite and PostgreSQL, so that inventory's models
(being re-laid out elsewhere) need no change; inventory may adopt it as a Meta index later.
"""

from django.db import migrations

EXIT_STATUSES = "('retired', 'available', 'reserved', 'donated', 'recycled', 'lost')"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_donation_flat_values"),
        ("inventory", "0005_device_books_and_weee"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS reports_event_exit_idx ON inventory_event (device_id, at) "
            f"WHERE to_status IN {EXIT_STATUSES}",
            "DROP INDEX IF EXISTS reports_event_exit_idx",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS reports_event_status_idx ON inventory_event (device_id, at, id) "
            "WHERE to_status <> ''",
            "DROP INDEX IF EXISTS reports_event_status_idx",
        ),
    ]
