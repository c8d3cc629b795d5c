from django.urls import path

from . import api

urlpatterns = [
    path("reports/lifespans/", api.LifespanView.as_view(), name="reports-api-lifespans"),
    path("reports/repairs/", api.RepairFiguresView.as_view(), name="reports-api-repairs"),
    path("reports/indicators/<int:year>/", api.IndicatorsView.as_view(), name="reports-api-indicators"),
]
