"""REST API of the register: serializers and viewsets.

The device list uses ``DeviceFilterSet``, the same FilterSet as the HTML list and the CSV
export, so ``/devices/?status=in_service`` and ``/api/devices/?status=in_service`` return the
same rows. Writes go through ``inventory.services`` and status changes through
``inventory.lifecycle.transition``: the API holds no rule of its own.
"""

import copy

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.validators import UniqueValidator

from . import lifecycle, queries, services
from .filters import DeviceFilterSet, DeviceModelFilterSet, SiteFilterSet
from .forms import validate_serial_number
from .models import (
    Category,
    Department,
    Device,
    DeviceModel,
    Event,
    Site,
    Status,
    normalize_asset_tag,
    validate_asset_tag,
)

# --- Serializers ---------------------------------------------------------------------------


class AssetTagField(serializers.CharField):
    """Asset tags are stored upper-case and trimmed; normalise before uniqueness is checked."""

    def to_internal_value(self, data):
        return normalize_asset_tag(super().to_internal_value(data))


class RoundedFloatField(serializers.FloatField):
    def to_representation(self, value):
        return round(float(value), 2)


class DeviceSerializer(serializers.ModelSerializer):
    asset_tag = AssetTagField(
        label=_("asset tag"),
        max_length=32,
        validators=[
            validate_asset_tag,
            UniqueValidator(queryset=Device.objects.all(), message=_("A device with this asset tag already exists."))
        ],
    )
    category = serializers.SlugRelatedField(
        source="model.category",
        slug_field="slug",
        read_only=True,
        help_text=_("Category code, from the model."),
    )
    model_name = serializers.CharField(source="model", read_only=True, help_text=_("Manufacturer and model name."))
    status = serializers.ChoiceField(
        choices=Status.choices,
        read_only=True,
        help_text=_("Changed only through POST /api/devices/<asset_tag>/transition/."),
    )
    site_name = serializers.CharField(source="site.full_name", read_only=True, allow_null=True)
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True)
    age_years = RoundedFloatField(read_only=True, allow_null=True, help_text=_("Years since purchase."))
    book_value = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Straight-line depreciation over the category's period (€ HT)."),
    )
    embodied_kgco2e = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Embodied footprint: the model's figure, else the category's factor."),
    )

    class Meta:
        model = Device
        fields = [
            "id",
            "asset_tag",
            "serial_number",
            "category",
            "manufacturer",
            "model",
            "model_name",
            "status",
            "status_changed_at",
            "site",
            "site_name",
            "department",
            "department_name",
            "assignee",
            "purchase_date",
            "purchase_price",
            "use_date",
            "accounting_number",
            "vat_rate",
            "ownership",
            "lessor",
            "contract_end",
            "classified",
            "supplier",
            "order_reference",
            "acquired_as",
            "warranty_end",
            "planned_renewal_year",
            "replacement_price",
            "last_seen",
            "notes",
            "age_years",
            "book_value",
            "embodied_kgco2e",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_seen"]
        # Model-level uniqueness (serial per manufacturer) is checked by the service's
        # full_clean(), whose errors come back as field errors (see _call_service).
        validators = []

    def validate(self, attrs):
        device = copy.copy(self.instance) if isinstance(self.instance, Device) else Device()
        for name, value in attrs.items():
            setattr(device, name, value)
        try:
            validate_serial_number(device)
        except DjangoValidationError as error:
            raise serializers.ValidationError(as_serializer_error(error)) from error
        return attrs

    def get_fields(self):
        fields = super().get_fields()
        if isinstance(self.instance, Device):
            # The tag is printed on the label: it is set once, at registration.
            fields["asset_tag"] = AssetTagField(label=_("asset tag"), read_only=True)
        return fields


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    attachment = serializers.SerializerMethodField(help_text=_("The photo's page (staff session), or null."))

    def get_attachment(self, event) -> str | None:
        if not event.attachment:
            return None
        return self.context["request"].build_absolute_uri(reverse("inventory:event-photo", args=[event.pk]))

    class Meta:
        model = Event
        fields = ["id", "kind", "from_status", "to_status", "actor", "at", "note", "repair", "data", "attachment"]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Status.choices, help_text=_("The new status."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    expected_status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text=_("The status the client saw: if the device changed meanwhile, 409."),
    )


ErrorSerializer = inline_serializer(
    name="Error",
    fields={"detail": serializers.CharField(), "code": serializers.CharField()},
)


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = [
            "slug",
            "name",
            "planned_lifespan_years",
            "depreciation_years",
            "embodied_kgco2e",
            "footprint_source",
            "carries_storage",
            "weee_category",
        ]


class DeviceModelSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = DeviceModel
        fields = [
            "id",
            "manufacturer",
            "name",
            "category",
            "repairability_index",
            "durability_index",
            "embodied_kgco2e",
            "reference_price",
            "ram_gb",
            "storage_gb",
            "storage_kind",
            "cpu",
            "has_battery",
            "vendor_support_end",
            "os_upgradable",
            "weee_category",
            "carries_storage",
        ]


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "name", "kind", "parent", "full_name", "address"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name"]


# --- Views ---------------------------------------------------------------------------------


def _call_service(function, **kwargs):
    """Run a service; its Django ValidationError becomes a 400 with field errors."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        errors = as_serializer_error(exc)
        if NON_FIELD_ERRORS in errors:
            errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
        raise serializers.ValidationError(errors) from exc


TAG_PARAMETER = OpenApiParameter(
    "asset_tag",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=str(_("Asset tag, case-insensitive (e.g. GAM-000123).")),
)


@extend_schema_view(
    list=extend_schema(summary="List devices (same filters as the HTML list)"),
    retrieve=extend_schema(summary="One device", parameters=[TAG_PARAMETER]),
    create=extend_schema(summary="Register a device (status in_stock, journalled)"),
    update=extend_schema(summary="Edit a device's facts (not its status)", parameters=[TAG_PARAMETER]),
    partial_update=extend_schema(summary="Edit some of a device's facts", parameters=[TAG_PARAMETER]),
)
class DeviceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DeviceSerializer
    filterset_class = DeviceFilterSet
    lookup_field = "asset_tag"
    lookup_value_regex = "[^/]+"
    action_permissions = {
        "events": ["inventory.view_device", "inventory.view_event"],
        "transition": ["inventory.view_device", "inventory.transition_device"],
    }

    def get_queryset(self):
        return queries.device_list()

    def get_object(self):
        # Not filter_queryset(): the list's filters must not hide a device asked for by tag.
        device = get_object_or_404(self.get_queryset(), asset_tag=normalize_asset_tag(self.kwargs["asset_tag"]))
        self.check_object_permissions(self.request, device)
        return device

    def _annotated(self, device):
        return self.get_queryset().get(pk=device.pk)

    def perform_create(self, serializer):
        device = _call_service(services.register_device, actor=self.request.user, **serializer.validated_data)
        serializer.instance = self._annotated(device)

    def perform_update(self, serializer):
        device = _call_service(
            services.update_device, device=serializer.instance, actor=self.request.user, **serializer.validated_data
        )
        serializer.instance = self._annotated(device)

    @extend_schema(
        summary="The device's journal, oldest first",
        parameters=[TAG_PARAMETER],
        responses=EventSerializer(many=True),
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request, asset_tag=None):
        device = self.get_object()
        page = self.paginate_queryset(queries.journal(device))
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(
        summary="Change the device's status through the lifecycle",
        parameters=[TAG_PARAMETER],
        request=TransitionSerializer,
        responses={
            200: DeviceSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Refused by the transition table or a guard."),
            403: OpenApiResponse(ErrorSerializer, description="No transition permission."),
            404: OpenApiResponse(ErrorSerializer, description="Unknown asset tag."),
            409: OpenApiResponse(ErrorSerializer, description="The device changed meanwhile (expected_status)."),
        },
        examples=[
            OpenApiExample(
                "Retire",
                value={"to": "retired", "note": "Écran cassé", "expected_status": "in_service"},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transition(self, request, asset_tag=None):
        device = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # TransitionRefused (400) and TransitionConflict (409) carry their status and French
        # message; config.api.exception_handler turns them into {"detail", "code"}.
        lifecycle.transition(
            device,
            data["to"],
            actor=request.user,
            note=data["note"],
            expected_status=data.get("expected_status"),
            check_permission=True,
        )
        return Response(DeviceSerializer(self._annotated(device), context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(summary="Device categories"),
    retrieve=extend_schema(summary="One category, by its code"),
)
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    lookup_field = "slug"
    filter_backends = []


@extend_schema_view(list=extend_schema(summary="Device models"), retrieve=extend_schema(summary="One device model"))
class DeviceModelViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = DeviceModel.objects.select_related("category")
    serializer_class = DeviceModelSerializer
    filterset_class = DeviceModelFilterSet


@extend_schema_view(
    list=extend_schema(summary="Sites (commune › building › room)"), retrieve=extend_schema(summary="One site")
)
class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Site.objects.all()
    serializer_class = SiteSerializer
    filterset_class = SiteFilterSet


@extend_schema_view(
    list=extend_schema(summary="Departments (cost centres)"), retrieve=extend_schema(summary="One department")
)
class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filter_backends = []
