"""In headless Chromium at a phone viewport (360 × 740): the technician's flows end to end."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from config.roles import TECHNICIAN
from inventory import lifecycle
from inventory.models import Repair, Status
from labels.models import Sighting
from labels.services import start_campaign
from tests.factories import DeviceFactory, UserFactory
from tests.support.browser import login

pytestmark = pytest.mark.browser


@pytest.fixture
def field_tech(transactional_db):
    return UserFactory(username="terrain", roles=[TECHNICIAN])


@pytest.fixture
def laptop(transactional_db):
    device = DeviceFactory(asset_tag="GAM-000321")
    lifecycle.transition(device, Status.IN_SERVICE)
    return device


def _journal_kinds(browser):
    return [li.get_attribute("data-kind") for li in browser.find_elements(By.CSS_SELECTOR, "#journal li")]


def test_a_technician_scans_a_label_opens_then_closes_a_repair_and_sees_the_journal(browser, live_server,
                                                                                    field_tech, laptop):
    login(browser, live_server, "terrain", "pw", next_url="/d/GAM-000321")
    WebDriverWait(browser, 10).until(EC.url_to_be(f"{live_server.url}/d/GAM-000321"))
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360  # no sideways scroll

    browser.find_element(By.ID, "act-repair-open").click()
    browser.find_element(By.ID, "id_symptom").send_keys("L'écran reste noir")
    browser.find_element(By.CSS_SELECTOR, "#id_fault_category option[value=display]").click()
    browser.find_element(By.CSS_SELECTOR, "form button.primary").click()
    WebDriverWait(browser, 10).until(EC.url_to_be(f"{live_server.url}/d/GAM-000321"))
    assert browser.find_element(By.CSS_SELECTOR, ".messages .msg-success")
    assert _journal_kinds(browser)[0] == "repair_opened"

    browser.find_element(By.ID, "act-repair-close").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=outcome][value=fixed]").click()
    browser.find_element(By.ID, "id_action").send_keys("Nappe d'écran remplacée")
    browser.find_element(By.CSS_SELECTOR, "form button.primary").click()
    WebDriverWait(browser, 10).until(EC.url_to_be(f"{live_server.url}/d/GAM-000321"))
    assert _journal_kinds(browser)[:2] == ["repair_closed", "repair_opened"]
    assert "status-in_service" in browser.find_element(By.CSS_SELECTOR, "h1 .status").get_attribute("class")
    assert Repair.objects.get().outcome == "fixed"


def test_a_keyboard_wedge_scan_records_sightings_without_leaving_the_page(browser, live_server, field_tech, laptop):
    campaign = start_campaign(name="Inventaire", site=laptop.site, actor=field_tech)
    url = f"{live_server.url}/audits/{campaign.pk}/"
    login(browser, live_server, "terrain", "pw", next_url=f"/audits/{campaign.pk}/")
    WebDriverWait(browser, 10).until(EC.url_to_be(url))
    field = browser.switch_to.active_element
    assert field.get_attribute("name") == "code"  # focused: a handheld scanner types straight in
    field.send_keys("http://127.0.0.1:8000/d/GAM-000321", Keys.ENTER)
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.ID, "seen-count"), "1"))
    assert browser.current_url == url
    assert browser.find_element(By.CSS_SELECTOR, "#scan-status .msg-success")
    assert browser.switch_to.active_element.get_attribute("value") == ""
    assert Sighting.objects.get().device == laptop
