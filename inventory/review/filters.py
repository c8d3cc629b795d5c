"""The flag FilterSet: one query-string contract for the flags page and ``/api/flags/``.

Without ``state`` only open flags are listed (``state=resolved`` or ``state=all`` otherwise),
on the page and in the API alike.
"""

import django_filters as df
from django.utils.translation import gettext_lazy as _

from ..filters import SiteFilter, SlugModelMultipleChoiceFilter
from ..models import Category, Department, Flag
from .base import rule_choices

STATE_CHOICES = (("open", _("Open")), ("resolved", _("Resolved")), ("all", _("All")))


class FlagFilterSet(df.FilterSet):
    state = df.ChoiceFilter(label=_("State"), choices=STATE_CHOICES, method="filter_state",
                            empty_label=None, null_label=None)
    rule = df.MultipleChoiceFilter(label=_("Rule"), choices=rule_choices)
    severity = df.MultipleChoiceFilter(label=_("Severity"), choices=Flag.Severity.choices)
    site = SiteFilter(field_name="device__site")
    department = df.ModelChoiceFilter(label=_("Department"), field_name="device__department",
                                      queryset=Department.objects.all())
    category = SlugModelMultipleChoiceFilter(
        label=_("Category"), field_name="device__model__category", to_field_name="slug",
        queryset=Category.objects.all(),
    )
    resolution = df.MultipleChoiceFilter(
        label=_("Resolution"), choices=[c for c in Flag.Resolution.choices if c[0]]
    )
    device = df.CharFilter(label=_("Asset tag"), field_name="device__asset_tag",
                           lookup_expr="icontains")
    ordering = df.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("created_at", "created_at"), ("severity", "severity"), ("rule", "rule"),
            ("savings_eur", "savings_eur"), ("savings_kgco2e", "savings_kgco2e"),
            ("device__asset_tag", "device"), ("resolved_at", "resolved_at"),
        ),
    )

    class Meta:
        model = Flag
        fields = []

    def filter_state(self, queryset, name, value):
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        if value == "all":
            return queryset
        return queryset.filter(resolved_at__isnull=True)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("state"):
            queryset = queryset.filter(resolved_at__isnull=True)
        return super().filter_queryset(queryset)
