"""``/api/flags/``: the review's findings, filtered by the same FilterSet as the flags page."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import Flag
from .base import rule_label
from .filters import FlagFilterSet
from .services import ACCEPT_LIMIT, accept_flags, dismiss_flags


class FlagSerializer(serializers.ModelSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    rule_label = serializers.SerializerMethodField()

    class Meta:
        model = Flag
        fields = [
            "id", "device", "rule", "rule_label", "severity", "message", "savings_eur",
            "savings_kgco2e", "savings_kind", "savings_inputs", "created_at", "updated_at", "resolved_at", "resolution",
            "resolution_reason",
        ]
        read_only_fields = fields

    def get_rule_label(self, flag) -> str:
        return rule_label(flag.rule)


class FlagActionSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
                                max_length=ACCEPT_LIMIT,
                                help_text=_("Ids of open flags."))
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                   help_text=_("Required to dismiss."))


class FlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Findings of the nightly review; ``state`` defaults to open flags only."""

    serializer_class = FlagSerializer
    action_permissions = {"accept": ["inventory.change_flag"], "dismiss": ["inventory.change_flag"]}
    filterset_class = FlagFilterSet
    queryset = Flag.objects.select_related("device").order_by("-created_at", "-id")

    def _selected(self, request):
        payload = FlagActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return Flag.objects.filter(pk__in=payload.validated_data["ids"]), payload.validated_data

    @extend_schema(request=FlagActionSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def accept(self, request):
        """Apply the recommendation of these flags (see each rule); refusals are listed."""
        flags, _data = self._selected(request)
        report = accept_flags(flags=flags, actor=request.user)
        return Response({"accepted": report.accepted, "refused": report.refused})

    @extend_schema(request=FlagActionSerializer, responses={200: dict})
    @action(detail=False, methods=["post"])
    def dismiss(self, request):
        """Close these flags without acting, with a reason."""
        flags, data = self._selected(request)
        return Response({"dismissed": dismiss_flags(flags=flags, actor=request.user, reason=data["reason"])})
