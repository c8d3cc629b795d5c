"""Keyset ("seek") pagination for the HTML lists: every page costs the same at any depth.

OFFSET pagination reads and throws away every row before the page (the last page of a
million devices took 1.7 s). Here a page is fetched *after* (or *before*) the sort key and id
of a row the user has seen — ``WHERE key >= v AND (key > v OR id > p) ORDER BY key, id LIMIT n``
— which an index on ``(key, id)`` answers by reading ``n`` entries.

- Links: ``?after=<cursor>`` (next), ``?before=<cursor>`` (previous), ``?page=last``; the page
  number travels with the cursor (``&page=N``) for display only.
- "Go to page N" uses OFFSET only when N is among the first or the last ``MAX_JUMP_ROWS`` rows
  (counted from the end, on the reversed order); a farther page is refused with a message and
  the nearest reachable one is shown.
- The sort key's NULLs come last ascending and first descending (one order and its exact
  reverse, on SQLite and PostgreSQL alike).
- A key through non-null foreign keys (``model__category__name``) orders by the key, then the
  foreign key, then id — (category name, model id, device id) — which the devices' ``(model_id,
  id)`` index serves model by model: no index orders devices by a grandparent's name, and
  PostgreSQL otherwise joins and sorts the whole table (~1.5 s at 1M devices).
- The total is a bare ``COUNT(*)`` on the filtered rows (no joins the filters do not need); on
  PostgreSQL, past ``ESTIMATE_ABOVE`` rows by the planner's estimate, it is that estimate,
  flagged ``estimated`` so that the page says "about".

Why over 400 lines: one seek, its reverse and its three PostgreSQL plans (plain, nullable relation,
grouped) must agree row for row, so they stay in one module.

``KeysetPage`` quacks like Django's ``Page`` for templates (iteration, ``number``,
``has_next``, ``paginator.count``, ``paginator.num_pages``) and adds the cursor URLs.
"""

import base64
import datetime as dt
import json
import math
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

__all__ = ["KeysetPage", "estimated_count", "keyset_page"]

MAX_JUMP_ROWS = 10_000
ESTIMATE_ABOVE = 100_000
# Above this many listed rows, a sort through a foreign key (category, model, manufacturer) seeks
# group by group on PostgreSQL (``_Seek._by_group``); below it, joining and sorting the listed
# rows is cheaper than probing every group.
GROUP_SEEK_ABOVE = 100_000


def keyset_page(request, queryset, *, key, size, count_queryset=None, seek_queryset=None,
                max_jump_rows=MAX_JUMP_ROWS, estimate_above=ESTIMATE_ABOVE):
    """The page of ``queryset`` the request asks for, ordered by ``key`` ("field" or "-field") then pk.

    ``count_queryset``: the same filter on a plain queryset (no select_related, no annotations)
    for the total; defaults to ``queryset``. ``seek_queryset``: the same again, for the seek:
    the page's ids are read from it (joining only what the sort key needs), then its rows from
    ``queryset`` by id — one more query, but the seek no longer joins every related table
    (with them, PostgreSQL hash-joined and sorted the whole table to sort by a joined column).
    """
    seek = _Seek(queryset, key, plain=seek_queryset)
    total, estimated = estimated_count(
        count_queryset if count_queryset is not None else queryset, estimate_above=estimate_above
    )
    seek.many = total > GROUP_SEEK_ABOVE
    num_pages = max(1, math.ceil(total / size))
    params = request.GET
    hint = _int(params.get("page"))
    message = ""
    if params.get("after") and (cursor := seek.decode(params["after"])) is not None:
        rows = seek.fetch(cursor, forward=True, limit=size + 1)
        has_next, rows = len(rows) > size, rows[:size]
        number = hint or 2
        has_previous = True
    elif params.get("before") and (cursor := seek.decode(params["before"])) is not None:
        rows = seek.fetch(cursor, forward=False, limit=size + 1)
        has_previous, rows = len(rows) > size, rows[:size]
        rows.reverse()
        number = hint if has_previous and hint else 1
        has_next = True
    else:
        wanted = num_pages if params.get("page") == "last" else max(1, hint or 1)
        wanted = min(wanted, num_pages)
        head = max_jump_rows // size + 1  # pages reachable by OFFSET from either end
        if head < wanted < num_pages - head + 1:
            message = _("Jumping is limited to the first and last %(n)s pages; use Next and Previous, "
                        "or narrow the filters.") % {"n": head}
            wanted = head if wanted - head < num_pages - head + 1 - wanted else num_pages - head + 1
        if wanted <= head:
            rows = seek.fetch(None, forward=True, limit=size + 1, offset=(wanted - 1) * size)
            has_next, rows = len(rows) > size, rows[:size]
        else:
            # Counted from the end on the reversed order: the last page holds the remainder.
            remainder = total - (num_pages - 1) * size
            offset = 0 if wanted == num_pages else remainder + (num_pages - 1 - wanted) * size
            rows = seek.fetch(None, forward=False, limit=size if wanted < num_pages else remainder,
                              offset=offset)
            rows.reverse()
            has_next = wanted < num_pages
        number = wanted
        has_previous = wanted > 1
    return KeysetPage(rows, seek=seek, request=request, number=number, has_next=has_next,
                      has_previous=has_previous, count=total, estimated=estimated, size=size,
                      message=message, max_jump_rows=max_jump_rows)


def estimated_count(queryset, *, estimate_above=ESTIMATE_ABOVE):
    """(row count, is an estimate): PostgreSQL's plan estimate when above ``estimate_above``."""
    queryset = queryset.order_by()
    connection = connections[queryset.db]
    if connection.vendor == "postgresql" and estimate_above is not None:
        try:
            sql, sql_params = queryset.values("pk").query.sql_with_params()
        except EmptyResultSet:  # ``.none()``: an invalid filter lists nothing
            return 0, False
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", sql_params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        estimate = int(plan[0]["Plan"]["Plan Rows"])
        if estimate > estimate_above:
            return estimate, True
    return queryset.count(), False


class KeysetPage:
    """One page of rows, with what a pager needs; looks like ``django.core.paginator.Page``."""

    def __init__(self, rows, *, seek, request, number, has_next, has_previous, count, estimated, size,
                 message, max_jump_rows):
        self.object_list = rows
        self.number = number
        self._has_next = has_next
        self._has_previous = has_previous
        self.message = message
        self.size = size
        self.max_jump_pages = max_jump_rows // size + 1
        self.paginator = _Totals(count, estimated, size)
        self._seek = seek
        self._request = request

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self):
        return self._has_next and bool(self.object_list)

    def has_previous(self):
        return self._has_previous and bool(self.object_list)

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return max(1, self.number - 1)

    def _query(self, **changes):
        query = self._request.GET.copy()
        for name in ("page", "after", "before"):
            query.pop(name, None)
        for name, value in changes.items():
            query[name] = value
        return query.urlencode()

    @property
    def next_query(self):
        return self._query(after=self._seek.encode(self.object_list[-1]), page=self.number + 1)

    @property
    def previous_query(self):
        if self.number <= 2:
            return self._query()
        return self._query(before=self._seek.encode(self.object_list[0]), page=self.number - 1)

    @property
    def first_query(self):
        return self._query()

    @property
    def last_query(self):
        return self._query(page="last")

    @property
    def jump_query(self):
        """The query string without the page, for the "go to page" form's hidden fields."""
        return [(name, value) for name, values in self._request.GET.lists()
                if name not in ("page", "after", "before") for value in values]


class _Totals:
    def __init__(self, count, estimated, size):
        self.count = count
        self.estimated = estimated
        self.num_pages = max(1, math.ceil(count / size))


class _Seek:
    """The order ``key`` then pk, its reverse, and the conditions that seek past a row."""

    def __init__(self, queryset, key, plain=None):
        # With ``plain``, the seek reads ids only (``fetch`` then loads the rows by id).
        self.rows = None if plain is None else queryset.order_by()
        self.plain = None if plain is None else plain.order_by()
        self.queryset = queryset.order_by() if plain is None else plain.order_by().values_list("pk", flat=True)
        self.descending = key.startswith("-")
        self.path = key.lstrip("-")
        model = queryset.model
        field, nullable_prefixes, prefix = None, [], []
        for part in self.path.split("__"):
            field = model._meta.get_field(part)
            prefix.append(part)
            if field.null:
                nullable_prefixes.append("__".join(prefix))
            model = field.related_model or model
        self.last = field
        if field.is_relation:  # ordering on a foreign key itself means its id
            field = field.target_field
        self.field = field
        self.nullable = nullable_prefixes
        # A unique key on the row itself orders completely: no tie-break on pk needed.
        self.unique = len(prefix) == 1 and field.unique and not field.null
        # A key through non-null foreign keys is ordered (key, foreign key, pk): see ``_by_group``.
        self.group = queryset.model._meta.get_field(prefix[0]) if len(prefix) > 1 and not nullable_prefixes else None
        self.many = False

    def value(self, row):
        obj = row
        for part in self.path.split("__")[:-1]:
            obj = getattr(obj, part)
            if obj is None:
                return None
        return getattr(obj, self.last.attname)

    def encode(self, row):
        value = self.value(row)
        if isinstance(value, dt.date | dt.datetime | Decimal):
            value = str(value)
        cursor = [value, getattr(row, self.group.attname), row.pk] if self.group else [value, row.pk]
        raw = json.dumps(cursor, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, text):
        """(value, pk), or (value, group id, pk) for a grouped key; None for a mangled link."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            *value, pk = json.loads(raw)
            if self.group:
                value, group = value
                group = int(group)
            else:
                (value,) = value
            if value is not None:
                value = self.field.to_python(value)
            pk = int(pk)
        except Exception:  # a mangled link (or one from another sort): first page
            return None
        return (value, group, pk) if self.group else (value, pk)

    def _order(self, ascending):
        """The order for reading forward when ``ascending``: NULLs after the values."""
        key = F(self.path).asc(nulls_last=True) if ascending else F(self.path).desc(nulls_first=True)
        if self.unique:
            return [key]
        sign = "" if ascending else "-"
        if self.group:
            return [key, f"{sign}{self.group.attname}", f"{sign}pk"]
        return [key, f"{sign}pk"]

    def _null_q(self):
        q = Q()
        for prefix in self.nullable:
            q |= Q(**{f"{prefix}__isnull": True})
        return q

    def fetch(self, cursor, *, forward, limit, offset=0):
        """Up to ``limit`` rows after ``cursor`` (None: from the start) reading forward or backward."""
        found = self._seek(cursor, forward=forward, limit=limit, offset=offset)
        if self.rows is None or not found:
            return found
        by_id = {row.pk: row for row in self.rows.filter(pk__in=found)}
        return [by_id[pk] for pk in found if pk in by_id]

    def _seek(self, cursor, *, forward, limit, offset):
        ascending = forward != self.descending
        qs = self.queryset
        if self.group and self.many and self.plain is not None and connections[self.plain.db].vendor == "postgresql":
            return self._by_group(cursor, ascending, limit=limit, offset=offset)
        if self.group and cursor is not None:
            return list(qs.filter(self._beyond_group(*cursor, ascending)).order_by(*self._order(ascending))[:limit])
        if cursor is None:
            if self._joined_nullable():
                return self._ends(ascending, limit=limit, offset=offset)
            return list(qs.order_by(*self._order(ascending))[offset:offset + limit])
        value, pk = cursor
        path = self.path
        if not self.nullable:
            return list(qs.filter(self._beyond(value, pk, ascending)).order_by(*self._order(ascending))[:limit])
        if ascending:  # values (past the cursor) then NULLs
            if value is None:
                return list(qs.filter(self._null_q(), pk__gt=pk).order_by("pk")[:limit])
            rows = list(qs.filter(self._beyond(value, pk, True)).order_by(*self._order(True))[:limit])
            if len(rows) < limit:
                rows += list(qs.filter(self._null_q()).order_by("pk")[:limit - len(rows)])
            return rows
        # Descending: NULLs (past the cursor) then values.
        if value is None:
            rows = list(qs.filter(self._null_q(), pk__lt=pk).order_by("-pk")[:limit])
            if len(rows) < limit:
                rows += list(qs.filter(**{f"{path}__isnull": False}).order_by(*self._order(False))
                             [:limit - len(rows)])
            return rows
        return list(qs.filter(self._beyond(value, pk, False)).order_by(*self._order(False))[:limit])

    def _joined_nullable(self):
        """A key through a nullable relation (``site__full_name``), read by ids on PostgreSQL."""
        return (self.plain is not None and "__" in self.path and bool(self.nullable)
                and connections[self.plain.db].vendor == "postgresql")

    def _ends(self, ascending, *, limit, offset):
        """Ids of a page counted from one end, for a key through a nullable relation.

        Ordering by a column of a LEFT JOINed table keeps PostgreSQL from walking the indexes
        (it hash-joins the whole table and sorts it: ~0.1 s at 100k, ~1 s at 1M). So the rows
        with a key (INNER JOIN: the related table's index on the key, then the devices' index
        on the foreign key) and the rows without (an index on the foreign key) are each limited
        to ``offset + limit`` and merged in the same statement, in the same order.
        """
        reach = offset + limit
        base = self.plain.values_list("pk", self.path)
        with_key = base.filter(**{f"{self.path}__isnull": False}).order_by(*self._order(ascending))[:reach]
        without = base.filter(self._null_q()).order_by("pk" if ascending else "-pk")[:reach]
        (sql_a, params_a), (sql_b, params_b) = (with_key.query.sql_with_params(), without.query.sql_with_params())
        order = "key ASC NULLS LAST, id ASC" if ascending else "key DESC NULLS FIRST, id DESC"
        with connections[self.plain.db].cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM (({sql_a}) UNION ALL ({sql_b})) AS ends (id, key) ORDER BY {order} LIMIT %s OFFSET %s",
                (*params_a, *params_b, limit, offset),
            )
            return [row[0] for row in cursor.fetchall()]

    def _beyond_group(self, value, group, pk, ascending):
        """Rows strictly after (value, group, pk) in the grouped order."""
        path, fk, op = self.path, self.group.attname, "gt" if ascending else "lt"
        return Q(**{f"{path}__{op}e": value}) & (
            Q(**{f"{path}__{op}": value}) | Q(**{f"{fk}__{op}": group}) | Q(**{fk: group, f"pk__{op}": pk})
        )

    def _by_group(self, cursor, ascending, *, limit, offset):
        """Ids of a page in (key, group, pk) order, read group by group (PostgreSQL).

        The groups (models, with their category's name) are few and sorted first; for each,
        in that order, a LATERAL subquery reads at most ``offset + limit`` of its rows from the
        ``(foreign key, id)`` index, and an incremental sort stops as soon as the page is full:
        the first, a deep and the last page each read a page's worth of index entries. The
        foreign key is bounded by ``>=`` and ``<=`` rather than ``=``: with an equality the
        planner drops it from the order and walks the primary key instead, filtering.
        """
        fk, rest = self.group.attname, self.path.split("__", 1)[1]
        sign, op = ("", "gt") if ascending else ("-", "lt")
        groups = self.group.related_model._base_manager.order_by()
        outer = RawSQL("_seek_group.gid", ())
        rows = self.plain.filter(**{f"{fk}__gte": outer, f"{fk}__lte": outer})
        if cursor is not None:
            value, group, pk = cursor
            groups = groups.filter(Q(**{f"{rest}__{op}": value}) | Q(**{rest: value, f"pk__{op}e": group}))
            rows = rows.filter(~Q(**{fk: group}) | Q(**{f"pk__{op}": pk}))
        groups = groups.order_by(f"{sign}{rest}", f"{sign}pk").values_list("pk", rest)
        rows = rows.order_by(f"{sign}{fk}", f"{sign}pk").values_list("pk")[:offset + limit]
        try:
            (sql_g, params_g), (sql_r, params_r) = groups.query.sql_with_params(), rows.query.sql_with_params()
        except EmptyResultSet:
            return []
        direction = "ASC" if ascending else "DESC"
        with connections[self.plain.db].cursor() as cursor_:
            cursor_.execute(
                f"SELECT _seek_rows.id FROM ({sql_g}) AS _seek_group (gid, gkey) "
                f"CROSS JOIN LATERAL ({sql_r}) AS _seek_rows (id) "
                f"ORDER BY _seek_group.gkey {direction}, _seek_group.gid {direction}, _seek_rows.id {direction} "
                f"LIMIT %s OFFSET %s",
                (*params_g, *params_r, limit, offset),
            )
            return [row[0] for row in cursor_.fetchall()]

    def _beyond(self, value, pk, ascending):
        """Rows strictly after (value, pk); the wide bound first so that an index range applies."""
        path = self.path
        if self.unique:
            return Q(**{f"{path}__gt" if ascending else f"{path}__lt": value})
        if ascending:
            return Q(**{f"{path}__gte": value}) & (Q(**{f"{path}__gt": value}) | Q(pk__gt=pk))
        return Q(**{f"{path}__lte": value}) & (Q(**{f"{path}__lt": value}) | Q(pk__lt=pk))


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None
