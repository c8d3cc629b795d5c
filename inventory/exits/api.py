"""``/api/exits/``: the exit records, and the two verbs of the exit routes.

``POST /api/exits/`` records a sale, transfer, take-back, return to the lessor, theft or
destruction (the route's fields, see ``ROUTE_FIELDS``) through ``record_exit``;
``POST /api/exits/found/`` brings a lost or stolen device back to stock through ``found_again``.
Refusals are 400 (missing field, guard: erasure, ownership) or 409 (``expected_status`` stale).
"""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import Device, Exit, Status
from ..repairs.api import AssetTagField
from .services import ROUTE_FIELDS, found_again, record_exit

TRANSITION = ["inventory.transition_device"]
READ = ["inventory.view_device"]


class ExitSerializer(serializers.ModelSerializer):
    device = AssetTagField(slug_field="asset_tag", queryset=Device.objects.all())
    expected_status = serializers.ChoiceField(choices=Status.choices, required=False, allow_null=True,
                                              default=None, write_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Exit
        fields = ["id", "device", "route", "exited_on", "counterparty", "counterparty_siret", "price", "platform",
                  "decision", "contract_reference", "contract_terms_confirmed", "reuse_commitment",
                  "police_report", "personal_data", "reason", "note", "found_at", "created_by", "created_at",
                  "expected_status"]
        read_only_fields = ["found_at", "created_by", "created_at"]
        extra_kwargs = {"price": {"min_value": 0}}


class FoundSerializer(serializers.Serializer):
    device = AssetTagField(slug_field="asset_tag", queryset=Device.objects.all())
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ExitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = Exit.objects.select_related("device", "created_by").order_by("-exited_on", "-id")
    serializer_class = ExitSerializer
    filter_backends = []
    action_permissions = {"list": READ, "retrieve": READ, "create": TRANSITION, "found": TRANSITION}

    @extend_schema(
        summary="Record a device leaving the fleet (sale, public transfer, take-back, return, theft, destruction)",
        description="Each route needs its own fields: " + "; ".join(
            f"{route}: {', '.join(fields)}" for route, fields in ROUTE_FIELDS.items()
        ) + ". A device whose model holds storage needs a passed erasure first (except a theft, and a return "
            "to the lessor with contract_terms_confirmed). Leased devices are only returned.",
        examples=[OpenApiExample("Sale", request_only=True, value={
            "device": "GAM-000123", "route": "sold", "counterparty": "M. Martin", "price": "45.00",
            "platform": "Agorastore", "decision": "Décision n° 2026-118 du 3 mars 2026"})],
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        device, route, expected = data.pop("device"), data.pop("route"), data.pop("expected_status")
        from ..api import _call_service

        record = _call_service(record_exit, device=device, route=route, actor=request.user,
                               expected_status=expected, **data)
        return Response(ExitSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="A lost or stolen device is found again: back in stock", request=FoundSerializer,
                   responses={200: ExitSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def found(self, request):
        serializer = FoundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device = serializer.validated_data["device"]
        found_again(device=device, actor=request.user, note=serializer.validated_data["note"])
        return Response(ExitSerializer(device.exits.all(), many=True).data)
