from django.urls import path, re_path

from .views import audits, mobile, printing

app_name = "labels"

urlpatterns = [
    path("d/<tag:tag>/move/", mobile.move, name="device-move"),
    path("d/<tag:tag>/assign/", mobile.assign, name="device-assign"),
    path("d/<tag:tag>/status/", mobile.change_status, name="device-status"),
    path("d/<tag:tag>/note/", mobile.add_note, name="device-note"),
    path("d/<tag:tag>/photo/", mobile.add_photo, name="device-photo"),
    # Last: whatever follows /d/ is a scanned tag, so that an odd one gets a clear page, not a 404.
    re_path(r"^d/(?P<tag>.+)$", mobile.scan, name="scan"),
    path("labels/", printing.print_form, name="print"),
    path("labels/sheet.pdf", printing.print_pdf, name="print-pdf"),
    path("audits/", audits.campaign_list, name="audit-list"),
    path("audits/new/", audits.campaign_new, name="audit-new"),
    path("audits/<int:pk>/", audits.campaign_scan, name="audit-scan"),
    path("audits/<int:pk>/close/", audits.campaign_close, name="audit-close"),
    path("audits/<int:pk>/discrepancy/", audits.campaign_discrepancy, name="audit-discrepancy"),
    path("audits/<int:pk>/report/", audits.campaign_report, name="audit-report"),
    path("audits/<int:pk>/report.csv", audits.campaign_report_csv, name="audit-report-csv"),
]
