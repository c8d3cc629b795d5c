import pytest
from django.urls import reverse

from inventory.models import Device, Flag, ReviewSettings, Site
from inventory.review import run_review
from tests.factories import CategoryFactory, SiteFactory
from tests.inventory.review_fleet import EXPECTED, TODAY, build_small_fleet

pytestmark = pytest.mark.django_db
LIST = reverse("review:flag-list")
ACTION = reverse("review:flag-action")


@pytest.fixture
def flagged():
    fleet = build_small_fleet()
    run_review(today=TODAY)
    return fleet


def tags_on_page(response):
    return {flag.device.asset_tag for flag in response.context["page"]}


def test_the_flags_page_lists_open_findings_filtered_by_rule(client, technician, flagged):
    client.force_login(technician)

    response = client.get(LIST, {"rule": "not_seen"})

    assert response.status_code == 200
    assert tags_on_page(response) == EXPECTED["not_seen"]


def test_the_flags_page_filters_by_site_including_sub_sites(client, technician, flagged):
    commune = SiteFactory(name="Échirolles")
    building = Site.objects.create(name="Hôtel de ville", kind=Site.Kind.BUILDING, parent=commune)
    Device.objects.filter(asset_tag="WAR-TODAY").update(site=building)
    client.force_login(technician)

    response = client.get(LIST, {"site": commune.pk})

    assert tags_on_page(response) == {"WAR-TODAY"}


def test_the_flags_page_filters_by_category_code(client, technician, flagged):
    CategoryFactory(slug="printer")
    client.force_login(technician)

    assert len(client.get(LIST, {"category": "laptop"}).context["page"]) > 0
    assert client.get(LIST, {"category": "printer"}).context["page"].paginator.count == 0


def test_the_flags_page_costs_a_constant_number_of_queries(client, technician, flagged, django_assert_max_num_queries):
    client.force_login(technician)
    client.get(LIST)

    with django_assert_max_num_queries(13):
        response = client.get(LIST)

    assert response.context["page"].paginator.count == sum(len(tags) for tags in EXPECTED.values())


def test_the_api_answers_the_same_rows_as_the_page_for_the_same_query(client, technician, flagged):
    client.force_login(technician)
    query = {"rule": ["extend", "idle_stock"], "severity": "action"}

    page = client.get(LIST, query)
    api = client.get("/api/flags/", query)

    assert api.status_code == 200
    assert {row["device"] for row in api.json()["results"]} == tags_on_page(page) == {
        "EXT-PLANNED", "EXT-REPAIRS-UNDER-SHARE", "EXT-OLD-REPAIR",
    }


def test_resolved_findings_are_listed_only_when_asked(client, technician, flagged):
    resolved = Flag.objects.select_related("device").order_by("id").first()
    Flag.objects.filter(pk=resolved.pk).update(resolved_at=resolved.created_at, resolution="auto")
    tag = resolved.device.asset_tag
    Flag.objects.filter(device=resolved.device).exclude(pk=resolved.pk).delete()
    client.force_login(technician)

    assert tag not in tags_on_page(client.get(LIST))
    assert tags_on_page(client.get(LIST, {"state": "resolved"})) == {tag}
    assert tag in {row["device"] for row in client.get("/api/flags/", {"state": "all"}).json()["results"]}


def test_associations_see_neither_the_page_nor_the_api(client, association_user, flagged):
    client.force_login(association_user)

    assert client.get(LIST).status_code == 403
    assert client.get("/api/flags/").status_code == 403


def test_bulk_dismiss_with_a_reason_closes_the_selected_findings(client, technician, flagged):
    client.force_login(technician)
    ids = list(Flag.objects.filter(rule="not_seen").values_list("pk", flat=True))

    response = client.post(ACTION, {"action": "dismiss", "flag": ids, "reason": "Inventaire en cours"})

    assert response.status_code == 302
    assert set(Flag.objects.filter(pk__in=ids).values_list("resolution", flat=True)) == {"dismissed"}
    assert Flag.objects.filter(resolved_at__isnull=True).count() == sum(len(t) for t in EXPECTED.values()) - 2


def test_dismissing_without_a_reason_changes_nothing(client, technician, flagged):
    client.force_login(technician)
    ids = list(Flag.objects.filter(rule="not_seen").values_list("pk", flat=True))

    response = client.post(ACTION, {"action": "dismiss", "flag": ids, "reason": ""}, follow=True)

    assert not Flag.objects.filter(resolved_at__isnull=False).exists()
    assert any("why" in str(m) or "pourquoi" in str(m) for m in response.context["messages"])


def test_bulk_accept_on_all_findings_matching_the_filters(client, procurement, flagged):
    client.force_login(procurement)

    client.post(ACTION, {"action": "accept", "scope": "filtered", "query": "rule=extend&severity=action"})

    assert set(Flag.objects.filter(resolution="accepted").values_list("device__asset_tag", flat=True)) == {
        "EXT-PLANNED", "EXT-REPAIRS-UNDER-SHARE", "EXT-OLD-REPAIR",
    }
    assert not Device.objects.filter(asset_tag="EXT-PLANNED", planned_renewal_year__isnull=False).exists()


def test_the_device_page_offers_accept_and_dismiss_for_its_open_findings(client, technician, flagged):
    client.force_login(technician)
    device = flagged["SEEN-NEVER"]

    page = client.get(device.get_absolute_url()).content.decode()
    flag = Flag.objects.get(device=device)
    response = client.post(ACTION, {"action": "dismiss", "flag": [flag.pk], "reason": "Au coffre",
                                    "next": device.get_absolute_url()})

    assert f'name="flag" value="{flag.pk}"' in page
    assert 'value="accept"' in page and 'value="dismiss"' in page
    assert response.url == device.get_absolute_url()
    assert Flag.objects.get(pk=flag.pk).resolution == "dismissed"


def test_the_api_accepts_and_dismisses_by_id(client, procurement, flagged):
    client.force_login(procurement)
    extend = Flag.objects.get(rule="extend", device__asset_tag="EXT-PLANNED")
    warranty = Flag.objects.get(rule="warranty_ending", device__asset_tag="WAR-TODAY")

    accepted = client.post("/api/flags/accept/", {"ids": [extend.pk]}, content_type="application/json")
    refused = client.post("/api/flags/dismiss/", {"ids": [warranty.pk]}, content_type="application/json")
    dismissed = client.post("/api/flags/dismiss/", {"ids": [warranty.pk], "reason": "Vu"},
                            content_type="application/json")

    assert accepted.json() == {"accepted": 1, "refused": {}}
    assert refused.status_code == 400
    assert dismissed.json() == {"dismissed": 1}


def test_procurement_changes_the_review_thresholds(client, procurement):
    client.force_login(procurement)
    data = {
        "warranty_days": 45, "idle_days": 120, "not_seen_months": 18, "claim_pickup_days": 21,
        "extend_years": 3, "extend_repair_share": "0.20", "repair_share": "0.40",
        "displacement_rate": "0.50", "min_ram_gb": 8, "battery_years": 4, "snooze_days": 90,
        "budget_year_offset": 1, "repair_stalled_days": 90, "offer_unclaimed_days": 60,
    }

    response = client.post(reverse("review:settings"), data)

    assert response.status_code == 302
    row = ReviewSettings.current()
    assert (row.warranty_days, row.extend_years, row.updated_by) == (45, 3, procurement)


def test_technicians_read_the_thresholds_but_cannot_change_them(client, technician):
    client.force_login(technician)

    assert client.get(reverse("review:settings")).status_code == 200
    assert client.post(reverse("review:settings"), {"warranty_days": 1}).status_code == 403
    assert ReviewSettings.current().warranty_days == 60


def test_procurement_sets_thresholds_per_category_and_empties_them_back(client, procurement):
    from inventory.models import CategoryReviewSettings
    from tests.factories import CategoryFactory

    phone = CategoryFactory(slug="smartphone")
    laptop = CategoryFactory(slug="laptop")
    client.force_login(procurement)
    page = client.get(reverse("review:settings"))
    assert page.status_code == 200
    rows = [f.initial["category"] for f in page.context["formset"]]

    def post(values):
        data = {"which": "categories", "cat-TOTAL_FORMS": len(rows), "cat-INITIAL_FORMS": len(rows)}
        for i, category in enumerate(rows):
            data[f"cat-{i}-category"] = category
            for name, value in values.get(category, {}).items():
                data[f"cat-{i}-{name}"] = value
        return client.post(reverse("review:settings"), data)

    assert post({phone.pk: {"idle_days": 30, "battery_years": 2}}).status_code == 302
    own = CategoryReviewSettings.objects.get(category=phone)
    assert (own.idle_days, own.battery_years, own.extend_years) == (30, 2, None)
    assert not CategoryReviewSettings.objects.filter(category=laptop).exists()

    assert post({}).status_code == 302
    assert not CategoryReviewSettings.objects.exists()
