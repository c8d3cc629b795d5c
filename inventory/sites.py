"""Picking a site among hundreds without sending them all (issue 13).

A text input with a ``<datalist>``: the browser proposes as one types, filled by a small script from
``site_lookup`` (recent sites of the person first). Without the script it is a plain text input,
resolved on the server by id, full name ("Grenoble › Hôtel de ville › Salle 12") or name. An id
still works, so the query-string contract of the filters (``site=<id>``) and of the API is unchanged.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from config.roles import require_staff

from .models import Event, Site

LOOKUP_LIMIT = 20
RECENT_LIMIT = 8


class SiteInput(forms.TextInput):
    """A text input showing the site's full name, with a datalist the lookup script fills."""

    template_name = "inventory/widgets/site_input.html"

    def __init__(self, attrs=None, within=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.within = within

    def format_value(self, value):
        if isinstance(value, Site):
            return value.full_name or value.name
        if value not in (None, "") and str(value).isdigit():
            site = Site.objects.filter(pk=value).only("name", "full_name").first()
            if site:
                return site.full_name or site.name
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        lookup = reverse("inventory:site-lookup")
        if self.within:
            lookup += f"?within={self.within}"
        context["widget"]["lookup"] = lookup
        return context


def resolve(text, queryset):
    """The one site of ``queryset`` that ``text`` names (id, full name or name), or ValidationError."""
    text = " ".join(str(text).split())
    if text.isdigit():
        site = queryset.filter(pk=text).first()
        if site:
            return site
    for lookup in ("full_name__iexact", "name__iexact", "full_name__icontains"):
        found = list(queryset.filter(**{lookup: text})[:6])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(site.full_name for site in found[:5])
            raise ValidationError(
                _("Several sites match “%(text)s”: %(names)s… Type more of the name."),
                code="ambiguous", params={"text": text, "names": names},
            )
    raise ValidationError(_("No site matches “%(text)s”."), code="invalid_choice", params={"text": text})


class SiteField(forms.ModelChoiceField):
    """A site typed by name (or id), resolved server-side within ``queryset``."""

    widget = SiteInput

    def __init__(self, queryset=None, **kwargs):
        kwargs.pop("empty_label", None)
        super().__init__(queryset=Site.objects.all() if queryset is None else queryset, **kwargs)

    def to_python(self, value):
        if value in self.empty_values or str(value).strip() == "":
            return None
        if isinstance(value, Site):
            return value
        return resolve(value, self.queryset)

    def validate(self, value):
        forms.Field.validate(self, value)

    def has_changed(self, initial, data):
        return str(getattr(initial, "pk", initial) or "") != str(data or "")


def recent_sites(user):
    """Sites of the devices this person touched last (moves, registrations…), newest first."""
    ids = []
    rows = (
        Event.objects.filter(actor=user, device__site__isnull=False)
        .order_by("-at").values_list("device__site", flat=True)[:100]
    )
    for site_id in rows:
        if site_id not in ids:
            ids.append(site_id)
        if len(ids) == RECENT_LIMIT:
            break
    by_id = Site.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


def site_lookup(request):
    """JSON for the type-ahead: ``?q=`` (part of a name), optional ``within=<site id>``.

    ``{"results": [{"id": 12, "name": "Grenoble › Mairie"}, …]}``, at most 20, the person's recent
    sites first (those matching ``q``).
    """
    require_staff(request)
    query = " ".join(request.GET.get("q", "").split())
    sites = Site.objects.all()
    within = request.GET.get("within", "")
    if within.isdigit():
        parent = Site.objects.filter(pk=within).first()
        if parent:
            sites = sites.filter(path__startswith=parent.path)
    if query:
        sites = sites.filter(full_name__icontains=query)
    recent = [site for site in recent_sites(request.user) if sites.filter(pk=site.pk).exists()]
    rest = sites.exclude(pk__in=[site.pk for site in recent]).order_by("full_name")[: LOOKUP_LIMIT - len(recent)]
    results = [{"id": site.pk, "name": site.full_name or site.name, "recent": site in recent} for site in recent]
    results += [{"id": site.pk, "name": site.full_name or site.name, "recent": False} for site in rest]
    return JsonResponse({"results": results})
