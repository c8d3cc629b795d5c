"""Label templates in the admin: custom ones editable, shipped ones read-only."""

from labels.models import LabelTemplate


def _form_data(**changes):
    data = {"name": "Planche maison", "slug": "maison", "show_owner": "on", "page_width_mm": "210",
            "page_height_mm": "297", "margin_top_mm": "10", "margin_left_mm": "5", "columns": "2", "rows": "5",
            "label_width_mm": "100", "label_height_mm": "50", "gap_x_mm": "0", "gap_y_mm": "0", "padding_mm": "4"}
    data.update(changes)
    return data


def test_an_admin_creates_a_custom_template(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/labels/labeltemplate/add/", _form_data())
    assert response.status_code == 302
    assert LabelTemplate.objects.get(slug="maison").shipped is False


def test_a_custom_template_that_does_not_fit_its_page_is_refused_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/labels/labeltemplate/add/", _form_data(columns="3"))
    assert response.status_code == 200
    assert not LabelTemplate.objects.filter(slug="maison").exists()


def test_shipped_templates_are_read_only_and_cannot_be_deleted(client, admin_user):
    client.force_login(admin_user)
    shipped = LabelTemplate.objects.get(slug="a4-3x8")
    client.post(f"/admin/labels/labeltemplate/{shipped.pk}/change/", _form_data(slug="a4-3x8", columns="1"))
    shipped.refresh_from_db()
    assert shipped.columns == 3
    assert client.get(f"/admin/labels/labeltemplate/{shipped.pk}/delete/").status_code == 403


def test_a_shipped_template_can_be_duplicated_to_adjust_it(client, admin_user):
    client.force_login(admin_user)
    shipped = LabelTemplate.objects.get(slug="a4-3x8")
    client.post("/admin/labels/labeltemplate/", {"action": "duplicate", "_selected_action": [shipped.pk]})
    copy = LabelTemplate.objects.get(slug="a4-3x8-copie")
    assert (copy.shipped, copy.columns, copy.rows) == (False, 3, 8)
