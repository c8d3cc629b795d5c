"""``python manage.py import_devices FILE --profile glpi [--dry-run] [--create-missing] [--valid-only]``.

Exit status 0 when every row was accepted, 1 when some were rejected (or nothing could be read).
"""

from django.core.management.base import BaseCommand, CommandError

from inventory.imports import services
from inventory.imports.profiles import builtin_profiles


class Command(BaseCommand):
    help = "Import devices from a CSV or XLSX file (GLPI, Snipe-IT, the French template, our own export)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--profile", default="template",
                            help=f"one of {', '.join(builtin_profiles())}, or a saved profile's name")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument("--create-missing", action="store_true",
                            help="create unknown categories, models, sites and departments")
        parser.add_argument("--valid-only", action="store_true",
                            help="write the valid rows and put the rejected ones in a file (default: all or nothing)")
        parser.add_argument("--rejected", help="where to write the rejected rows (default: FILE.rejets.csv)")

    def handle(self, *args, file, profile, dry_run, create_missing, valid_only, rejected, **options):
        mode = services.DRY_RUN if dry_run else (services.VALID_ONLY if valid_only else services.ATOMIC)
        rejected_path = rejected or f"{file}.rejets.csv"
        try:
            report = services.import_devices(file, profile=profile, mode=mode, create_missing=create_missing,
                                             rejected_path=rejected_path)
        except KeyError as error:
            raise CommandError(f"unknown profile {error}") from None
        if report.fatal:
            raise CommandError(report.fatal)
        out = self.stdout
        out.write(f"{report.source}: {report.detected}")
        if report.ignored_columns:
            out.write(f"ignored columns: {', '.join(report.ignored_columns)}")
        for kind, names in report.to_create.items():
            out.write(f"{kind} {'created' if report.written else 'to create'}: {', '.join(names)}")
        for row, column, message in report.errors:
            out.write(f"row {row}, {column}: {message}")
        out.write(
            f"{report.rows} rows: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.rejected} rejected — {'written' if report.written else 'nothing written'}"
        )
        if report.rejected:
            out.write(f"rejected rows: {rejected_path}")
            raise CommandError(f"{report.rejected} rows rejected", returncode=1)
