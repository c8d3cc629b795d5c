"""``/api/exits/``: the exit records, and the two verbs of the exit routes.

``POST /api/exits/`` records a sale, transfer, take-back, return to the lessor, theft or
destruction (the route's fields, see ``ROUTE_FIELDS``) through ``record_exit``;
``POST /api/exits/found/`` brings a lost or stolen device back to stock through ``found_again``.
``GET /api/exits/<id>/document/`` sends the route's stored legal document (sale receipt, transfer
minutes, take-back slip; ``document_url`` in each record, null until issued) and
``POST /api/exits/<id>/issue_document/`` (``{"signatory": key}``, optional) issues it once.
Refusals are 400 (missing field, guard: erasure, ownership) or 409 (``expected_status`` stale).
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from config.web import protected_file_response

from ..models import Device, Exit, Status
from ..repairs.api import AssetTagField
from .documents import DOCUMENT_ROUTES, document_filename, issue_document
from .services import ROUTE_FIELDS, found_again, record_exit

TRANSITION = ["inventory.transition_device"]
READ = ["inventory.view_device"]


class ExitSerializer(serializers.ModelSerializer):
    device = AssetTagField(slug_field="asset_tag", queryset=Device.objects.all())
    expected_status = serializers.ChoiceField(choices=Status.choices, required=False, allow_null=True,
                                              default=None, write_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    document_url = serializers.SerializerMethodField(
        help_text="The route's legal document (PDF, staff with a session or a token); null until issued.")

    class Meta:
        model = Exit
        fields = ["id", "device", "route", "exited_on", "counterparty", "counterparty_siret", "counterparty_address",
                  "price", "platform", "decision", "contract_reference", "contract_terms_confirmed", "reuse_commitment",
                  "police_report", "personal_data", "reason", "note", "found_at", "created_by", "created_at",
                  "expected_status", "document_url", "document_issued_at"]
        read_only_fields = ["found_at", "created_by", "created_at", "document_issued_at"]
        extra_kwargs = {"price": {"min_value": 0}}

    def get_document_url(self, record) -> str | None:
        if not record.document:
            return None
        return reverse("inventory-api:exit-document", args=[record.pk], request=self.context.get("request"))


class IssueDocumentSerializer(serializers.Serializer):
    signatory = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                      help_text="Key or name of a configured signatory (the first one when empty).")


class FoundSerializer(serializers.Serializer):
    device = AssetTagField(slug_field="asset_tag", queryset=Device.objects.all())
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ExitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = Exit.objects.select_related("device", "created_by").order_by("-exited_on", "-id")
    serializer_class = ExitSerializer
    filter_backends = []
    action_permissions = {"list": READ, "retrieve": READ, "create": TRANSITION, "found": TRANSITION,
                          "document": READ, "issue_document": TRANSITION}

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
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="A lost or stolen device is found again: back in stock", request=FoundSerializer,
                   responses={200: ExitSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def found(self, request):
        serializer = FoundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device = serializer.validated_data["device"]
        found_again(device=device, actor=request.user, note=serializer.validated_data["note"])
        return Response(self.get_serializer(device.exits.all(), many=True).data)

    @extend_schema(summary="The exit's legal document (PDF): sale receipt, transfer minutes or take-back slip",
                   responses={(200, "application/pdf"): bytes, 404: None})
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        record = self.get_object()
        if not record.document or not record.document.storage.exists(record.document.name):
            raise Http404
        return protected_file_response(record.document, filename=document_filename(record),
                                       content_type="application/pdf")

    @extend_schema(
        summary="Issue the exit's legal document once (sale, transfer to a public person, take-back)",
        description="Refused (400, French reason, nothing written) while the authority's SIRET, address, place "
                    "of signature or signatories are not configured, and for routes without a document ("
                    + ", ".join(str(route) for route in DOCUMENT_ROUTES) + " have one). An issued document is "
                    "kept as issued: issuing again returns it unchanged.",
        request=IssueDocumentSerializer, responses={200: ExitSerializer},
    )
    @action(detail=True, methods=["post"])
    def issue_document(self, request, pk=None):
        record = self.get_object()
        serializer = IssueDocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        from ..api import _call_service

        record = _call_service(issue_document, record=record, signatory=serializer.validated_data["signatory"])
        return Response(self.get_serializer(record).data)
