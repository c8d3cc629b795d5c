"""No Docker engine runs in CI: check what can be checked of the deployment files."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_declares_the_five_services_with_health_checks():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    assert all("healthcheck" in service for service in services.values())


def test_compose_keeps_data_in_named_volumes():
    spec = compose()
    assert {"pgdata", "redisdata", "media"} <= set(spec["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in spec["services"]["postgres"]["volumes"]


def test_compose_app_services_use_postgres_and_redis_and_wait_for_them():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "gunicorn config.wsgi:application" in services["web"]["command"]


def _start_production(**extra_env):
    """Import the WSGI application as gunicorn would, with DEBUG off."""
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env.update(DEBUG="0", **extra_env)
    return subprocess.run(
        [sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_to_start_with_the_development_secret_key():
    result = _start_production()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_while_demo_accounts_can_log_in(transactional_db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    # The production process checks the password with the production hasher.
    get_user_model().objects.create(
        username="technicien", password=make_password("prolonge-demo", hasher="pbkdf2_sha256")
    )
    db = connection.settings_dict
    url = (
        f"sqlite:///{db['NAME']}"
        if connection.vendor == "sqlite"
        else (f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")
    )
    result = _start_production(SECRET_KEY="a-real-secret-for-this-test", DATABASE_URL=url, ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "Demo accounts" in result.stderr and "technicien" in result.stderr
