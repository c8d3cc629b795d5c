from django.urls import path, register_converter

from . import views


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


register_converter(YearConverter, "year")

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("lifespans/", views.lifespan_report, name="lifespans"),
    path("repairs/", views.repair_report, name="repairs"),
    path("repairs/ords.csv", views.ords_export, name="ords-export"),
    path("annual/<year:year>/", views.annual_report, name="annual"),
    path("annual/<year:year>/report.pdf", views.annual_report_pdf, name="annual-pdf"),
    path("agec/<year:year>.csv", views.agec_declaration, name="agec-declaration"),
    path("open-data/<year:year>.<str:fmt>", views.open_data, name="open-data"),
    path("open-data/schema.json", views.open_data_schema, name="open-data-schema"),
]
