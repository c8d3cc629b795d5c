"""The repair FilterSet: one query-string contract for the HTML list and ``/api/repairs/``."""

import django_filters as df
from django.utils.translation import gettext_lazy as _

from ..filters import SiteFilter, SlugModelMultipleChoiceFilter
from ..models import Category, Repair


class RepairFilterSet(df.FilterSet):
    state = df.ChoiceFilter(
        label=_("State"), method="filter_state", empty_label=_("Open and closed"),
        choices=(("open", _("Open")), ("closed", _("Closed"))),
    )
    fault_category = df.MultipleChoiceFilter(label=_("Fault category"), choices=Repair.FaultCategory.choices)
    outcome = df.MultipleChoiceFilter(label=_("Outcome"), choices=Repair.Outcome.choices)
    category = SlugModelMultipleChoiceFilter(
        label=_("Device category"), field_name="device__model__category", to_field_name="slug",
        queryset=Category.objects.all(),
    )
    site = SiteFilter(field_name="device__site")
    device = df.CharFilter(label=_("Asset tag"), field_name="device__asset_tag", lookup_expr="iexact")
    opened_after = df.DateFilter(label=_("Opened from"), field_name="opened_at", lookup_expr="date__gte")
    opened_before = df.DateFilter(label=_("Opened until"), field_name="opened_at", lookup_expr="date__lte")
    ordering = df.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("opened_at", "opened"),
            ("closed_at", "closed"),
            ("device__asset_tag", "asset_tag"),
            ("fault_category", "fault_category"),
            ("outcome", "outcome"),
            ("cost", "cost"),
        ),
    )

    class Meta:
        model = Repair
        fields = []

    def filter_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(closed_at__isnull=True)
        if value == "closed":
            return queryset.filter(closed_at__isnull=False)
        return queryset
