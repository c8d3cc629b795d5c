"""``/api/shipments/``: WEEE shipments (collection slips) and their verbs.

``POST /api/shipments/`` creates a draft (register fields); ``POST …/<id>/add_devices/`` adds
devices by asset tag (refusals listed, not fatal); ``POST …/<id>/remove_device/``;
``POST …/<id>/weights/`` records kilograms per WEEE category; ``POST …/<id>/dispatch/`` with
``{"confirm": true}`` recycles every device of the shipment, atomically (400 on a refusal: nothing
changed; the action is ``dispatch_shipment`` in Python, since ``dispatch`` is the view's own
method). Reads need ``inventory.view_device``, writes ``inventory.transition_device``.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import Device, Shipment, ShipmentWeight, WeeeCategory
from ..repairs.api import AssetTagField
from . import services

TRANSITION = ["inventory.transition_device"]
READ = ["inventory.view_device"]


class WeightSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShipmentWeight
        fields = ["weee_category", "kg"]


class ShipmentSerializer(serializers.ModelSerializer):
    weights = WeightSerializer(many=True, read_only=True)
    devices = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    dispatched_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Shipment
        fields = ["id", "state", *services.REGISTER_FIELDS, "certificate_received_on", "weights", "devices",
                  "dispatched_at", "dispatched_by", "created_by", "created_at"]
        read_only_fields = ["state", "certificate_received_on", "dispatched_at", "dispatched_by", "created_by",
                            "created_at"]

    def get_devices(self, shipment) -> list[str]:
        return [item.device.asset_tag for item in shipment.items.all()]


class AddDevicesResultSerializer(ShipmentSerializer):
    refusals = serializers.ListField(child=serializers.CharField(), read_only=True,
                                     help_text="One French message per asset tag that was not added.")

    class Meta(ShipmentSerializer.Meta):
        fields = [*ShipmentSerializer.Meta.fields, "refusals"]


class AddDevicesSerializer(serializers.Serializer):
    asset_tags = serializers.ListField(child=serializers.CharField(max_length=50), min_length=1, max_length=1000)


class RemoveDeviceSerializer(serializers.Serializer):
    device = AssetTagField(slug_field="asset_tag", queryset=Device.objects.all())


class WeightsSerializer(serializers.Serializer):
    weights = serializers.DictField(child=serializers.DecimalField(max_digits=10, decimal_places=1, min_value=0,
                                                                   allow_null=True))

    def validate_weights(self, value):
        unknown = set(value) - set(WeeeCategory.values)
        if unknown:
            raise serializers.ValidationError(f"Not WEEE categories: {', '.join(sorted(unknown))}")
        return value


class DispatchSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="Must be true: the dispatch cannot be undone.")


class ShipmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    queryset = Shipment.objects.select_related("created_by", "dispatched_by").prefetch_related(
        "weights", "items__device").order_by("-shipped_on", "-id")
    serializer_class = ShipmentSerializer
    filter_backends = []
    action_permissions = {"list": READ, "retrieve": READ, "create": TRANSITION, "add_devices": TRANSITION,
                          "remove_device": TRANSITION, "weights": TRANSITION, "dispatch_shipment": TRANSITION}

    def _fresh(self, shipment):
        return ShipmentSerializer(self.get_queryset().get(pk=shipment.pk)).data

    @extend_schema(summary="Create a draft WEEE shipment (collection slip)", examples=[OpenApiExample(
        "Draft", request_only=True, value={"operator": "Envie 2E Isère", "operator_siret": "41234567800012",
                                           "treatment_code": "R4", "channel": "ecosystem"})])
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        from ..api import _call_service

        shipment = _call_service(services.create_shipment, actor=request.user, **serializer.validated_data)
        return Response(self._fresh(shipment), status=status.HTTP_201_CREATED)

    @extend_schema(summary="Add devices to a draft shipment by asset tag", request=AddDevicesSerializer,
                   responses={200: AddDevicesResultSerializer})
    @action(detail=True, methods=["post"])
    def add_devices(self, request, pk=None):
        shipment = self.get_object()
        serializer = AddDevicesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        from ..api import _call_service

        added, refusals = _call_service(services.add_devices, shipment=shipment,
                                        asset_tags=serializer.validated_data["asset_tags"])
        data = self._fresh(shipment)
        data["refusals"] = refusals
        return Response(data)

    @extend_schema(summary="Take a device out of a draft shipment", request=RemoveDeviceSerializer,
                   responses={200: ShipmentSerializer})
    @action(detail=True, methods=["post"])
    def remove_device(self, request, pk=None):
        shipment = self.get_object()
        serializer = RemoveDeviceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        from ..api import _call_service

        _call_service(services.remove_device, shipment=shipment, device=serializer.validated_data["device"])
        return Response(self._fresh(shipment))

    @extend_schema(summary="Record the kilograms per WEEE category", request=WeightsSerializer,
                   responses={200: ShipmentSerializer},
                   examples=[OpenApiExample("Weights", request_only=True,
                                            value={"weights": {"2": "84.5", "6": "120"}})])
    @action(detail=True, methods=["post"])
    def weights(self, request, pk=None):
        shipment = self.get_object()
        serializer = WeightsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        from ..api import _call_service

        _call_service(services.set_weights, shipment=shipment, weights=serializer.validated_data["weights"])
        return Response(self._fresh(shipment))

    @extend_schema(summary="Dispatch the shipment: every device becomes recycled (irreversible)",
                   request=DispatchSerializer, responses={200: ShipmentSerializer})
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_shipment(self, request, pk=None):
        shipment = self.get_object()
        serializer = DispatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        from ..api import _call_service

        _call_service(services.dispatch, shipment=shipment, actor=request.user,
                      confirm=serializer.validated_data["confirm"])
        return Response(self._fresh(shipment))
