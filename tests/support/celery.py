"""A real Celery worker process for tests.

The worker runs ``celery -A config worker`` on the broker the test run is configured with
(kombu's filesystem transport by default, Redis when CELERY_BROKER_URL says so) and on the
*test* database, so tasks see the rows the test committed (use ``transactional_db``).
It consumes a queue of its own, so a stray worker (``make run``) never steals test tasks:
send through ``handle.send(name, *args, **kwargs)``, which routes to that queue.
"""

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class WorkerHandle:
    app: object
    queue: str
    process: subprocess.Popen

    def send(self, name, *args, **kwargs):
        return self.app.send_task(name, args=args, kwargs=kwargs, queue=self.queue)


def _test_database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "CELERY_TASK_ALWAYS_EAGER": "0"}
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    handle = WorkerHandle(app=app, queue=queue, process=process)
    try:
        assert handle.send("config.ping").get(timeout=90) == "pong", "worker did not answer"
        yield handle
    except Exception:
        log.flush()
        print((tmp_path / "worker.log").read_text()[-4000:])
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
