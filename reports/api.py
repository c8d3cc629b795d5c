"""Read-only API of the reports under ``/api/reports/`` (documented in the OpenAPI schema).

Each endpoint returns the figures of a page, computed by the same selectors, for the
authority's staff (associations get 403, anonymous 401).
"""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from config.roles import is_staff_member

from . import lifespans, open_data, repairs, sources


class IsStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return is_staff_member(request.user)


class CurveSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    devices = serializers.IntegerField()
    exits = serializers.IntegerField()
    censored = serializers.IntegerField()
    median_years = serializers.FloatField(allow_null=True, help_text="Kaplan–Meier median, years (null: not reached)")
    median_lower_years = serializers.FloatField(allow_null=True, help_text="95 % CI, lower bound")
    median_upper_years = serializers.FloatField(allow_null=True, help_text="95 % CI, upper bound (null: unbounded)")
    at_risk_by_year = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="[year, devices still at risk at its start]",
    )


class LifespanView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        summary="Kaplan–Meier lifespans by group",
        parameters=[OpenApiParameter("by", OpenApiTypes.STR, enum=list(lifespans.GROUPINGS), default="category")],
        responses=CurveSerializer(many=True),
    )
    def get(self, request):
        by = request.query_params.get("by", "category")
        if by not in lifespans.GROUPINGS:
            raise NotFound
        curves = lifespans.survival_by(by, as_of=timezone.localdate())
        for curve in curves:
            curve.key = None if curve.key is None else str(curve.key)
        return Response(CurveSerializer(curves, many=True).data)


class RepairFiguresView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        summary="Repair figures: outcomes, barriers, cost and time, rates per 100 device-years",
        responses=inline_serializer(
            "RepairFigures",
            {
                "outcomes": serializers.DictField(),
                "barriers": serializers.DictField(),
                "cost_and_time": serializers.DictField(),
                "rates_by_model": serializers.ListField(),
                "rates_by_supplier": serializers.ListField(),
            },
        ),
    )
    def get(self, request):
        today = timezone.localdate()
        return Response(
            {
                "outcomes": repairs.outcome_shares(),
                "barriers": repairs.barrier_distribution(),
                "cost_and_time": repairs.cost_and_time(),
                "rates_by_model": repairs.repair_rates("model", as_of=today),
                "rates_by_supplier": repairs.repair_rates("supplier", as_of=today),
            }
        )


class IndicatorSerializer(serializers.Serializer):
    annee = serializers.IntegerField()
    indicateur = serializers.CharField()
    libelle = serializers.CharField()
    valeur = serializers.FloatField(allow_null=True)
    unite = serializers.CharField()


class IndicatorsView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        summary="The annual report's indicators (open-data rows, Table Schema at /reports/open-data/schema.json)",
        responses=IndicatorSerializer(many=True),
    )
    def get(self, request, year):
        if not 2000 <= year <= timezone.localdate().year:
            raise NotFound
        return Response(open_data.indicators(year=year, owner=sources.current_owner()))
