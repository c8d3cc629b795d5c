import pytest
from django.core.exceptions import ValidationError

from inventory import lifecycle
from inventory.models import Event, Status
from reuse import services
from reuse.exceptions import ReuseRefused
from reuse.models import InternalRequest
from tests.factories import CategoryFactory, DepartmentFactory, DeviceFactory

from ..conftest import retired_device

pytestmark = pytest.mark.django_db


def test_redeploying_a_retired_device_puts_it_in_service_with_one_redeployed_event(buyer):
    device = retired_device()
    department = DepartmentFactory(name="Piscines")
    services.redeploy_device(device=device, actor=buyer, department=department, assignee="Accueil piscine")
    device.refresh_from_db()
    assert device.status == Status.IN_SERVICE
    assert device.department == department and device.assignee == "Accueil piscine"
    assert device.events.filter(kind=Event.Kind.REDEPLOYED).count() == 1
    assert device.events.filter(kind=Event.Kind.ASSIGNED).exists()


def test_redeploying_a_stocked_device_without_putting_it_in_service_still_journals_it(buyer):
    device = DeviceFactory(status=Status.IN_STOCK)
    services.redeploy_device(device=device, actor=buyer, assignee="Réserve", put_in_service=False)
    device.refresh_from_db()
    assert device.status == Status.IN_STOCK
    assert device.events.get(kind=Event.Kind.REDEPLOYED).to_status == ""


def test_a_device_in_service_cannot_be_redeployed(buyer):
    device = DeviceFactory(status=Status.IN_SERVICE)
    with pytest.raises(ReuseRefused):
        services.redeploy_device(device=device, actor=buyer, assignee="X")


def test_a_redeployment_counts_towards_the_request_and_fulfils_it(buyer):
    device = retired_device()
    request = services.create_internal_request(
        department=DepartmentFactory(), category=device.model.category, quantity=1, actor=buyer)
    services.redeploy_device(device=device, actor=buyer, department=request.department, request=request)
    request.refresh_from_db()
    assert (request.fulfilled, request.status) == (1, InternalRequest.Status.FULFILLED)
    assert device.events.get(kind=Event.Kind.REDEPLOYED).data == {"request_id": request.pk}


def test_a_request_of_another_category_is_refused_and_nothing_changes(buyer):
    device = retired_device()
    request = services.create_internal_request(
        department=DepartmentFactory(), category=CategoryFactory(slug="tablet"), quantity=2, actor=buyer)
    with pytest.raises(ValidationError):
        services.redeploy_device(device=device, actor=buyer, assignee="X", request=request)
    device.refresh_from_db()
    assert device.status == Status.RETIRED and device.assignee == ""


def test_a_redeployment_needs_a_destination(buyer):
    with pytest.raises(ValidationError):
        services.redeploy_device(device=retired_device(), actor=buyer)


def test_a_cancelled_request_cannot_be_served(buyer):
    device = retired_device()
    request = services.create_internal_request(
        department=DepartmentFactory(), category=device.model.category, quantity=3, actor=buyer)
    services.cancel_internal_request(request=request, actor=buyer)
    with pytest.raises(ReuseRefused):
        services.redeploy_device(device=device, actor=buyer, assignee="X", request=request)
    assert lifecycle.status_label(device.status)
