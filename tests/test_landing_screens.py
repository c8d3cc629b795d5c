"""Landing pages on a phone (390×844) and at a desk (1366×768): the first row is above the fold.

Screenshots go to ``var/screenshots/`` (not committed) for the issue's closing note.
"""

from pathlib import Path

import pytest
from django.conf import settings

from inventory import journal
from inventory.models import Event, Repair
from tests.factories import DeviceFactory, SiteFactory
from tests.test_ecoindex_axe import sign_in

SIZES = {"phone": (390, 844, True), "desk": (1366, 768, False)}


@pytest.fixture
def screen():
    """Chromium without the phone emulation of ``tests/support/browser.py``: the test sets each size."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--hide-scrollbars", "--lang=fr-FR"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    try:
        yield driver
    finally:
        driver.quit()
FIRST_ROW = """
const row = document.querySelector('main table tbody tr, main ul.plain li, main .cards li');
return row ? row.getBoundingClientRect().top : null;
"""


@pytest.mark.browser
def test_first_row_of_each_landing_page_is_above_the_fold(screen, live_server, transactional_db, technician,
                                                          procurement):
    SiteFactory.create_batch(50)
    devices = DeviceFactory.create_batch(30)
    Repair.objects.create(device=devices[0], symptom="écran noir", opened_by=technician)
    for device in devices[1:4]:
        journal.record(device, Event.Kind.NOTE, actor=technician, note="vu")
    out = Path(settings.BASE_DIR) / "var" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    problems, browser = [], screen
    for who, user in (("technician", technician), ("procurement", procurement)):
        sign_in(browser, live_server, user)
        for width, height, mobile in SIZES.values():
            browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
            for path in ("/", "/devices/"):
                browser.get(live_server.url + path)
                assert browser.execute_script("return window.innerWidth") == width
                top = browser.execute_script(FIRST_ROW)
                name = f"{who}-{path.strip('/') or 'home'}-{width}x{height}.png"
                browser.save_screenshot(str(out / name))
                if top is None or top > height - 40:
                    problems.append(f"{who} {path} at {width}×{height}: first row at {top}px")
    assert not problems, problems
