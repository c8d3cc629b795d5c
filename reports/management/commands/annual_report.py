"""``python manage.py annual_report --year N --format html|pdf|csv|json -o FILE``."""

import csv
import json
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation

from reports import annual, pdf, sources
from reports.db import without_jit


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


class Command(BaseCommand):
    help = "Write year N's REEN report (IT equipment) as HTML, PDF, CSV or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["html", "pdf", "csv", "json"], default="html")
        parser.add_argument("-o", "--output", required=True, help="file to write ('-' for standard output)")

    def handle(self, *, year, format, output, **options):
        with translation.override(settings.LANGUAGE_CODE), without_jit():
            report = annual.build(year=year, owner=sources.current_owner())
            if format == "pdf":
                if output == "-":
                    raise CommandError("A PDF needs a file: -o report.pdf")
                with open(output, "wb") as handle:
                    handle.write(pdf.annual_report(report))
                return
            if format == "html":
                text = render_to_string("reports/annual_print.html", annual.context(report))
            elif format == "json":
                text = json.dumps(report, default=_json_default, ensure_ascii=False, indent=2)
            else:
                text = None
            if output == "-":
                self._write(self.stdout, text, report)
            else:
                with open(output, "w", encoding="utf-8", newline="") as handle:
                    self._write(handle, text, report)

    @staticmethod
    def _write(handle, text, report):
        if text is not None:
            handle.write(text)
            return
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["section", "indicateur", "valeur", "unite"])
        writer.writerows(annual.rows(report))
