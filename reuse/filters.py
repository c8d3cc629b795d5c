"""FilterSets of reuse: one query-string contract for each HTML list and its API endpoint."""

import django_filters as df
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.roles import is_staff_member
from inventory.filters import SlugModelMultipleChoiceFilter
from inventory.models import Category

from .models import Association, Claim, Erasure, Offer
from .queries import association_of


class OfferFilterSet(df.FilterSet):
    q = df.CharFilter(label=_("Search"), method="filter_text")
    category = SlugModelMultipleChoiceFilter(
        label=_("Category"), field_name="category", to_field_name="slug", queryset=Category.objects.all()
    )
    grade = df.MultipleChoiceFilter(label=_("Condition"), choices=Offer.Grade.choices)
    min_quantity = df.NumberFilter(label=_("At least (devices)"), field_name="free_quantity", lookup_expr="gte",
                                   min_value=1)
    status = df.MultipleChoiceFilter(label=_("Status"), choices=Offer.Status.choices)
    ordering = df.OrderingFilter(
        label=_("Sort by"),
        fields=(("created_at", "published"), ("free_quantity", "quantity"), ("grade", "grade")),
    )

    class Meta:
        model = Offer
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


def _associations(request):
    """Staff choose among all associations; a member only ever sees their own in the choices."""
    if request is None or is_staff_member(request.user):
        return Association.objects.all()
    association = association_of(request.user)
    return Association.objects.filter(pk=association.pk) if association else Association.objects.none()


class ClaimFilterSet(df.FilterSet):
    status = df.MultipleChoiceFilter(label=_("Status"), choices=Claim.Status.choices)
    association = df.ModelChoiceFilter(label=_("Association"), queryset=_associations)
    offer = df.NumberFilter(label=_("Offer"), field_name="offer_id")
    created_after = df.DateFilter(label=_("Requested from"), field_name="created_at", lookup_expr="date__gte")
    created_before = df.DateFilter(label=_("Requested until"), field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Claim
        fields = []


class ErasureFilterSet(df.FilterSet):
    device = df.CharFilter(label=_("Asset tag"), field_name="device__asset_tag", lookup_expr="iexact")
    method = df.MultipleChoiceFilter(label=_("Method"), choices=Erasure.Method.choices)
    passed = df.BooleanFilter(label=_("Verification passed"))
    performed_after = df.DateFilter(label=_("Performed from"), field_name="performed_at", lookup_expr="date__gte")
    performed_before = df.DateFilter(label=_("Performed until"), field_name="performed_at", lookup_expr="date__lte")

    class Meta:
        model = Erasure
        fields = []
