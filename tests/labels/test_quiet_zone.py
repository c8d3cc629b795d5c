"""A label template may not leave less than 4 modules of quiet zone around the QR code (issue 13)."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from labels.models import MIN_QUIET_MODULES, LabelTemplate

pytestmark = pytest.mark.django_db


def template(padding):
    return LabelTemplate(name="Perso", page_width_mm=D(210), page_height_mm=D(297), margin_top_mm=D(10),
                         margin_left_mm=D(10), columns=4, rows=10, label_width_mm=D("45.7"),
                         label_height_mm=D("25.4"), gap_x_mm=D(2), gap_y_mm=D(0), padding_mm=D(padding))


def test_zero_padding_is_refused_with_the_quiet_zone_it_would_leave():
    with pytest.raises(ValidationError) as refused:
        template(0).full_clean()
    assert "padding_mm" in refused.value.message_dict
    assert "2,0" in refused.value.message_dict["padding_mm"][0]


def test_the_shipped_templates_keep_at_least_four_modules():
    assert template(2).quiet_zone_modules() >= MIN_QUIET_MODULES
    template(2).full_clean(exclude=["name", "slug"])
    for shipped in LabelTemplate.objects.all():
        assert shipped.quiet_zone_modules() >= MIN_QUIET_MODULES, shipped
