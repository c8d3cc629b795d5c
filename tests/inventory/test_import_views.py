"""Import pages and background jobs: upload → check → report → confirm → progress → result;
large exports as a job; the template; the next free asset tag; LibreOffice opens our CSV."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config import exports
from inventory import services
from inventory.imports import jobs
from inventory.models import Device, FileJob
from tests.factories import CategoryFactory, DeviceFactory, DeviceModelFactory, SiteFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture
def eager(settings, tmp_path):
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def buyer(client, procurement):
    client.force_login(procurement)
    return client


def upload(client, name, profile="template", create_missing=True, capture=None):
    data = {"file": SimpleUploadedFile(name, (DATA / name).read_bytes()), "profile": profile}
    if create_missing:
        data["create_missing"] = "on"
    return client.post(reverse("imports:upload"), data)


def test_the_whole_flow_check_report_confirm(buyer, eager, django_capture_on_commit_callbacks):
    CategoryFactory(slug="laptop")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(buyer, "template_nasty.csv")
    check = FileJob.objects.get(kind=FileJob.Kind.IMPORT_CHECK)
    assert response.url == reverse("imports:job", args=[check.pk])
    page = buyer.get(response.url).content.decode()
    assert 'id="count-rejected">4<' in page and 'id="count-created">4<' in page
    # Errors come first in the report.
    assert page.index("ce jour n&#x27;existe pas") < page.index("GAM-000002")
    assert Device.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer.post(reverse("imports:confirm", args=[check.pk]), {"valid_only": "on"})
    job = FileJob.objects.get(kind=FileJob.Kind.IMPORT)
    assert job.state == FileJob.State.DONE and job.report["created"] == 4
    assert Device.objects.count() == 4
    page = buyer.get(response.url).content.decode()
    assert "L'import est enregistré." in page
    rejected = b"".join(buyer.get(reverse("imports:job-file", args=[job.pk])).streaming_content)
    assert rejected.decode("utf-8-sig").count("\r\n") == 5  # header + the 4 rejected rows


def test_an_atomic_confirmation_of_a_file_with_errors_writes_nothing(buyer, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(buyer, "glpi_computers.csv", profile="glpi")
    check = FileJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = buyer.post(reverse("imports:confirm", args=[check.pk]))
    assert Device.objects.count() == 0
    assert "Rien n'a été écrit" in buyer.get(response.url).content.decode()


def test_the_job_page_shows_progress_and_refreshes_itself_while_the_worker_runs(buyer, procurement):
    job = FileJob.objects.create(kind=FileJob.Kind.IMPORT, user=procurement, source_name="parc.csv",
                                 state=FileJob.State.RUNNING, report={"total": 1000})
    cache.set(jobs.progress_key(job), 400)
    page = buyer.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="progress" value="400" max="1000">' in page


def test_someone_else_s_job_is_forbidden(client, technician, procurement):
    job = FileJob.objects.create(kind=FileJob.Kind.IMPORT, user=procurement, source_name="parc.csv")
    client.force_login(technician)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 403
    assert client.get(reverse("imports:upload")).status_code == 403


def test_a_custom_profile_maps_other_headers_and_statuses(buyer, eager, tmp_path, django_capture_on_commit_callbacks):
    CategoryFactory(slug="laptop")
    response = buyer.post(reverse("imports:profile-new"), {
        "name": "Tableur des écoles", "base": "template",
        "columns_text": "asset_tag = N° étiquette\nstatus = État\nmodel = Modèle\nmanufacturer = Marque",
        "statuses_text": "Dans le placard = in_stock",
    })
    assert response.status_code == 302
    from inventory.models import ImportProfile

    profile = ImportProfile.objects.get()
    path = tmp_path / "ecoles.csv"
    path.write_text("N° étiquette;Marque;Modèle;État;categorie\nECO-1;Dell;Latitude 3120;dans le PLACARD;laptop\n",
                    encoding="utf-8")
    from inventory.imports import services as import_services

    report = import_services.import_devices(path, profile=f"custom:{profile.pk}", mode=import_services.VALID_ONLY,
                                            create_missing=True)
    assert report.rejected == 0
    assert Device.objects.get(asset_tag="ECO-1").status == "in_stock"


def test_the_template_downloads_with_the_documented_columns(buyer):
    text = b"".join(buyer.get(reverse("imports:template", args=["csv"])).streaming_content).decode("utf-8")
    header = text.lstrip("\ufeff").splitlines()[0].split(";")
    assert header[:6] == ["numero_inventaire", "numero_serie", "fabricant", "modele", "categorie", "statut"]
    assert "numero_immo_comptable" in header
    assert buyer.get(reverse("imports:template", args=["xlsx"])).status_code == 200


def test_the_template_imports_cleanly(buyer, tmp_path):
    from inventory.imports import services as import_services

    path = tmp_path / "modele.xlsx"
    path.write_bytes(b"".join(buyer.get(reverse("imports:template", args=["xlsx"])).streaming_content))
    CategoryFactory(slug="laptop")
    report = import_services.import_devices(path, profile="template", mode=import_services.VALID_ONLY,
                                            create_missing=True)
    assert (report.created, report.rejected) == (1, 0)


# --- large exports as a job ----------------------------------------------------------------------


def test_an_export_above_the_threshold_becomes_a_job_with_a_complete_file(
        client, technician, eager, settings, django_capture_on_commit_callbacks, mailoutbox):
    settings.PROLONGE = {**settings.PROLONGE, "EXPORT_BACKGROUND_ROWS": 2}
    technician.email = "tech@metro.example"
    technician.save()
    DeviceFactory.create_batch(3)
    client.force_login(technician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/devices/export.csv")
    job = FileJob.objects.get(kind=FileJob.Kind.EXPORT)
    assert response.url == reverse("imports:job", args=[job.pk])
    assert job.state == FileJob.State.DONE and job.report["rows"] == 3
    text = b"".join(client.get(reverse("imports:job-file", args=[job.pk])).streaming_content).decode("utf-8")
    assert exports.is_complete(text)
    # The person is told by e-mail, with the job page's link (no need to keep the page open).
    [mail] = mailoutbox
    assert mail.to == ["tech@metro.example"] and mail.subject == "Votre export est prêt"
    link = f"{settings.PUBLIC_BASE_URL}/imports/jobs/{job.pk}/"
    assert link in mail.body or reverse("imports:job", args=[job.pk]) in mail.body


def test_a_short_export_file_marks_the_job_failed_and_offers_no_file(technician, eager, settings, monkeypatch):
    DeviceFactory.create_batch(3)
    job = FileJob.objects.create(kind=FileJob.Kind.EXPORT, user=technician, options={"query": ""})
    from inventory import exports as device_exports

    real = device_exports.device_rows
    from config import exports

    def short(qs, dialect):  # two rows of three, of the same kind (formatted by the database or not)
        return exports.wrapped(real(qs, dialect), lambda rows: iter(list(rows)[:2]))

    monkeypatch.setattr(device_exports, "device_rows", short)
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == FileJob.State.FAILED and not job.result
    assert job.report["fatal"] == "2 rows written, 3 expected"


def test_a_failed_export_is_told_by_e_mail_too(technician, eager, mailoutbox):
    technician.email = "tech@metro.example"
    technician.save()
    job = FileJob.objects.create(kind=FileJob.Kind.EXPORT, user=technician, options={"query": "status=melted"})
    jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == FileJob.State.FAILED
    assert [m.subject for m in mailoutbox] == ["Votre export a échoué"]


# --- asset tags ----------------------------------------------------------------------------------


def test_the_create_form_suggests_the_next_free_tag_with_the_prefix(client, technician, settings):
    settings.PROLONGE = {**settings.PROLONGE, "ASSET_TAG_PREFIX": "GAM"}
    for tag in ("GAM-000009", "GAM-000123", "GAM-99", "OTHER-999999"):
        DeviceFactory(asset_tag=tag)
    assert services.next_asset_tag() == "GAM-000124"
    client.force_login(technician)
    assert client.get("/devices/new/").context["form"].initial["asset_tag"] == "GAM-000124"


def test_the_first_tag_of_an_empty_register():
    assert services.next_asset_tag("VDG") == "VDG-000001"


# --- LibreOffice ---------------------------------------------------------------------------------


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
def test_the_spreadsheet_csv_opens_in_libreoffice_with_its_columns_and_accents(client, technician, tmp_path):
    DeviceFactory(asset_tag="GAM-1", model=DeviceModelFactory(manufacturer="Société Générale d'Électronique"),
                  site=SiteFactory(name="Échirolles"), notes="Écran à changer")
    client.force_login(technician)
    source = tmp_path / "appareils.csv"
    source.write_bytes(b"".join(client.get("/devices/export.csv").streaming_content))
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    # 59 = ";", 34 = '"', 76 = UTF-8: what LibreOffice's import dialog proposes for this file.
    subprocess.run([binary, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--infilter=CSV:59,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(tmp_path / "appareils.xlsx")).get_sheet_by_index(0).to_python()
    values = dict(zip(rows[0], rows[1], strict=False))
    assert rows[0][:3] == ["numéro d'inventaire", "numéro de série", "fabricant"]
    assert values["fabricant"] == "Société Générale d'Électronique"
    assert values["site"] == "Échirolles" and values["notes"] == "Écran à changer"
    assert values["statut"] == "En stock"
