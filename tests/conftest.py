import os
import shutil

import pytest
from django.db import connection

from config.roles import ADMIN, ASSOCIATION, PROCUREMENT, TECHNICIAN
from tests.factories import UserFactory

pytest_plugins = ["tests.support.celery", "tests.support.browser"]


def pytest_collection_modifyitems(config, items):
    """Skip what this environment cannot run, and say why."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    has_browser = shutil.which("chromium") and shutil.which("chromedriver")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://…); .ci/run runs it"))
        if "browser" in item.keywords and not has_browser:
            item.add_marker(
                pytest.mark.skip(reason="needs chromium and chromedriver (apt-get install chromium chromium-driver)")
            )


@pytest.fixture
def technician(db):
    return UserFactory(username="tech", roles=[TECHNICIAN])


@pytest.fixture
def procurement(db):
    return UserFactory(username="buyer", roles=[PROCUREMENT])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="boss", roles=[ADMIN], is_staff=True, is_superuser=True)


@pytest.fixture
def association_user(db):
    return UserFactory(username="asso", roles=[ASSOCIATION])


@pytest.fixture
def vendor():
    return connection.vendor


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing passwords the production way costs ~0.3 s per user; tests need no such cost."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def fresh_throttle_counters():
    """Throttle counters live in the process's memory (the ``throttle`` cache) and user ids come
    back after a rollback: each test starts with none."""
    from django.core.cache import caches

    caches["throttle"].clear()


@pytest.fixture(autouse=True)
def joinable_results():
    """Celery keeps "a task is running here, never block on a result" in one process-wide flag,
    set and restored around every eager task. Concurrent eager tasks in threads (the concurrency
    tests) can restore it in the wrong order and leave it set, so that a later test's
    ``result.get()`` fails with "Never call result.get() within a task!". Each test starts with
    the flag as a plain test process has it."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
