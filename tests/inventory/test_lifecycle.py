"""inventory.lifecycle: the transition table, guards, conflicts and concurrent changes."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from inventory import lifecycle
from inventory.lifecycle import TERMINAL, TRANSITIONS, TransitionConflict, TransitionRefused, transition
from inventory.models import Device, Event, Status
from tests.factories import DeviceFactory, UserFactory

PAIRS = [(source, target) for source in Status.values for target in Status.values]
ALLOWED = [(source, target) for source, target in PAIRS if target in TRANSITIONS[source]]
REFUSED = [(source, target) for source, target in PAIRS if target not in TRANSITIONS[source]]

# What a refusal says in French, by reason (the message also names the statuses).
FRENCH_REASON = {
    "terminal": "ce statut est définitif",
    "same_status": "est déjà au statut",
    "not_allowed": "ne peut pas passer de",
}


def _workflow(source, target):
    """The workflow allowed to make this change (None for a plain status change)."""
    allowed = lifecycle.EDGE_WORKFLOWS.get((source, target)) or lifecycle.WORKFLOWS.get(target)
    return min(allowed) if allowed else None


WORKFLOW_PAIRS = [(source, target) for source, target in ALLOWED if _workflow(source, target)]


def _ids(pairs):
    return [f"{source}->{target}" for source, target in pairs]


@pytest.fixture
def table_only(monkeypatch):
    """The transition table alone: guards that other apps register are tested with those apps."""
    monkeypatch.setattr(lifecycle, "_guards", [])


@pytest.fixture
def actor(db):
    return UserFactory(password=None)  # no password hashing: the journal only needs who


@pytest.fixture
def french():
    with translation.override("fr"):
        yield


def _trace(device):
    """Everything a transition may change: the device's status, its time, its journal."""
    fresh = Device.objects.get(pk=device.pk)
    return fresh.status, fresh.status_changed_at, Event.objects.filter(device=device).count()


@pytest.mark.django_db
def test_the_table_covers_every_status_and_only_terminal_ones_lead_nowhere():
    assert set(TRANSITIONS) == set(Status.values)
    assert {status for status, targets in TRANSITIONS.items() if not targets} == set(TERMINAL)
    assert set(TERMINAL) == {
        Status.DONATED, Status.RECYCLED, Status.SOLD, Status.TRANSFERRED, Status.TAKEN_BACK, Status.RETURNED,
        Status.DESTROYED,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=_ids(ALLOWED))
def test_an_allowed_transition_changes_the_status_and_journals_it_once(table_only, actor, source, target):
    device = DeviceFactory(status=source, ownership="leased" if target == Status.RETURNED else "owned")

    event = transition(device, target, actor=actor, note="table", workflow=_workflow(source, target))

    assert Device.objects.get(pk=device.pk).status == target
    assert device.status == target
    journal = list(Event.objects.filter(device=device))
    assert journal == [event]
    assert (event.kind, event.from_status, event.to_status, event.actor, event.note) == (
        Event.Kind.STATUS, source, target, actor, "table",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), REFUSED, ids=_ids(REFUSED))
def test_a_refused_transition_explains_why_in_french_and_leaves_no_trace(table_only, french, source, target):
    device = DeviceFactory(status=source)
    before = _trace(device)

    with pytest.raises(TransitionRefused) as refusal:
        transition(device, target)

    assert FRENCH_REASON[refusal.value.code] in refusal.value.message
    assert str(Status(source).label) in refusal.value.message  # “Réformé”, “En service”…
    assert refusal.value.http_status == 400
    assert _trace(device) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), WORKFLOW_PAIRS, ids=_ids(WORKFLOW_PAIRS))
def test_a_workflow_status_without_its_workflow_is_refused_in_french(table_only, french, source, target):
    device = DeviceFactory(status=source, ownership="leased" if target == Status.RETURNED else "owned")
    before = _trace(device)

    with pytest.raises(TransitionRefused, match="uniquement par sa propre procédure") as refusal:
        transition(device, target, workflow="not-this-one")

    assert refusal.value.code == "workflow_only"
    assert _trace(device) == before


@pytest.mark.django_db
@pytest.mark.parametrize("target", sorted(lifecycle.OWNED_ONLY & TRANSITIONS[Status.RETIRED]))
def test_a_leased_device_is_never_offered_sold_or_transferred(table_only, french, target):
    device = DeviceFactory(status=Status.RETIRED, ownership="leased", lessor="LocaPC")

    with pytest.raises(TransitionRefused, match="LocaPC") as refusal:
        transition(device, target, workflow=_workflow(Status.RETIRED, target))

    assert refusal.value.code == "not_owned"


@pytest.mark.django_db
def test_an_owned_device_is_not_returned_to_a_lessor(table_only):
    with pytest.raises(TransitionRefused) as refusal:
        transition(DeviceFactory(status=Status.RETIRED), Status.RETURNED, workflow="exit")

    assert refusal.value.code == "owned"


@pytest.mark.django_db
def test_the_generic_buttons_offer_no_workflow_status(actor):
    from django.contrib.auth.models import Permission

    actor.user_permissions.add(Permission.objects.get(codename="transition_device"))
    actor = type(actor).objects.get(pk=actor.pk)
    for status in (Status.RETIRED, Status.LOST, Status.STOLEN, Status.IN_STOCK):
        offered = set(lifecycle.available_transitions(DeviceFactory(status=status), actor))
        assert not offered & lifecycle.WORKFLOW_ONLY
        assert (status, Status.IN_STOCK) not in lifecycle.EDGE_WORKFLOWS or Status.IN_STOCK not in offered


@pytest.mark.django_db
def test_an_unknown_status_is_refused_in_french_without_trace(table_only, french):
    device = DeviceFactory(status=Status.IN_SERVICE)
    before = _trace(device)

    with pytest.raises(TransitionRefused, match="n'est pas un statut connu") as refusal:
        transition(device, "broken")

    assert refusal.value.code == "unknown_status"
    assert _trace(device) == before


@pytest.mark.django_db
def test_a_guard_that_refuses_leaves_no_trace(table_only, french):
    def no_recycling(device, to_status, context):
        if to_status == Status.RECYCLED:
            raise TransitionRefused("Recyclage interdit pour ce test.", code="test_guard")

    lifecycle.register_guard(no_recycling)
    device = DeviceFactory(status=Status.RETIRED)
    before = _trace(device)

    with pytest.raises(TransitionRefused) as refusal:
        transition(device, Status.RECYCLED, workflow="shipment")

    assert refusal.value.code == "test_guard"
    assert _trace(device) == before


@pytest.mark.django_db
def test_a_guard_receives_the_keyword_links_which_the_journal_keeps(table_only):
    seen = []
    lifecycle.register_guard(lambda device, to_status, context: seen.append((to_status, context)))
    device = DeviceFactory(status=Status.RESERVED)

    event = transition(device, Status.DONATED, value=120, claim_id=7, workflow="handover")

    assert seen == [(Status.DONATED, {"value": 120, "claim_id": 7})]
    assert event.data == {"value": 120, "claim_id": 7}


@pytest.mark.django_db
def test_registering_a_guard_twice_runs_it_once(table_only):
    calls = []

    def counting(device, to_status, context):
        calls.append(to_status)

    lifecycle.register_guard(counting)
    lifecycle.register_guard(counting)
    transition(DeviceFactory(status=Status.IN_STOCK), Status.IN_SERVICE)

    assert calls == [Status.IN_SERVICE]


@pytest.mark.django_db
def test_a_stale_expected_status_is_a_conflict_in_french_without_trace(table_only, french):
    device = DeviceFactory(status=Status.IN_REPAIR)
    before = _trace(device)

    with pytest.raises(TransitionConflict, match="a changé entre-temps") as conflict:
        transition(device, Status.RETIRED, expected_status=Status.IN_SERVICE)

    assert conflict.value.http_status == 409
    assert _trace(device) == before


@pytest.mark.django_db
def test_the_expected_status_when_it_matches_lets_the_transition_through(table_only):
    device = DeviceFactory(status=Status.IN_SERVICE)

    transition(device, Status.IN_REPAIR, expected_status=Status.IN_SERVICE, workflow="repair")

    assert Device.objects.get(pk=device.pk).status == Status.IN_REPAIR


@pytest.mark.django_db
def test_the_lock_reads_the_current_status_not_the_callers_stale_copy(table_only, french):
    device = DeviceFactory(status=Status.RETIRED)
    stale = Device.objects.get(pk=device.pk)
    transition(device, Status.RECYCLED, workflow="shipment")

    with pytest.raises(TransitionRefused, match="ce statut est définitif"):
        transition(stale, Status.IN_STOCK)

    assert Event.objects.filter(device=device).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("targets", "expected"), [
    ((Status.IN_STOCK, Status.IN_STOCK), None),
    ((Status.IN_STOCK, Status.RETIRED), Status.IN_SERVICE),
], ids=["same-target", "different-targets-with-expected-status"])
def test_concurrent_transitions_never_both_succeed_from_the_same_status(table_only, targets, expected):
    device = DeviceFactory(status=Status.IN_SERVICE)
    barrier = threading.Barrier(len(targets))
    outcomes = []

    def change(target):
        try:
            mine = Device.objects.get(pk=device.pk)  # each thread read "in service"
            barrier.wait(timeout=10)
            transition(mine, target, expected_status=expected)
            outcomes.append("done")
        except TransitionRefused as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=change, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted(["done", "conflict" if expected else "same_status"])
    assert Event.objects.filter(device=device, from_status=Status.IN_SERVICE).count() == 1
