"""REST API of reuse: offers (catalogue), claims, donations and erasures.

Rows come from the same ``for_user`` selectors and FilterSets as the pages: an association's
member sees the catalogue and its own claims, agreements and certificates, nothing internal.
Domain refusals become clean JSON (``{"detail", "code"}``) with their status: 400, 403, 409.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from config.api import TEXT_MAX, BoundedDateTimeField
from config.roles import is_staff_member
from inventory.models import Device, normalize_asset_tag

from . import queries, services
from .filters import ClaimFilterSet, ErasureFilterSet, OfferFilterSet
from .models import Claim, ClaimLine, Donation, Erasure, Offer, OfferItem
from .pdf import erasure_certificate, transfer_agreement
from .views.common import pdf_response

# --- Serializers ---------------------------------------------------------------------------------


class CatalogueItemSerializer(serializers.ModelSerializer):
    model = serializers.SerializerMethodField()
    cpu = serializers.CharField(source="device.model.cpu")
    ram_gb = serializers.IntegerField(source="device.model.ram_gb")
    storage_gb = serializers.IntegerField(source="device.model.storage_gb")
    storage_kind = serializers.CharField(source="device.model.storage_kind")

    class Meta:
        model = OfferItem
        fields = ["model", "cpu", "ram_gb", "storage_gb", "storage_kind", "value_at_transfer"]

    def get_model(self, item) -> str:
        return f"{item.device.model.manufacturer} {item.device.model.name}"


class OfferSerializer(serializers.ModelSerializer):
    """What associations see of an offer: no asset tag, serial, price paid or internal note."""

    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    free_quantity = serializers.IntegerField(read_only=True)
    items = CatalogueItemSerializer(source="catalogue_items", many=True, read_only=True)

    class Meta:
        model = Offer
        fields = ["id", "title", "description", "grade", "category", "category_name", "status", "free_quantity",
                  "created_at", "items"]


class OfferDeviceSerializer(serializers.ModelSerializer):
    asset_tag = serializers.CharField(source="device.asset_tag")
    status = serializers.CharField(source="device.status")

    class Meta:
        model = OfferItem
        fields = ["asset_tag", "status", "value_at_transfer", "value_source", "value_basis", "value_justification",
                  "book_value", "active"]


class OfferStaffSerializer(OfferSerializer):
    total_quantity = serializers.IntegerField(read_only=True)
    devices = OfferDeviceSerializer(source="staff_items", many=True, read_only=True)

    class Meta(OfferSerializer.Meta):
        fields = [*OfferSerializer.Meta.fields, "total_quantity", "devices"]


class OfferCreateSerializer(serializers.Serializer):
    devices = serializers.ListField(child=serializers.CharField(max_length=32), allow_empty=False, max_length=500,
                                    help_text="Asset tags")
    grade = serializers.ChoiceField(choices=Offer.Grade.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    value = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True,
                                     default=None)
    value_justification = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default="",
        help_text="Required with ``value`` (a value typed instead of the book value); printed on the agreement.",
    )

    def validate_devices(self, tags):
        tags = {normalize_asset_tag(tag) for tag in tags}
        devices = list(Device.objects.filter(asset_tag__in=tags))
        missing = tags - {d.asset_tag for d in devices}
        if missing:
            raise serializers.ValidationError(_("Unknown asset tags: %(tags)s") % {"tags": ", ".join(sorted(missing))})
        return devices


class ClaimLineSerializer(serializers.Serializer):
    asset_tag = serializers.CharField(source="device.asset_tag")
    serial_number = serializers.CharField(source="device.serial_number")
    model = serializers.SerializerMethodField()
    value_at_transfer = serializers.DecimalField(max_digits=10, decimal_places=2)

    def get_model(self, line) -> str:
        return f"{line.device.model.manufacturer} {line.device.model.name}"


class ClaimSerializer(serializers.ModelSerializer):
    offer_title = serializers.CharField(source="offer.title", read_only=True)
    association_name = serializers.CharField(source="association.name", read_only=True)
    devices = ClaimLineSerializer(source="visible_lines", many=True, read_only=True)
    donation = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "offer", "offer_title", "association", "association_name", "quantity", "status", "message",
                  "reason", "pickup_at", "pickup_place", "expires_at", "created_at", "decided_at", "devices",
                  "donation"]

    def get_donation(self, claim) -> int | None:
        donation = getattr(claim, "donation", None) if claim.status == Claim.Status.HANDED_OVER else None
        return donation.pk if donation else None


class ClaimRequestSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=32767, required=False, allow_null=True, default=None,
                                        help_text="Default: every device still free")
    message = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class PickupSerializer(serializers.Serializer):
    pickup_at = BoundedDateTimeField()
    place = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")


class HandOverSerializer(serializers.Serializer):
    owner_signatory = serializers.CharField(
        max_length=150, help_text="Key (or name) of a configured signatory (PROLONGE SIGNATORIES)"
    )
    association_signatory = serializers.CharField(max_length=150)
    operating_system = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    licence_status = serializers.ChoiceField(choices=Donation.Licence.choices)


class DonationSerializer(serializers.ModelSerializer):
    association_name = serializers.CharField(source="association.name", read_only=True)
    agreement_url = serializers.SerializerMethodField()

    class Meta:
        model = Donation
        fields = ["id", "number", "claim", "association", "association_name", "handed_over_at", "total_value",
                  "owner_signatory", "owner_signatory_role", "owner_signatory_delegation", "authorisation", "place",
                  "operating_system", "licence_status", "association_signatory", "content_hash", "follow_up_due",
                  "agreement_url"]

    def get_agreement_url(self, donation) -> str:
        # The API's own download: usable with a token, unlike the page's (session) link.
        return self.context["request"].build_absolute_uri(reverse("reuse-donation-agreement", args=[donation.pk]))


class ErasureSerializer(serializers.ModelSerializer):
    device = serializers.CharField(source="device.asset_tag", read_only=True)
    storage_serials = serializers.ListField(source="serial_list", child=serializers.CharField(), read_only=True)
    certificate_url = serializers.SerializerMethodField()

    class Meta:
        model = Erasure
        fields = ["id", "number", "device", "method", "method_detail", "tool", "tool_version", "operator_name",
                  "performed_at", "passed", "storage_serials", "content_hash", "certificate_url"]

    def get_certificate_url(self, erasure) -> str:
        return self.context["request"].build_absolute_uri(reverse("reuse-erasure-certificate", args=[erasure.pk]))


class ErasureCreateSerializer(serializers.Serializer):
    device = serializers.CharField(max_length=32, help_text="Asset tag")
    method = serializers.ChoiceField(choices=Erasure.Method.choices)
    method_detail = serializers.CharField(max_length=150, required=False,
                                          allow_blank=True, default="")
    tool = serializers.CharField(max_length=150)
    tool_version = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    operator_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    performed_at = BoundedDateTimeField(required=False, allow_null=True, default=None)
    passed = serializers.BooleanField()
    storage_serials = serializers.ListField(child=serializers.CharField(max_length=100), max_length=20, required=False,
                                            default=list)

    def validate_device(self, tag):
        device = Device.objects.select_related("model").filter(asset_tag=normalize_asset_tag(tag)).first()
        if device is None:
            raise serializers.ValidationError(_("Unknown asset tag."))
        return device


# --- ViewSets -------------------------------------------------------------------------------------


class OfferViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The catalogue for associations; every offer for staff. ``POST …/claim/`` claims devices."""

    filterset_class = OfferFilterSet
    portal_actions = {"list", "retrieve", "claim"}
    action_permissions = {"claim": ["reuse.view_offer"]}

    def get_queryset(self):
        offers = queries.offers_for(self.request.user).prefetch_related(
            Prefetch("items", queryset=queries.catalogue_items(), to_attr="catalogue_items")
        )
        if is_staff_member(self.request.user):
            offers = offers.prefetch_related(
                Prefetch("items", queryset=OfferItem.objects.select_related("device"), to_attr="staff_items")
            )
        return offers

    def get_serializer_class(self):
        if self.action == "create":
            return OfferCreateSerializer
        if self.action == "claim":
            return ClaimRequestSerializer
        return OfferStaffSerializer if is_staff_member(self.request.user) else OfferSerializer

    def create(self, request, *args, **kwargs):
        serializer = OfferCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = services.create_offer(actor=request.user, **serializer.validated_data)
        offer = self.get_queryset().get(pk=offer.pk)
        return Response(OfferStaffSerializer(offer, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ClaimRequestSerializer, responses={201: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Claim devices of an offer for the member's association: 201 for the winner, 409 when
        another association holds the devices."""
        association = queries.association_of(request.user)
        if association is None:
            raise PermissionDenied(_("Only members of a partner association claim devices."))
        # Not get_object(): an offer that was just fully claimed is out of the catalogue, and the
        # loser must hear 409 (already claimed), not 404.
        offer = get_object_or_404(Offer, pk=pk)
        serializer = ClaimRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = services.claim_offer(offer=offer, association=association, actor=request.user,
                                     **serializer.validated_data)
        claim = _claims(request.user).get(pk=claim.pk)
        return Response(ClaimSerializer(claim, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


def _claims(user):
    return queries.claims_for(user).select_related("donation").prefetch_related(
        Prefetch("lines", queryset=ClaimLine.objects.select_related("device__model"), to_attr="all_lines")
    )


class ClaimViewSet(viewsets.ReadOnlyModelViewSet):
    """Claims: staff see all and decide; a member sees and may cancel its association's own."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilterSet
    portal_actions = {"list", "retrieve", "cancel"}
    action_permissions = {action: ["reuse.change_claim"] for action in ("approve", "refuse", "pickup", "hand_over",
                                                                         "cancel")}

    def get_queryset(self):
        return _claims(self.request.user)

    def _act(self, request, serializer_class, verb):
        claim = self.get_object()
        data = {}
        if serializer_class is not None:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        result = verb(claim, data)
        claim = self.get_queryset().get(pk=claim.pk)
        return result, Response(ClaimSerializer(claim, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=ClaimSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(request, None,
                         lambda c, d: services.approve_claim(claim=c, actor=request.user))[1]

    @extend_schema(request=ReasonSerializer, responses=ClaimSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._act(request, ReasonSerializer,
                         lambda c, d: services.refuse_claim(claim=c, actor=request.user, **d))[1]

    @extend_schema(request=PickupSerializer, responses=ClaimSerializer)
    @action(detail=True, methods=["post"])
    def pickup(self, request, pk=None):
        return self._act(request, PickupSerializer,
                         lambda c, d: services.set_pickup(claim=c, actor=request.user, **d))[1]

    @extend_schema(request=HandOverSerializer, responses={201: DonationSerializer})
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request, pk=None):
        donation, _response = self._act(request, HandOverSerializer,
                                         lambda c, d: services.hand_over(claim=c, actor=request.user, **d))
        return Response(DonationSerializer(donation, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=OptionalReasonSerializer, responses=ClaimSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, OptionalReasonSerializer,
                         lambda c, d: services.cancel_claim(claim=c, actor=request.user, **d))[1]


class DonationViewSet(viewsets.ReadOnlyModelViewSet):
    """Donations and their agreements (a member sees its association's own)."""

    serializer_class = DonationSerializer
    portal_actions = {"list", "retrieve", "agreement"}

    def get_queryset(self):
        return queries.donations_for(self.request.user)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="agreement", url_name="agreement")
    def agreement(self, request, pk=None):
        """The signed transfer agreement (PDF), to staff and to the receiving association."""
        donation = self.get_object()
        return pdf_response(donation.agreement, lambda: transfer_agreement(donation), f"{donation.number}.pdf")


class ErasureViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Erasures and certificates: staff see all and record; a member sees its devices' certificates."""

    filterset_class = ErasureFilterSet
    portal_actions = {"list", "retrieve", "certificate"}

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="certificate", url_name="certificate")
    def certificate(self, request, pk=None):
        """The erasure certificate (PDF), to staff and to the association that received the device."""
        erasure = self.get_object()
        return pdf_response(erasure.certificate, lambda: erasure_certificate(erasure), f"{erasure.number}.pdf")

    def get_queryset(self):
        return queries.erasures_for(self.request.user)

    def get_serializer_class(self):
        return ErasureCreateSerializer if self.action == "create" else ErasureSerializer

    def create(self, request, *args, **kwargs):
        serializer = ErasureCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        erasure = services.record_erasure(actor=request.user, **serializer.validated_data)
        return Response(ErasureSerializer(erasure, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)
