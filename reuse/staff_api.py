"""REST API of donations to members of staff (CG3P L. 3212-2, 5°): list, retrieve, agreement (PDF),
and ``POST`` to give retired devices to a person. The ``POST`` is irreversible: without
``"confirm": true`` it answers 200 with the preview (values at transfer, nothing written); with
it, 201 and the donation. Staff only (``config.api.StaffPermission``: ``reuse.add_staffdonation``
to give, ``reuse.view_staffdonation`` to read); no portal action.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import TEXT_MAX
from inventory.models import Device, normalize_asset_tag

from . import services
from .models import StaffDonation, StaffDonationLine
from .staff_pdf import staff_agreement
from .views.common import pdf_response


class StaffDonationLineSerializer(serializers.ModelSerializer):
    asset_tag = serializers.CharField(source="device.asset_tag")
    serial_number = serializers.CharField(source="device.serial_number")

    class Meta:
        model = StaffDonationLine
        fields = ["asset_tag", "serial_number", "value_at_transfer", "value_source", "value_basis",
                  "value_justification", "book_value"]


class StaffDonationSerializer(serializers.ModelSerializer):
    devices = StaffDonationLineSerializer(source="lines", many=True, read_only=True)
    agreement_url = serializers.SerializerMethodField()

    class Meta:
        model = StaffDonation
        fields = ["id", "number", "recipient_name", "recipient_department", "recipient_employee_number",
                  "recipient_email", "handed_over_at", "legal_item", "ceiling_article", "owner_signatory",
                  "owner_signatory_role", "owner_signatory_delegation", "authorisation", "place", "operating_system",
                  "licence_status", "total_value", "content_hash", "devices", "agreement_url"]

    def get_agreement_url(self, donation) -> str:
        return self.context["request"].build_absolute_uri(reverse("reuse-staff-donation-agreement",
                                                                  args=[donation.pk]))


class StaffDeviceSerializer(serializers.Serializer):
    asset_tag = serializers.CharField(max_length=32)
    value = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True,
                                     default=None, help_text="A value typed instead of the book value (justify it).")
    value_justification = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class StaffDonationCreateSerializer(serializers.Serializer):
    devices = StaffDeviceSerializer(many=True, allow_empty=False, max_length=100)
    recipient_name = serializers.CharField(max_length=150)
    recipient_department = serializers.CharField(max_length=150)
    recipient_employee_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    recipient_email = serializers.EmailField(required=False, allow_blank=True, default="")
    owner_signatory = serializers.CharField(max_length=150, help_text="Key or name of a configured signatory")
    operating_system = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    licence_status = serializers.ChoiceField(choices=StaffDonation.Licence.choices, required=False, allow_blank=True,
                                             default="")
    confirm = serializers.BooleanField(default=False, help_text="true issues the agreement (irreversible); false "
                                                                "answers the preview and writes nothing.")

    def validate_devices(self, lines):
        tags = [normalize_asset_tag(line["asset_tag"]) for line in lines]
        found = {device.asset_tag: device for device in Device.objects.filter(asset_tag__in=tags)}
        missing = sorted(set(tags) - set(found))
        if missing:
            raise serializers.ValidationError(_("Unknown asset tags: %(tags)s") % {"tags": ", ".join(missing)})
        return [{**line, "device": found[tag]} for line, tag in zip(lines, tags, strict=True)]

    def service_arguments(self):
        data = dict(self.validated_data)
        lines = data.pop("devices")
        data.pop("confirm")
        declared = {line["device"].asset_tag: {"value": line["value"], "justification": line["value_justification"]}
                    for line in lines if line["value"] is not None}
        return {"devices": [line["device"] for line in lines], "declared_values": declared, **data}


class StaffPreviewLineSerializer(serializers.Serializer):
    asset_tag = serializers.CharField(source="device.asset_tag")
    value_at_transfer = serializers.DecimalField(source="valuation.value", max_digits=10, decimal_places=2)
    value_source = serializers.CharField(source="valuation.source")
    value_basis = serializers.CharField(source="valuation.basis")
    book_value = serializers.DecimalField(source="valuation.book_value", max_digits=10, decimal_places=2,
                                          allow_null=True)


class StaffPreviewSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField()
    legal_item = serializers.CharField()
    ceiling_article = serializers.CharField()
    devices = StaffPreviewLineSerializer(many=True)


class StaffDonationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Donations to members of staff and their agreements (staff only)."""

    queryset = StaffDonation.objects.prefetch_related("lines__device")

    def get_serializer_class(self):
        return StaffDonationCreateSerializer if self.action == "create" else StaffDonationSerializer

    @extend_schema(request=StaffDonationCreateSerializer,
                   responses={200: StaffPreviewSerializer, 201: StaffDonationSerializer})
    def create(self, request, *args, **kwargs):
        """Give retired devices to a staff member: preview without ``confirm``, issue with it."""
        serializer = StaffDonationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        arguments = serializer.service_arguments()
        if not serializer.validated_data["confirm"]:
            category, lines = services.preview_staff_donation(devices=arguments["devices"],
                                                              declared_values=arguments["declared_values"])
            return Response(StaffPreviewSerializer({"confirmed": False, "legal_item": category.legal_item,
                                                    "ceiling_article": category.ceiling_article,
                                                    "devices": lines}).data)
        donation = services.donate_to_staff(actor=request.user, **arguments)
        donation = self.get_queryset().get(pk=donation.pk)
        return Response(StaffDonationSerializer(donation, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="agreement", url_name="agreement")
    def agreement(self, request, pk=None):
        """The agreement of the donation (PDF)."""
        donation = self.get_object()
        return pdf_response(donation.agreement, lambda: staff_agreement(donation), f"{donation.number}.pdf")
