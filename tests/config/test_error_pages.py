"""Error pages in French, in the site's layout, with a way back (issue 13)."""

import pytest
from django.test import Client, override_settings
from django.urls import include, path

from tests.reuse.conftest import make_member


def boom(request):
    raise RuntimeError("boom")


def bad(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("bad")


urlpatterns = [path("boom/", boom), path("bad/", bad), path("", include("config.urls"))]


def page(response):
    html = response.content.decode()
    assert '<html lang="fr">' in html and 'class="brand"' in html, "not in the site's layout"
    assert "Retour à l’accueil" in html
    return html


@pytest.mark.django_db
def test_404_is_french_with_a_way_back(technician):
    client = Client()
    client.force_login(technician)
    response = client.get("/devices/NO-SUCH-TAG/")
    assert response.status_code == 404
    assert "Page introuvable" in page(response)


@pytest.mark.django_db
def test_403_sends_an_association_member_to_their_area():
    member = make_member(username="err-member")
    client = Client()
    client.force_login(member)
    response = client.get("/devices/")
    assert response.status_code == 403
    html = page(response)
    assert "Accès refusé" in html and "En tant qu’association partenaire" in html
    assert 'href="/reuse/catalogue/"' in html


@pytest.mark.django_db
def test_403_for_staff_has_no_association_hint(technician):
    client = Client()
    client.force_login(technician)
    response = client.get("/reuse/associations/")
    if response.status_code == 403:
        assert "association partenaire" not in page(response)


@pytest.mark.django_db
def test_csrf_failure_is_a_french_page(technician):
    client = Client(enforce_csrf_checks=True)
    client.force_login(technician)
    response = client.post("/i18n/setlang/", {"language": "fr"})
    assert response.status_code == 403
    assert "Le formulaire a expiré" in page(response)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.config.test_error_pages")
def test_500_and_400_are_french(technician):
    client = Client(raise_request_exception=False)
    client.force_login(technician)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur du serveur" in html and "Retour à l’accueil" in html
    response = client.get("/bad/")
    assert response.status_code == 400
    assert "Requête incorrecte" in response.content.decode()


@pytest.mark.django_db
def test_login_offers_a_forgotten_password_link_and_reset_pages_use_the_layout():
    client = Client()
    login = client.get("/accounts/login/").content.decode()
    assert "Mot de passe oublié\u202f?" in login and 'href="/accounts/password_reset/"' in login
    reset = client.get("/accounts/password_reset/")
    html = page(reset) if "Retour à l’accueil" in reset.content.decode() else reset.content.decode()
    assert 'class="brand"' in html and "Administration de Django" not in html
    assert "Réinitialisation du mot de passe" in html
    done = client.get("/accounts/reset/done/").content.decode()
    assert 'class="brand"' in done and "Django" not in done


@pytest.mark.django_db
def test_admin_is_branded_prolonge(admin_user):
    client = Client()
    client.force_login(admin_user)
    html = client.get("/admin/").content.decode()
    assert "Prolonge" in html and "Administration de Django" not in html
