"""Fixtures of the reuse tests: a fresh media folder, Celery tasks run eagerly (except with a
real worker), and small builders for the usual situations (an erased retired device, an offer,
an association member)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from config.roles import ASSOCIATION, PROCUREMENT, TECHNICIAN
from inventory import lifecycle
from inventory.models import Status
from reuse import services
from reuse.models import Membership
from tests.factories import CategoryFactory, DeviceFactory, DeviceModelFactory, UserFactory

from .factories import AssociationFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def eager_celery(request):
    """Tasks run in-process unless the test starts a real worker."""
    if "celery_worker" in request.fixturenames:
        yield
        return
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def buyer(db):
    return UserFactory(username="achats", email="achats@metro.example", roles=[PROCUREMENT])


@pytest.fixture
def tech(db):
    return UserFactory(username="technicien", first_name="Camille", last_name="Martin", roles=[TECHNICIAN])


def make_member(association=None, **kwargs):
    association = association or AssociationFactory()
    user = UserFactory(roles=[ASSOCIATION], email=kwargs.pop("email", f"member{association.pk}@asso.example"),
                       **kwargs)
    Membership.objects.create(user=user, association=association)
    return user


@pytest.fixture
def member(db):
    return make_member(AssociationFactory(name="Solidarité Numérique"), username="membre")


def retired_device(*, storage=True, price=Decimal("600.00"), purchase_date=None, **kwargs):
    """A device that served, then was retired (journal included)."""
    category = CategoryFactory(slug="laptop" if storage else "monitor", carries_storage=storage)
    device = DeviceFactory(
        model=kwargs.pop("model", None) or DeviceModelFactory(category=category),
        purchase_price=price,
        purchase_date=purchase_date or timezone.localdate() - dt.timedelta(days=4 * 365),
        status=Status.IN_SERVICE,
        **kwargs,
    )
    lifecycle.transition(device, Status.RETIRED, note="fin de service")
    return device


def erase(device, actor=None, *, passed=True, performed_at=None):
    return services.record_erasure(
        device=device, actor=actor, method="purge", method_detail="ATA Secure Erase", tool="nwipe",
        tool_version="0.35", passed=passed, performed_at=performed_at, operator_name="Camille Martin",
        storage_serials=[f"S-{device.serial_number}"],
    )


def offered(devices, actor=None, **kwargs):
    for device in devices:
        if device.model.category.carries_storage:
            erase(device, actor)
    return services.create_offer(devices=devices, grade="B", actor=actor, **kwargs)


@pytest.fixture
def offer(buyer):
    return offered([retired_device(), retired_device()], buyer)
