import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django_celery_beat.models import PeriodicTask

from config.roles import PROCUREMENT, TECHNICIAN
from inventory import tasks
from inventory.models import Device, Event, Flag, Status
from inventory.review import run_review
from inventory.review.digest import send_weekly_digests
from tests.factories import SiteFactory, UserFactory
from tests.inventory.review_fleet import TODAY, make_device


@pytest.fixture
def beat_schedule(db):
    """The beat rows of migration 0004_review_schedule, applied by the migration's own function.

    A transactional test (the Celery worker tests) flushes the database afterwards, which
    removes rows written by data migrations; the function is idempotent (get_or_create).
    """
    migration = importlib.import_module("inventory.migrations.0004_review_schedule")
    migration.create_schedule(django_apps, None)


@pytest.mark.celery_worker
def test_the_nightly_beat_entry_runs_the_review_through_a_real_worker(celery_worker, beat_schedule):
    entry = PeriodicTask.objects.get(task="inventory.run_review")
    device = make_device("NEVER-SEEN", last_seen=None)

    result = celery_worker.send(entry.task, *json.loads(entry.args), **json.loads(entry.kwargs))
    summary = result.get(timeout=60)

    assert (entry.enabled, entry.crontab.hour, entry.crontab.minute) == (True, "2", "30")
    assert {row["rule"]: row["opened"] for row in summary["rules"]}["not_seen"] == 1
    assert Flag.objects.filter(device=device, rule="not_seen", resolved_at__isnull=True).exists()


def test_the_weekly_digest_is_scheduled_on_monday_morning_and_editable_in_admin(beat_schedule, admin_user, client):
    entry = PeriodicTask.objects.get(task="inventory.send_review_digests")
    client.force_login(admin_user)

    response = client.get(f"/admin/django_celery_beat/periodictask/{entry.pk}/change/")

    assert (entry.crontab.day_of_week, entry.crontab.hour) == ("1", "7")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_review_task_is_a_thin_wrapper_returning_the_summary():
    make_device("NEVER-SEEN", last_seen=None)

    summary = tasks.run_review(today=TODAY.isoformat())

    assert summary["day"] == TODAY.isoformat()
    assert {row["rule"]: row["opened"] for row in summary["rules"]}["not_seen"] == 1


@pytest.fixture
def digest_fleet(db):
    north, south = SiteFactory(name="Nord"), SiteFactory(name="Sud")
    tech = UserFactory(username="tech-nord", email="nord@example.org", roles=[TECHNICIAN])
    buyer = UserFactory(username="achats", email="achats@example.org", roles=[PROCUREMENT])
    UserFactory(username="no-mail", email="", roles=[TECHNICIAN])
    mine = make_device("NORD-1", site=north, last_seen=None)
    make_device("SUD-1", site=south, last_seen=None)
    make_device("EXT-1", site=south, planned_renewal_year=2027)
    Event.objects.create(device=mine, kind=Event.Kind.SIGHTED, actor=tech)
    run_review(today=TODAY)
    return {"tech": tech, "buyer": buyer}


def test_technicians_get_the_findings_of_their_sites_and_procurement_the_savings(digest_fleet):
    result = send_weekly_digests()

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert result["sent"] == 2
    assert set(by_recipient) == {"nord@example.org", "achats@example.org"}
    technician = by_recipient["nord@example.org"].body
    assert "NORD-1" in technician and "SUD-1" not in technician and "EXT-1" not in technician
    procurement = by_recipient["achats@example.org"].body
    assert "EXT-1" in procurement and "360" in procurement and "NORD-1" not in procurement


def test_the_digest_goes_out_once_a_week_unless_forced(digest_fleet):
    send_weekly_digests()
    again = send_weekly_digests()
    forced = tasks.send_review_digests(force=True)

    assert again == {"week": again["week"], "sent": 0, "skipped": True}
    assert forced["sent"] == 2
    assert len(mail.outbox) == 4


def test_a_technician_with_no_activity_gets_the_whole_fleet(digest_fleet):
    newcomer = UserFactory(username="nouveau", email="nouveau@example.org", roles=[TECHNICIAN])

    send_weekly_digests()

    body = next(m.body for m in mail.outbox if m.to == [newcomer.email])
    assert "NORD-1" in body and "SUD-1" in body


def test_devices_moved_to_retired_leave_the_technician_digest(digest_fleet):
    Device.objects.filter(asset_tag="NORD-1").update(status=Status.RETIRED)
    run_review(today=TODAY)

    send_weekly_digests()

    assert "nord@example.org" not in {m.to[0] for m in mail.outbox}
