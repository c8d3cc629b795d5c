"""``python manage.py agec_declaration --year N -o FILE``: the AGEC open-data declaration (CSV)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from reports import agec, sources


class Command(BaseCommand):
    help = "Write year N's AGEC declaration (schema-declaration-biens-reemploi-reutilisation-recycle v0.1.0)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("-o", "--output", required=True, help="file to write ('-' for standard output)")

    def handle(self, *, year, output, **options):
        with translation.override(settings.LANGUAGE_CODE):
            owner = sources.current_owner()
            try:
                agec.declaration_rows(year, owner=owner)  # refuses early, before creating the file
            except agec.MissingSiret as refusal:
                raise CommandError(str(refusal)) from refusal
            if output == "-":
                rows = agec.write_declaration(self.stdout, year, owner=owner)
            else:
                with open(output, "w", encoding="utf-8", newline="") as handle:
                    rows = agec.write_declaration(handle, year, owner=owner)
        self.stderr.write(f"{len(rows)} rows ({agec.SCHEMA_NAME} {agec.SCHEMA_VERSION})")
