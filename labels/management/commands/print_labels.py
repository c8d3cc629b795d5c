"""``python manage.py print_labels --template a4-3x8 --tags GAM-000001,GAM-000002 -o labels.pdf``

or ``--filter "status=in_service&site=12"`` (the device list's query string). No limit on the
number of labels here, unlike the web page.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from labels.models import LabelTemplate
from labels.pdf import page_count, render_labels
from labels.services import select_devices


class Command(BaseCommand):
    help = "Make a PDF of QR labels for the given asset tags or for the devices a filter selects."

    def add_arguments(self, parser):
        parser.add_argument("--template", default="a4-3x8", help="Label template code (slug). Default: a4-3x8.")
        selection = parser.add_mutually_exclusive_group(required=True)
        selection.add_argument("--tags", help="Comma-separated asset tags, printed in this order.")
        selection.add_argument("--filter", help='The device list\'s query string, e.g. "status=in_service&q=GAM".')
        parser.add_argument("--start", type=int, default=1,
                            help="First free position on the first sheet (1 = top left).")
        parser.add_argument("-o", "--output", required=True, help="Where to write the PDF.")

    def handle(self, *args, template, tags, filter, start, output, **options):
        chosen = LabelTemplate.objects.filter(slug=template).first()
        if chosen is None:
            known = ", ".join(LabelTemplate.objects.values_list("slug", flat=True))
            raise CommandError(f"Unknown template {template!r}. Known templates: {known}.")
        if not 1 <= start <= chosen.labels_per_page:
            raise CommandError(f"--start must be between 1 and {chosen.labels_per_page} for {chosen.slug}.")
        selection = select_devices({"tags": tags} if tags is not None else (filter or ""))
        if selection.errors:
            details = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in selection.errors.items())
            raise CommandError(f"Invalid filter: {details}")
        if selection.unknown:
            raise CommandError(f"Unknown asset tags: {', '.join(selection.unknown)}")
        if not selection.tags:
            raise CommandError("No device matches: nothing to print.")
        started = time.perf_counter()
        pdf = render_labels(selection.tags, template=chosen, start=start)
        Path(output).write_bytes(pdf)
        self.stdout.write(
            f"{len(selection.tags)} labels on {page_count(chosen, len(selection.tags), start)} page(s) of "
            f"{chosen.slug} → {output} ({len(pdf) / 1024:.0f} KB, {time.perf_counter() - started:.1f} s)"
        )
