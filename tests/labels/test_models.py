"""labels.models: label templates (shipped and custom), campaign and sighting invariants."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from labels.models import LabelTemplate, Sighting
from labels.services import start_campaign


def test_three_templates_are_shipped_by_a_data_migration(db):
    shipped = {t.slug: t for t in LabelTemplate.objects.filter(shipped=True)}
    assert set(shipped) == {"a4-3x8", "a4-4x10", "roll-62mm"}
    assert (shipped["a4-3x8"].columns, shipped["a4-3x8"].rows) == (3, 8)
    assert (shipped["a4-3x8"].label_width_mm, shipped["a4-3x8"].label_height_mm) == (70, 37)
    assert shipped["a4-4x10"].labels_per_page == 40
    assert (shipped["roll-62mm"].page_width_mm, shipped["roll-62mm"].labels_per_page) == (62, 1)


@pytest.mark.parametrize("slug", ["a4-3x8", "a4-4x10", "roll-62mm"])
def test_shipped_templates_fit_their_page(db, slug):
    LabelTemplate.objects.get(slug=slug).full_clean()


def _custom(**changes):
    fields = {"slug": "maison", "name": "Maison", "page_width_mm": Decimal(210), "page_height_mm": Decimal(297),
              "columns": 2, "rows": 5, "label_width_mm": Decimal(100), "label_height_mm": Decimal(50)}
    fields.update(changes)
    return LabelTemplate(**fields)


def test_a_grid_wider_than_the_page_is_refused(db):
    with pytest.raises(ValidationError) as refusal:
        _custom(columns=3).full_clean()
    assert "columns" in refusal.value.message_dict


def test_a_grid_taller_than_the_page_is_refused(db):
    with pytest.raises(ValidationError) as refusal:
        _custom(rows=6).full_clean()
    assert "rows" in refusal.value.message_dict


def test_a_padding_that_leaves_no_room_is_refused(db):
    with pytest.raises(ValidationError) as refusal:
        _custom(padding_mm=Decimal(30)).full_clean()
    assert "padding_mm" in refusal.value.message_dict


def test_the_database_refuses_a_template_without_size(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        _custom(label_width_mm=Decimal(0)).save()


def test_the_database_refuses_two_sightings_of_a_device_in_one_campaign(device, technician):
    campaign = start_campaign(name="c", site=device.site, actor=technician)
    Sighting.objects.create(campaign=campaign, device=device, site=device.site)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sighting.objects.create(campaign=campaign, device=device, site=device.site)
