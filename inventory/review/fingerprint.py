"""Skip the formatting of unchanged findings: a digest of what a message is formatted from.

A finding is a pure function of the rule's row and of what the rule reads from the run (the
thresholds, the language, sometimes the day). Its digest is stored on the flag
(``Flag.source_digest``); the next run reads it next to the row (one LEFT JOIN on the open
flag) and, when the digest is the same, keeps the flag without calling ``finding()`` — the
message, figures and savings of an unchanged situation are not formatted again (the previous
engine spent ~10 s of a 41 s run at 1M devices formatting messages it then threw away).

The digest covers: the row's values; the rule's ``reads`` (what else its finding reads,
e.g. the budget year); the thresholds and per-category overrides; the active language and its
catalogue, the time zone; the source of the modules that format messages. A rule whose
``reads`` is ``None`` (the default) is always formatted.
"""

import hashlib
import sys
from functools import lru_cache
from pathlib import Path

from django.db.models import F, FilteredRelation, Q
from django.utils import timezone, translation

from ..models import Device

STORED = "_review_stored_digest"


class Kept(tuple):
    """A device whose open flag stays as it is (same digest): only its id is written."""

    __slots__ = ()

    def __new__(cls, device_id):
        return super().__new__(cls, (device_id,))

    @property
    def device_id(self):
        return self[0]


@lru_cache(maxsize=32)
def _source(module_name):
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    return Path(path).read_bytes() if path else module_name.encode()


def _catalogue(language):
    """The active language's translations, as bytes (messages change when they do)."""
    try:
        from django.utils.translation import trans_real

        catalog = trans_real.translation(language)._catalog
        return repr(sorted((repr(k), v) for k, v in catalog.items())).encode()
    except Exception:  # noqa: BLE001 — no catalogue reachable: the language code alone
        return b""


def basis(rule, ctx):
    """The key of the rule's digests in this run, or None when the rule is always formatted."""
    if rule.reads is None:
        return None
    reads = tuple((name, getattr(ctx, name)) for name in rule.reads)

    def thresholds():
        t = ctx.thresholds
        fields = getattr(getattr(t, "_meta", None), "concrete_fields", None)
        values = [(f.attname, getattr(t, f.attname)) for f in fields] if fields else sorted(vars(t).items())
        return repr((values, sorted(ctx.category_overrides().items()))).encode()

    language = translation.get_language() or ""
    h = hashlib.blake2b(digest_size=32)
    h.update(ctx.memo("digest_thresholds", thresholds))
    h.update(f"{language} {timezone.get_current_timezone_name()}".encode())
    h.update(hashlib.sha256(ctx.memo(f"digest_catalogue_{language}", lambda: _catalogue(language))).digest())
    for module in (type(rule).__module__, "inventory.review.base", "inventory.review.savings",
                   "inventory.review.rules", "inventory.footprint"):
        h.update(hashlib.sha256(_source(module)).digest())
    h.update(repr((type(rule).__qualname__, rule.slug, reads)).encode())
    return h.digest()


def digest(key, row):
    """A signed 64-bit digest of the row's values under ``key`` (a ``basis()``)."""
    raw = hashlib.blake2b(repr(tuple(row.values())).encode(), digest_size=8, key=key).digest()
    return int.from_bytes(raw, "big", signed=True)


def with_stored_digest(rows, slug):
    """``rows`` (a ``values()`` queryset of devices) with the digest of the device's open flag."""
    if rows.model is not Device or rows.query.is_sliced:
        return None
    return rows.alias(
        _review_open_flag=FilteredRelation(
            "flags", condition=Q(flags__rule=slug, flags__resolved_at__isnull=True)),
    ).annotate(**{STORED: F("_review_open_flag__source_digest")})
