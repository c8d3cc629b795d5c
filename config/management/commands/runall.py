"""``make run``: the web server and a Celery worker with its beat, as one process group.

Uses honcho's process manager (the Procfile runner) so that one Ctrl-C stops all of it.
Without CELERY_BROKER_URL the worker uses the filesystem broker: no Redis needed.
"""

import os
import shlex
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat together (development)."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args, host, port, **options):
        from honcho.manager import Manager

        python = shlex.quote(sys.executable)
        url = f"http://{host}:{port}/"
        broker = settings.CELERY_BROKER_URL.split("@")[-1]
        self.stdout.write(
            self.style.SUCCESS(f"Prolonge: {url}")
            + f"\n  accounts: {', '.join(settings.DEMO_USERNAMES)} / password {settings.DEMO_PASSWORD}"
            + f"\n  broker: {broker}  (Ctrl-C stops web, worker and beat)\n"
        )
        manager = Manager()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # QR codes and e-mail links point at this server unless PUBLIC_BASE_URL says otherwise.
        env.setdefault("PUBLIC_BASE_URL", f"http://{host}:{port}")
        manager.add_process("web", f"{python} manage.py runserver {host}:{port}", env=env)
        manager.add_process(
            "worker",
            f"{python} -m celery -A config worker --beat --pool=threads --concurrency=2 --loglevel=INFO",
            env=env,
        )
        manager.loop()
        sys.exit(manager.returncode)
