"""Roles (DESIGN.md §6): who may do what, on the pages and on the API."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from config.roles import ADMIN, ASSOCIATION, PROCUREMENT, ROLES, TECHNICIAN, is_staff_member, roles_of
from inventory.models import Status
from tests.factories import DeviceFactory, UserFactory

pytestmark = pytest.mark.django_db

# Which route answers what to whom is checked for every route in tests/test_url_permissions.py.


def permissions_of(role):
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    }


def test_login_and_health_are_open_to_anonymous_visitors(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)


@pytest.fixture
def device():
    return DeviceFactory(asset_tag="GAM-1")


def test_the_four_role_groups_exist():
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)


@pytest.mark.parametrize("role", [TECHNICIAN, PROCUREMENT, ADMIN])
def test_staff_roles_may_register_edit_and_transition_devices(role):
    assert {"inventory.add_device", "inventory.change_device", "inventory.transition_device"} <= permissions_of(role)


def test_associations_get_no_model_permission():
    assert permissions_of(ASSOCIATION) == set()


@pytest.mark.parametrize("role", ROLES)
def test_nobody_may_change_or_delete_the_journal(role):
    assert not {"inventory.change_event", "inventory.delete_event"} & permissions_of(role)


def test_technicians_cannot_delete_devices_nor_edit_the_catalogue_of_sites():
    perms = permissions_of(TECHNICIAN)
    assert "inventory.delete_device" not in perms
    assert "inventory.change_site" not in perms


def test_roles_of_names_the_groups_and_counts_superusers_as_admin():
    user = UserFactory(roles=[TECHNICIAN])
    root = UserFactory(is_superuser=True)
    assert roles_of(user) == {TECHNICIAN}
    assert roles_of(root) == {ADMIN}


def test_association_members_are_not_staff(association_user, technician):
    assert not is_staff_member(association_user)
    assert is_staff_member(technician)


def test_anonymous_api_writes_get_a_401(device):
    client = APIClient()
    assert client.post("/api/devices/", {"asset_tag": "X"}, format="json").status_code == 401
    assert client.post("/api/devices/GAM-1/transition/", {"to": "lost"}, format="json").status_code == 401


def test_association_members_cannot_change_a_status_from_the_page(client, association_user, device):
    client.force_login(association_user)
    response = client.post("/devices/GAM-1/transition/", {"to": "lost", "expected": "in_stock"})
    assert response.status_code == 403
    device.refresh_from_db()
    assert device.status == Status.IN_STOCK


@pytest.mark.parametrize("fixture", ["technician", "procurement", "admin_user"])
def test_staff_see_the_transition_buttons_and_may_use_them(client, request, device, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get("/devices/GAM-1/").context["transitions"]
    client.post("/devices/GAM-1/transition/", {"to": "in_service", "expected": "in_stock"})
    device.refresh_from_db()
    assert device.status == Status.IN_SERVICE


def test_technician_can_transition_through_the_api(technician, device):
    client = APIClient()
    client.force_login(technician)
    response = client.post("/api/devices/GAM-1/transition/", {"to": "in_service"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "in_service"
