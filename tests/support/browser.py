"""Headless Chromium (Debian's chromium + chromedriver) at a phone viewport, for flows that
need a real browser. Tests using it are marked ``browser`` and skipped where it is missing."""

import shutil

import pytest

PHONE = (360, 740)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        f"--window-size={PHONE[0]},{PHONE[1]}",
        "--lang=fr-FR",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "mobileEmulation", {"deviceMetrics": {"width": PHONE[0], "height": PHONE[1], "pixelRatio": 2.0}}
    )
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def login(browser, live_server, username, password, next_url=""):
    """Log in through the real login form; lands on ``next_url`` (or home)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url = f"{live_server.url}/accounts/login/"
    if next_url:
        url += f"?next={next_url}"
    browser.get(url)
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit].primary").click()
    WebDriverWait(browser, 10).until(lambda driver: "/accounts/login/" not in driver.current_url)
