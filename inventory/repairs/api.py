"""``/api/repairs/``: list and read repairs (same filters as the HTML list), open and close them.

Writes go through ``inventory.repairs.services`` like the pages do; refusals come back as 400 (bad data,
transition not allowed) or 409 (the device changed meanwhile) with a readable ``detail``.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import Device, Repair, Status, normalize_asset_tag
from . import queries, services
from .filters import RepairFilterSet
from .services import MAX_LABOUR_MINUTES


class RepairSerializer(serializers.ModelSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    site = serializers.CharField(source="device.site.full_name", read_only=True, default=None)
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    closed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Repair
        fields = ["id", "device", "site", "is_open", "opened_at", "opened_by", "closed_at", "closed_by",
                  "symptom", "fault_category", "diagnosis", "action", "parts", "estimated_cost", "cost",
                  "labour_minutes", "outcome", "barrier"]
        read_only_fields = fields


class AssetTagField(serializers.SlugRelatedField):
    """A device by its asset tag, compared as the register stores it (upper-case, trimmed)."""

    def to_internal_value(self, data):
        return super().to_internal_value(normalize_asset_tag(str(data)))


class RepairOpenSerializer(serializers.Serializer):
    device = AssetTagField(slug_field="asset_tag", queryset=Device.objects.all())
    symptom = serializers.CharField(max_length=2000)
    fault_category = serializers.ChoiceField(choices=Repair.FaultCategory.choices, default=Repair.FaultCategory.OTHER)
    diagnosis = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    estimated_cost = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False,
                                              allow_null=True, default=None)
    expected_status = serializers.ChoiceField(choices=Status.choices, required=False, allow_null=True, default=None)


class RepairCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Repair.Outcome.choices)
    action = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    diagnosis = serializers.CharField(max_length=2000, required=False, allow_null=True, default=None)
    parts = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")
    cost = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True,
                                    default=None)
    labour_minutes = serializers.IntegerField(min_value=0, max_value=MAX_LABOUR_MINUTES, required=False,
                                              allow_null=True, default=None)
    barrier = serializers.ChoiceField(choices=Repair.Barrier.choices, required=False, default="")
    return_to = serializers.ChoiceField(choices=[Status.IN_SERVICE, Status.IN_STOCK], required=False,
                                        allow_null=True, default=None)


class RepairViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = queries.repair_list().order_by("-opened_at", "-id")
    serializer_class = RepairSerializer
    filterset_class = RepairFilterSet
    action_permissions = {
        "create": ["inventory.add_repair", "inventory.transition_device"],
        "close": ["inventory.change_repair", "inventory.transition_device"],
    }

    @extend_schema(request=RepairOpenSerializer, responses={201: RepairSerializer})
    def create(self, request):
        """Open a repair: the device goes to ``in_repair``."""
        incoming = RepairOpenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        repair = services.open_repair(actor=request.user, **incoming.validated_data)
        return Response(RepairSerializer(self.get_queryset().get(pk=repair.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RepairCloseSerializer, responses={200: RepairSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close a repair with its outcome: the device goes back in service/stock, or is retired."""
        repair = self.get_object()
        incoming = RepairCloseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.close_repair(repair=repair, actor=request.user, **incoming.validated_data)
        return Response(RepairSerializer(self.get_queryset().get(pk=repair.pk)).data)
