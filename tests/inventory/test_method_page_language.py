"""Issue 10: the method page (``/methode/``) is translatable. French by default (the legal frame is
French), English when the person chose it with the footer's selector (the language cookie), and
its figures come from the settings in force in both languages."""

import pytest
from django.conf import settings
from django.urls import reverse

from inventory.models import CategoryReviewSettings, ReviewSettings
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def method_page(client, language=None):
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("inventory:method"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_method_page_is_french_by_default(client):
    html = method_page(client)
    assert '<html lang="fr"' in html
    assert "Méthode\u00a0: comment chaque chiffre est calculé" in html
    assert "Achat reporté (prolonger, réparer, redéployer)" in html
    assert "(règle « Prolonger plutôt que remplacer »)\u00a0: Δ = 2 ans" in html
    # The worked example is computed from the setting, with a French decimal comma.
    assert "900 × 2 ÷ 5 = 360 € reportés, 181 × 2 ÷ 5 = 72,4 kg évités" in html
    assert "2023\u00a0: 25\u00a0%, 2024\u00a0: 35\u00a0%, 2025\u00a0: 50\u00a0%" in html
    assert "Method: how" not in html


def test_the_method_page_is_english_when_the_person_chose_english(client):
    html = method_page(client, "en")
    assert '<html lang="en"' in html
    assert "Method: how each figure is computed" in html
    assert "Deferred purchase (extend, repair, redeploy)" in html
    assert "(rule “Extend rather than replace”): Δ = 2 years" in html
    assert "900 × 2 ÷ 5 = 360 € deferred, 181 × 2 ÷ 5 = 72.4 kg avoided" in html
    assert "2023: 25 %, 2024: 35 %, 2025: 50 %" in html
    assert "Méthode" not in html and "reportés" not in html


def test_the_set_language_view_switches_the_method_page_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("inventory:method")})
    assert "Method: how each figure is computed" in method_page(client)


def test_figures_follow_the_settings_in_force_and_category_overrides_read_as_one_line(client):
    thresholds = ReviewSettings.current()
    thresholds.extend_years = 3
    thresholds.save()
    CategoryReviewSettings.objects.create(category=CategoryFactory(name="Téléphones"), idle_days=30,
                                          battery_years=1)
    french = method_page(client)
    assert "Δ = 3 ans" in french and "900 × 3 ÷ 5 = 540 € reportés, 181 × 3 ÷ 5 = 108,6 kg évités" in french
    assert "Catégorie Téléphones\u00a0: immobilisé après 30 jours\u202f; batterie après 1 an</li>" in french
    english = method_page(client, "en")
    assert "Category Téléphones: idle after 30 days; battery after 1 year</li>" in english
