"""An association member claims an offer on a phone, in a real (headless) browser."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from reuse.models import Claim
from tests.support.browser import login

from .conftest import make_member, offered, retired_device
from .factories import AssociationFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_claims_an_offer_on_a_phone_and_finds_it_in_my_claims(browser, live_server, buyer):
    member = make_member(AssociationFactory(name="Solidarité Numérique"), username="membre")
    offer = offered([retired_device(), retired_device()], buyer, title="Lot de portables Dell")

    login(browser, live_server, "membre", "pw")
    wait = WebDriverWait(browser, 15)
    wait.until(expected_conditions.url_contains("/reuse/catalogue/"))
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

    browser.find_element(By.PARTIAL_LINK_TEXT, "Lot de portables Dell").click()
    quantity = browser.find_element(By.ID, "id_quantity")
    quantity.clear()
    quantity.send_keys("1")
    browser.find_element(By.ID, "id_message").send_keys("Pour l'atelier du mardi")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/claim/'] button[type=submit]").click()
    wait.until(expected_conditions.url_contains("/reuse/claims/"))

    claim = Claim.objects.get(association=member.association_membership.association)
    assert claim.quantity == 1 and claim.offer == offer
    assert browser.current_url.endswith(claim.get_absolute_url())
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

    browser.find_element(By.CSS_SELECTOR, "header nav a[href='/reuse/claims/']").click()
    wait.until(expected_conditions.url_to_be(f"{live_server.url}/reuse/claims/"))
    row = browser.find_element(By.XPATH, f"//table//a[normalize-space()='#{claim.pk}']/ancestor::tr")
    assert "Lot de portables Dell" in row.text
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
