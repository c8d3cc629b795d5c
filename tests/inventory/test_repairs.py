"""inventory.repairs: opening and closing repairs through the lifecycle."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory import lifecycle, repairs
from inventory.models import Device, Event, Repair, Status
from inventory.repairs.panel import repair_panel_context
from tests.factories import DeviceFactory


@pytest.fixture
def device(db):
    device = DeviceFactory(asset_tag="GAM-000100")
    lifecycle.transition(device, Status.IN_SERVICE)
    return device


def _open(device, actor=None, **extra):
    return repairs.open_repair(device=device, symptom="Ne démarre plus", fault_category="power", actor=actor,
                               **extra)


def test_opening_a_repair_moves_the_device_to_in_repair(device, technician):
    repair = _open(device, technician)
    device.refresh_from_db()
    assert device.status == Status.IN_REPAIR
    assert repair.is_open and repair.opened_by == technician


def test_opening_a_repair_journals_a_repair_opened_event_linked_to_the_repair(device, technician):
    repair = _open(device, technician)
    event = Event.objects.filter(device=device).latest("id")
    assert (event.kind, event.repair, event.from_status, event.to_status) == (
        Event.Kind.REPAIR_OPENED, repair, Status.IN_SERVICE, Status.IN_REPAIR)
    assert event.data["repair_id"] == repair.pk


def test_closing_a_fixed_repair_returns_the_device_to_its_status_before(device, technician):
    repair = _open(device, technician)
    repairs.close_repair(repair=repair, outcome="fixed", action="Batterie remplacée", cost="89.90",
                         labour_minutes=30, actor=technician)
    device.refresh_from_db()
    repair.refresh_from_db()
    assert device.status == Status.IN_SERVICE
    assert (repair.outcome, repair.cost, repair.labour_minutes, repair.closed_by) == (
        "fixed", Decimal("89.90"), 30, technician)


def test_closing_a_repair_journals_a_repair_closed_event(device, technician):
    repair = _open(device, technician)
    repairs.close_repair(repair=repair, outcome="fixed", actor=technician)
    event = Event.objects.filter(device=device).latest("id")
    assert (event.kind, event.repair_id, event.to_status) == (Event.Kind.REPAIR_CLOSED, repair.pk, Status.IN_SERVICE)


def test_a_device_opened_from_stock_goes_back_to_stock(db, technician):
    device = DeviceFactory()
    repair = _open(device, technician)
    repairs.close_repair(repair=repair, outcome="fixed", actor=technician)
    device.refresh_from_db()
    assert device.status == Status.IN_STOCK


def test_the_person_closing_may_choose_where_the_device_goes(device, technician):
    repair = _open(device, technician)
    repairs.close_repair(repair=repair, outcome="repairable", return_to=Status.IN_STOCK, actor=technician)
    device.refresh_from_db()
    assert device.status == Status.IN_STOCK


def test_a_device_not_repairable_is_retired_with_the_barrier_recorded(device, technician):
    repair = _open(device, technician)
    repairs.close_repair(repair=repair, outcome="end_of_life", barrier="spare_parts_unavailable", actor=technician)
    device.refresh_from_db()
    repair.refresh_from_db()
    assert device.status == Status.RETIRED
    assert repair.barrier == "spare_parts_unavailable"


def test_a_repair_closed_twice_is_refused_and_nothing_is_written(device, technician):
    repair = _open(device, technician)
    repairs.close_repair(repair=repair, outcome="fixed", cost="10", actor=technician)
    events = Event.objects.count()
    with pytest.raises(ValidationError) as refusal:
        repairs.close_repair(repair=repair, outcome="end_of_life", cost="99", actor=technician)
    assert refusal.value.code == "already_closed"
    assert "GAM-000100" in refusal.value.messages[0]
    repair.refresh_from_db()
    device.refresh_from_db()
    assert (repair.outcome, repair.cost, device.status) == ("fixed", Decimal("10.00"), Status.IN_SERVICE)
    assert Event.objects.count() == events


@pytest.mark.parametrize("bad", [
    {"outcome": "maybe"},
    {"outcome": "fixed", "cost": "-5"},
    {"outcome": "fixed", "cost": "douze"},
    {"outcome": "fixed", "labour_minutes": -10},
    {"outcome": "fixed", "barrier": "spare_parts_unavailable"},
    {"outcome": "fixed", "return_to": Status.DONATED},
])
def test_closing_with_bad_data_is_refused_and_nothing_is_written(device, technician, bad):
    repair = _open(device, technician)
    events = Event.objects.count()
    with pytest.raises(ValidationError) as refusal:
        repairs.close_repair(repair=repair, actor=technician, **bad)
    assert refusal.value.message_dict
    repair.refresh_from_db()
    device.refresh_from_db()
    assert repair.is_open and device.status == Status.IN_REPAIR
    assert Event.objects.count() == events


def test_opening_without_symptom_is_refused_and_nothing_is_written(device, technician):
    with pytest.raises(ValidationError) as refusal:
        repairs.open_repair(device=device, symptom="  ", actor=technician)
    assert "symptom" in refusal.value.message_dict
    assert not Repair.objects.exists()
    assert Device.objects.get(pk=device.pk).status == Status.IN_SERVICE


def test_opening_with_an_unknown_fault_category_is_refused(device, technician):
    with pytest.raises(ValidationError) as refusal:
        repairs.open_repair(device=device, symptom="x", fault_category="gremlins", actor=technician)
    assert "fault_category" in refusal.value.message_dict
    assert not Repair.objects.exists()


def test_a_second_open_repair_of_the_same_device_is_refused(device, technician):
    _open(device, technician)
    with pytest.raises(ValidationError) as refusal:
        _open(device, technician)
    assert refusal.value.code == "already_open"
    assert Repair.objects.count() == 1


def test_a_retired_device_cannot_be_sent_to_repair_and_no_repair_is_left(device, technician):
    lifecycle.transition(device, Status.RETIRED)
    with pytest.raises(lifecycle.TransitionRefused):
        _open(device, technician)
    assert not Repair.objects.exists()


def test_a_device_seen_meanwhile_in_another_status_is_a_conflict(device, technician):
    with pytest.raises(lifecycle.TransitionConflict):
        _open(device, technician, expected_status=Status.IN_STOCK)
    assert not Repair.objects.exists()


def test_closing_a_repair_of_a_device_that_already_left_repair_only_closes_the_record(device, technician):
    repair = _open(device, technician)
    lifecycle.transition(device, Status.IN_STOCK, actor=technician)
    repairs.close_repair(repair=repair, outcome="fixed", actor=technician)
    device.refresh_from_db()
    repair.refresh_from_db()
    assert device.status == Status.IN_STOCK and not repair.is_open
    event = Event.objects.filter(device=device).latest("id")
    assert (event.kind, event.from_status, event.to_status) == (Event.Kind.REPAIR_CLOSED, "", "")


def test_the_database_refuses_two_open_repairs_of_one_device(device):
    from django.db import IntegrityError, transaction

    Repair.objects.create(device=device, symptom="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Repair.objects.create(device=device, symptom="b")


def test_the_repair_panel_costs_two_queries_whatever_the_history(device, technician, django_assert_num_queries):
    for _ in range(5):
        repairs.close_repair(repair=_open(device, technician), outcome="fixed", actor=technician)
    repair_panel_context(device, technician)  # roles and permissions cached, as on the page
    with django_assert_num_queries(2):
        context = repair_panel_context(device, technician)
    assert context["total"] == 5 and len(context["repairs"]) == 5


@pytest.mark.postgres
def test_two_people_closing_the_same_repair_at_once_close_it_once(transactional_db):
    import threading

    from django.db import connection

    device = DeviceFactory(asset_tag="GAM-000150")
    repair = repairs.open_repair(device=device, symptom="x")
    barrier, outcomes = threading.Barrier(2), []

    def close(outcome):
        try:
            barrier.wait()
            repairs.close_repair(repair=Repair.objects.get(pk=repair.pk), outcome=outcome)
            outcomes.append("closed")
        except ValidationError as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(o,)) for o in ("fixed", "end_of_life")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_closed", "closed"]
    assert Event.objects.filter(device=device, kind=Event.Kind.REPAIR_CLOSED).count() == 1
