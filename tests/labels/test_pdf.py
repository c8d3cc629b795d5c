"""labels.pdf: sheets of vector QR labels, read back with a real decoder at the expected places."""

import io

import pytest
from django.test import override_settings
from pypdf import PdfReader

from bench.bench_labels import draw_png_qr
from labels.models import LabelTemplate
from labels.pdf import layout, page_count, render_labels, slot_box

from .conftest import decode_pdf

BASE = "https://parc.grenoblealpes-metropole.fr"


def _tags(n, first=1):
    return [f"GAM-{i:06d}" for i in range(first, first + n)]


def _expected_positions(template, tags, start):
    """{url: (page, slot box)} where each code must be found."""
    return {f"{BASE}/d/{tag}": (slot.page, (slot.x, slot.y, slot.width, slot.height))
            for slot, tag in zip(layout(template, len(tags), start), tags, strict=True)}


@override_settings(PUBLIC_BASE_URL=BASE)
@pytest.mark.parametrize(("slug", "count", "start"), [
    ("a4-3x8", 26, 1),     # two sheets
    ("a4-3x8", 5, 20),     # a partly used sheet: the first label goes to position 20
    ("a4-4x10", 43, 3),
    ("roll-62mm", 3, 1),   # one label per page
])
def test_every_code_decodes_to_its_url_in_its_own_label(db, slug, count, start):
    template = LabelTemplate.objects.get(slug=slug)
    tags = _tags(count)
    found = decode_pdf(render_labels(tags, template=template, start=start))
    expected = _expected_positions(template, tags, start)
    assert sorted(f.text for f in found) == sorted(expected)
    for code in found:
        page, (x, y, width, height) = expected[code.text]
        assert code.page == page
        assert x <= code.x <= x + width and y <= code.y <= y + height, code


def test_a_partly_used_sheet_leaves_the_used_positions_blank(db):
    template = LabelTemplate.objects.get(slug="a4-3x8")
    found = decode_pdf(render_labels(_tags(2), template=template, start=23))
    assert [f.page for f in found] == [0, 0]
    boxes = [slot_box(template, 23), slot_box(template, 24)]
    for code, (x, y, width, height) in zip(sorted(found, key=lambda f: f.x), boxes, strict=True):
        assert x <= code.x <= x + width and y <= code.y <= y + height


def test_codes_are_vector_drawings_not_images(db):
    pdf = render_labels(_tags(24), template=LabelTemplate.objects.get(slug="a4-3x8"))
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert list(page.images) == []
    assert b" re\n" in page.get_contents().get_data()


@override_settings(PROLONGE={"OWNER_NAME": "Ville de Fontaine"})
def test_a_label_carries_the_tag_in_clear_and_the_owner_line(db):
    pdf = render_labels(["GAM-000777"], template=LabelTemplate.objects.get(slug="roll-62mm"))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "GAM-000777" in text
    assert "Ville de Fontaine" in text


def test_a_template_may_leave_out_the_owner_line(db):
    template = LabelTemplate.objects.get(slug="roll-62mm")
    template.show_owner = False
    text = PdfReader(io.BytesIO(render_labels(["GAM-000777"], template=template, owner="Métropole"))).pages[0]
    assert "Métropole" not in text.extract_text()


def test_the_vector_pdf_is_smaller_than_the_same_labels_drawn_from_png_images(db):
    template = LabelTemplate.objects.get(slug="a4-3x8")
    tags = _tags(48)
    vector = render_labels(tags, template=template)
    raster = render_labels(tags, template=template, draw_code=draw_png_qr)
    assert len(vector) < len(raster)


def test_the_number_of_pages_counts_the_skipped_positions(db):
    template = LabelTemplate.objects.get(slug="a4-3x8")
    assert page_count(template, 24, start=1) == 1
    assert page_count(template, 24, start=2) == 2
    pdf = render_labels(_tags(24), template=template, start=2)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2


def test_a_start_position_outside_the_sheet_is_refused(db):
    with pytest.raises(ValueError):
        layout(LabelTemplate.objects.get(slug="a4-3x8"), 3, start=25)
