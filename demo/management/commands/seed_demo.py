"""``python manage.py seed_demo``: demo data and demo accounts, once (``make run`` calls it).

After the register is filled, the demo rows of the other apps are added by the functions of
``DEMO_DATA`` (``demo/<app>.py``), in order and in the same transaction.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from config.roles import ADMIN, ASSOCIATION, PROCUREMENT, TECHNICIAN
from demo import audits as audits_demo
from demo import reuse as reuse_demo
from demo import shipments as shipments_demo
from demo.fleet import generate_fleet
from inventory.models import Device

DEMO_DEVICES = 500
DEMO_SEED = 2025
DEMO_ACCOUNTS = (
    # username, role group, superuser (and staff)
    ("admin", ADMIN, True),
    ("technicien", TECHNICIAN, False),
    ("achats", PROCUREMENT, False),
    ("association", ASSOCIATION, False),
)
# Each takes the command's stdout and adds its app's demo rows to the generated register.
DEMO_DATA = [
    reuse_demo.seed_demo_data,
    audits_demo.seed_demo_data,
    shipments_demo.seed_demo_data,
]


class Command(BaseCommand):
    help = "Load the demo data and the demo accounts once (development only: refuses when DEBUG is off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates demo accounts with a published password: it only runs with DEBUG on."
            )
        User = get_user_model()
        if User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS]).exists() or Device.objects.exists():
            self.stdout.write(
                f"Demo data is already there ({Device.objects.count()} devices): nothing to do."
            )
            return
        with transaction.atomic():
            users = self._create_accounts(User)
            staff_ids = [users[name].pk for name in ("technicien", "achats", "admin")]
            summary = generate_fleet(devices=DEMO_DEVICES, seed=DEMO_SEED, actor_ids=staff_ids)
            self.stdout.write(
                f"Register: {summary.devices} devices, {summary.events} journal events, {summary.repairs} repairs."
            )
            for seed_app_data in DEMO_DATA:
                seed_app_data(self.stdout)
        # The review's findings are the demo's headline: run it once now, not at 02:30 tonight.
        from inventory.review.run import run_review

        result = run_review()
        opened = sum(outcome.opened for outcome in result.rules)
        self.stdout.write(f"Review: run once, {opened} findings; it runs again every night at 02:30.")
        url = settings.PUBLIC_BASE_URL + reverse("inventory:device-list")
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {url}"))
        for username, role, _superuser in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} ({role}) password: {settings.DEMO_PASSWORD}")

    def _create_accounts(self, User):
        users = {}
        for username, role, superuser in DEMO_ACCOUNTS:
            # Example addresses (RFC 2606) so that staff notifications are not skipped in the demo.
            user = User(username=username, is_staff=superuser, is_superuser=superuser,
                        email=f"{username}@prolonge.example")
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users
