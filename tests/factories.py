"""factory_boy factories shared by every test module."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from inventory.models import Category, Department, Device, DeviceModel, Site


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = "laptop"
    name = factory.LazyAttribute(lambda o: o.slug.capitalize())
    planned_lifespan_years = 5
    depreciation_years = 5
    embodied_kgco2e = Decimal("181")
    carries_storage = True


class DeviceModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeviceModel

    manufacturer = "Dell"
    name = factory.Sequence(lambda n: f"Latitude {5000 + n}")
    category = factory.SubFactory(CategoryFactory)
    reference_price = Decimal("900")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Commune {n}")
    kind = Site.Kind.COMMUNE


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"Service {n}")


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    asset_tag = factory.Sequence(lambda n: f"GAM-{n:06d}")
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    model = factory.SubFactory(DeviceModelFactory)
    site = factory.SubFactory(SiteFactory)
    department = factory.SubFactory(DepartmentFactory)
    purchase_date = dt.date(2021, 1, 1)
    purchase_price = Decimal("1000.00")
    warranty_end = dt.date(2024, 1, 1)
