"""The device FilterSet: one query-string contract for the HTML list, CSV export and API."""

import django_filters as df
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import AcquiredAs, Category, Department, Device, DeviceModel, Site, Status, normalize_asset_tag
from .queries import DAYS_PER_YEAR
from .sites import SiteField


@extend_schema_field(OpenApiTypes.INT)
class SiteFilter(df.ModelChoiceFilter):
    """A site id in the query string; matches rows at that site and everywhere under it.

    ``field_name`` is the path to the site (``site``, ``device__site``); the materialised path
    makes the subtree one indexed ``startswith``.
    """

    field_class = SiteField  # a type-ahead, not a select of every site (issue 13)

    def __init__(self, *args, field_name="site", **kwargs):
        kwargs.setdefault("queryset", Site.objects.all())
        kwargs.setdefault("label", _("Site (and sub-sites)"))
        super().__init__(*args, field_name=field_name, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__path__startswith": value.path})


class SlugModelMultipleChoiceFilter(df.ModelMultipleChoiceFilter):
    """Rows chosen by slug in the query string, filtered on the related row itself.

    With ``to_field_name`` django-filter compares ``field_name`` with the slug; comparing with
    the chosen rows keeps ``field_name`` a plain relation (which drf-spectacular documents).
    """

    def get_filter_predicate(self, v):
        return {self.field_name: v}


TAGS_LIMIT = 500


class DeviceFilterSet(df.FilterSet):
    q = df.CharFilter(
        label=_("Search"), method="filter_text", help_text=_("Asset tag, serial number, model or assignee")
    )
    # distinct=False: only many-to-one joins are involved, so no duplicate rows can appear, and
    # DISTINCT over every column made PostgreSQL sort the whole matching set (55 ms → 1 ms).
    status = df.MultipleChoiceFilter(label=_("Status"), choices=Status.choices, distinct=False)
    category = SlugModelMultipleChoiceFilter(
        label=_("Category"), field_name="model__category", to_field_name="slug", queryset=Category.objects.all(),
        distinct=False,
    )
    model = df.ModelChoiceFilter(label=_("Model"), queryset=DeviceModel.objects.all())
    site = SiteFilter()
    department = df.ModelChoiceFilter(label=_("Department"), queryset=Department.objects.all())
    acquired_as = df.MultipleChoiceFilter(label=_("Acquired as"), choices=AcquiredAs.choices, distinct=False)
    age_min = df.NumberFilter(label=_("Age at least (years)"), method="filter_age_min", min_value=0, max_value=100)
    age_max = df.NumberFilter(label=_("Age at most (years)"), method="filter_age_max", min_value=0, max_value=100)
    warranty_before = df.DateFilter(label=_("Warranty ends before"), field_name="warranty_end", lookup_expr="lt")
    renewal_year = df.NumberFilter(label=_("Planned replacement year"), field_name="planned_renewal_year",
                                   min_value=1990, max_value=2100)
    tags = df.CharFilter(label=_("Asset tags"), method="filter_tags",
                         help_text=_("A list, separated by commas or spaces (at most 500)"))
    ordering = df.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("asset_tag", "asset_tag"),
            ("serial_number", "serial_number"),
            ("status", "status"),
            ("model__manufacturer", "manufacturer"),
            ("model__name", "model"),
            ("model__category__name", "category"),
            ("site__full_name", "site"),
            ("department__name", "department"),
            ("purchase_date", "purchase_date"),
            ("warranty_end", "warranty_end"),
            ("purchase_price", "purchase_price"),
        ),
    )

    class Meta:
        model = Device
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Matching models first (a few hundred rows, one small query), then devices by id list:
        # an OR across the join made PostgreSQL scan every device, and an OR with a subquery
        # kept it from combining the trigram indexes (migration 0011) of the other columns.
        models = DeviceModel.objects.filter(Q(name__icontains=value) | Q(manufacturer__icontains=value))
        matches = Q(asset_tag__icontains=value) | Q(serial_number__icontains=value) | Q(assignee__icontains=value)
        model_ids = list(models.values_list("pk", flat=True))
        if model_ids:
            matches |= Q(model_id__in=model_ids)
        return queryset.filter(matches)

    # Age filters compare purchase dates with a cut-off day, so they use the date index.
    def filter_tags(self, queryset, name, value):
        """The devices of a list of asset tags (the device list's ticked rows, a pasted list)."""
        tags = {normalize_asset_tag(part) for part in value.replace(",", " ").split()}
        tags.discard("")
        if not tags:
            return queryset
        return queryset.filter(asset_tag__in=sorted(tags)[:TAGS_LIMIT])

    def filter_age_min(self, queryset, name, value):
        return queryset.filter(purchase_date__lte=_years_ago(value))

    def filter_age_max(self, queryset, name, value):
        return queryset.filter(purchase_date__gte=_years_ago(value))


def _years_ago(years):
    return timezone.localdate() - timezone.timedelta(days=round(float(years) * DAYS_PER_YEAR))


# The API's reference lists (models, sites).


class DeviceModelFilterSet(df.FilterSet):
    category = SlugModelMultipleChoiceFilter(
        label=_("Category"),
        field_name="category",
        to_field_name="slug",
        queryset=Category.objects.all(),
    )

    class Meta:
        model = DeviceModel
        fields = ["category", "manufacturer"]


class SiteFilterSet(df.FilterSet):
    class Meta:
        model = Site
        fields = ["kind", "parent"]
