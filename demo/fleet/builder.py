"""Plan devices, their repairs and their journals as rows, written in bulk batch by batch.

Everything is drawn from one seeded RNG in a fixed order, so the same seed and the same
``today`` give the same fleet: change the order of the draws and every fleet changes.
"""

import bisect
import datetime as dt
import itertools
import random
from decimal import Decimal

from django.conf import settings

from inventory.lifecycle import TERMINAL, TRANSITIONS
from inventory.models import AcquiredAs, Device, Event, Repair, Status

from .bulk import insert_rows
from .reference import (
    BARRIERS,
    BUILDINGS,
    CATEGORIES,
    DONORS,
    ERASURE_METHODS,
    FAULTS,
    NOTES,
    OFFICE_ROLES,
    SERVER_ROOM,
    STATUS_SHARES,
    STORE,
    SUPPLIERS_NEW,
    SUPPLIERS_REFURBISHED,
    WORKSHOP,
)
from .values import book_value, poisson, serial, when, years_later

S = Status
K = Event.Kind
SHORT, LONG, REPAIR_GAP = "short", "long", "repair"

DEVICE_FIELDS = (
    "id", "asset_tag", "serial_number", "model", "manufacturer", "status", "status_changed_at", "site",
    "department", "assignee", "purchase_date", "purchase_price", "supplier", "order_reference",
    "acquired_as", "warranty_end", "planned_renewal_year", "replacement_price", "last_seen",
)
REPAIR_FIELDS = (
    "id", "device", "opened_at", "opened_by", "closed_at", "closed_by", "symptom", "fault_category",
    "diagnosis", "action", "parts", "estimated_cost", "cost", "labour_minutes", "outcome", "barrier",
)
EVENT_FIELDS = ("device", "kind", "from_status", "to_status", "actor", "at", "note", "repair", "data")


class FleetBuilder:
    """Plans devices one by one from a seeded RNG into rows, written in bulk batch by batch.

    Device and repair ids are allocated here (after the current maximum) so that journal rows
    can point at them without reading anything back; sequences are reset at the end.
    """

    def __init__(self, catalogue, *, seed, today, events_per_device, actor_ids, first_device_id,
                 first_repair_id):
        self.c = catalogue
        self.rng = random.Random(seed)
        self.today = today
        self.events_per_device = events_per_device
        self.actors = actor_ids or [None]
        self.prefix = settings.PROLONGE["ASSET_TAG_PREFIX"]
        self.ceiling = Decimal(settings.PROLONGE["DONATION_UNIT_CEILING_EUR"])
        # Times are "ordinal days" (floats) until written; the last possible one is yesterday.
        self.window_end = today.toordinal() - 0.01
        self.category_specs = {row[0]: row for row in CATEGORIES}
        self.category_cum = list(itertools.accumulate(row[6] for row in CATEGORIES))
        self.status_cum = list(itertools.accumulate(share for _status, share in STATUS_SHARES))
        self.faults = {slug: [f for f in FAULTS if slug in f[1].split()] for slug in self.category_specs}
        self.room_roles = {kind: spec[3] for kind, spec in BUILDINGS.items()} | {"hq": OFFICE_ROLES}
        self.order_seq = itertools.count(1)
        self.first_device_id = first_device_id
        self.repair_ids = itertools.count(first_repair_id)
        self.devices, self.repairs, self.events = [], [], []

    # -- choices -----------------------------------------------------------------------------
    def _pick(self, cumulative):
        return bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])

    def _actor(self):
        return self.actors[self.rng.randrange(len(self.actors))]

    def _status(self, n):
        if n < len(STATUS_SHARES):  # every status present as soon as there are 9 devices
            return STATUS_SHARES[n][0]
        return STATUS_SHARES[self._pick(self.status_cum)][0]

    def _category(self, n):
        if len(STATUS_SHARES) <= n < len(STATUS_SHARES) + len(CATEGORIES):  # and every category
            return CATEGORIES[n - len(STATUS_SHARES)][0]
        return CATEGORIES[self._pick(self.category_cum)][0]

    def _age_days(self, status, lifespan):
        """Age at ``today``: young devices in stock, old ones retired, donated or recycled."""
        u = self.rng.uniform
        top = 12.0
        if status == S.IN_STOCK:
            years = u(0.02, 0.5) if self.rng.random() < 0.5 else u(0.5, lifespan)
        elif status == S.IN_SERVICE:
            years = u(0.05, min(top, lifespan * 1.4))
        elif status == S.IN_REPAIR:
            years = u(0.5, min(top, lifespan * 1.3))
        elif status in (S.AVAILABLE, S.RESERVED, S.DONATED):
            years = u(min(0.7 * lifespan, 8.0), min(9.5, 1.6 * lifespan))
        elif status in (S.RETIRED, S.RECYCLED):
            years = u(min(0.8 * lifespan, 10.0), top)
        else:
            years = u(0.2, top)
        return max(7, int(min(top, years) * 365.25))

    def _model(self, slug, year):
        choices = self.c.models_by_year.get((slug, year))
        if not choices:  # before or after every model of the category: the closest year
            years = [y for (s, y) in self.c.models_by_year if s == slug]
            nearest = min(years, key=lambda y: abs(y - year))
            choices = self.c.models_by_year[(slug, nearest)]
        return choices[self.rng.randrange(len(choices))]

    def _room(self, slug):
        if slug in ("server", "network") and self.rng.random() < 0.5:
            return self.c.special[SERVER_ROOM]
        return self.c.rooms[self._pick(self.c.room_cumweights)]

    def _acquired_as(self, year):
        x = self.rng.random()
        refurbished = 0.18 if year >= 2022 else 0.07  # AGEC (2021+) pushes reused purchases
        if x < refurbished:
            return AcquiredAs.REFURBISHED
        if x < refurbished + 0.04:
            return AcquiredAs.DONATED_IN
        return AcquiredAs.NEW

    def _purchase(self, model, acquired, purchase, warranties):
        """(price € HT or None, supplier or donor, warranty end or None)."""
        rng = self.rng
        if acquired == AcquiredAs.DONATED_IN:
            return None, rng.choice(DONORS), None
        factor = rng.uniform(0.85, 1.1) if acquired == AcquiredAs.NEW else rng.uniform(0.4, 0.6)
        price = None if rng.random() < 0.02 else Decimal(f"{float(model.reference_price) * factor:.2f}")
        if acquired == AcquiredAs.NEW:
            supplier, years = rng.choice(SUPPLIERS_NEW), rng.choice(warranties)
        else:
            supplier, years = rng.choice(SUPPLIERS_REFURBISHED), 2
        return price, supplier, years_later(purchase, years)

    def _filler_kind(self, planned):
        x = self.rng.random()
        if x < 0.4:
            return K.SIGHTED
        if x < 0.55:
            return K.MOVED
        if x < 0.7:
            return K.ASSIGNED
        if x < 0.78:
            return K.EDITED
        if x < 0.85 and planned:
            return K.PLANNED
        return K.NOTE

    # -- one device --------------------------------------------------------------------------
    def plan(self, n):
        """Append device number ``n``, its repairs and its journal to the pending rows."""
        rng = self.rng
        device_id = self.first_device_id + n
        status = self._status(n)
        slug = self._category(n)
        spec = self.category_specs[slug]
        lifespan, storage, warranties = spec[2], spec[5], spec[7]
        age = self._age_days(status, lifespan)
        purchase = self.today - dt.timedelta(days=age)
        model = self._model(slug, purchase.year)
        home = self._room(slug)
        department = self.c.departments[rng.choice(home[3])]
        acquired = self._acquired_as(purchase.year)
        price, supplier, warranty = self._purchase(model, acquired, purchase, warranties)
        order = "" if acquired == AcquiredAs.DONATED_IN else f"BC-{purchase.year}-{next(self.order_seq):06d}"

        final_site = home
        if status == S.IN_STOCK or (status in (S.RETIRED, S.AVAILABLE, S.RESERVED, S.DONATED, S.RECYCLED)
                                    and rng.random() < 0.8):
            final_site = self.c.special[STORE]
        elif status == S.IN_REPAIR and rng.random() < 0.8:
            final_site = self.c.special[WORKSHOP]
        roles = self.room_roles[home[2]]
        assignee = rng.choice(roles) if status == S.IN_SERVICE and rng.random() < 0.85 else ""
        planned = None
        if status in (S.IN_SERVICE, S.IN_STOCK, S.IN_REPAIR) and rng.random() < 0.35:
            planned = max(purchase.year + lifespan, self.today.year)

        # The status path first (with its repairs), then filler events around it.
        steps, outcomes = self._path(status, storage, age)
        t_start = purchase.toordinal() + rng.random() * 0.5
        t_end = max(self.window_end, t_start + 0.05)
        events = [(t_start, K.CREATED, "", S.IN_STOCK, "Enregistré à la réception", None, None)]
        current, repair = S.IN_STOCK, None
        for (to, kind, _gap, extra), at in zip(steps, self._times(steps, t_start, t_end), strict=True):
            if to is None:  # an erasure: no status change
                events.append((at, K.ERASED, "", "", f"Effacement des données : {extra} — réussi", None,
                               {"method": extra, "passed": True}))
                continue
            data = None
            if kind == K.REPAIR_OPENED:
                repair = self._open_repair(device_id, slug, outcomes[extra], when(at))
            elif kind == K.REPAIR_CLOSED:
                self._close_repair(repair, outcomes[extra], when(at))
            elif kind == K.DONATED:
                day = dt.date.fromordinal(int(at))
                data = {"value": str(min(self.ceiling, book_value(price, purchase, day, spec[3])))}
            repair_id = repair[0] if kind in (K.REPAIR_OPENED, K.REPAIR_CLOSED) else None
            events.append((at, kind, current, to, "", repair_id, data))
            current = to
        assert current == status, (current, status)
        status_at = events[-1][0]

        spread = self.events_per_device // 2
        wanted = self.events_per_device + rng.randint(-spread, spread)
        filler_end = status_at if status in TERMINAL else t_end
        span = filler_end - t_start
        filler_times = sorted(t_start + span * rng.random() for _ in range(max(0, wanted - len(events))))
        kinds = [self._filler_kind(planned) for _ in filler_times]
        sites = [self._room(slug)[1] for _ in range(kinds.count(K.MOVED))] + [final_site[1]]
        people = [rng.choice(("", *roles)) for _ in range(kinds.count(K.ASSIGNED))] + [assignee]
        last_seen, moved, assigned, edited = None, 0, 0, False
        for at, kind in zip(filler_times, kinds, strict=True):
            note, data = "", None
            if kind == K.SIGHTED:
                last_seen = when(at)
                note = f"Inventaire {last_seen.year}"
            elif kind == K.MOVED:
                data = {"changes": {"site": [sites[moved], sites[moved + 1]]}}
                moved += 1
            elif kind == K.ASSIGNED and people[assigned] != people[assigned + 1]:
                data = {"changes": {"assignee": [people[assigned], people[assigned + 1]]}}
                assigned += 1
            elif kind == K.PLANNED:
                note, data = f"Renouvellement prévu au budget {planned}", {"year": planned}
            elif kind == K.EDITED and order and not edited:
                edited = True
                note, data = "Référence de commande complétée", {"changes": {"order_reference": ["", order]}}
            else:
                assigned += kind == K.ASSIGNED
                kind, note = K.NOTE, NOTES[rng.randrange(len(NOTES))]
            events.append((at, kind, "", "", note, None, data))
        events.sort(key=_first)

        self.devices.append((
            device_id, f"{self.prefix}-{n + 1:06d}",
            "" if rng.random() < 0.01 else serial(model.manufacturer, n), model.pk, model.manufacturer,
            status, when(status_at), final_site[0], department, assignee, purchase, price, supplier, order,
            acquired, warranty, planned, model.reference_price if planned else None, last_seen,
        ))
        actors, pick = self.actors, rng.randrange
        self.events.extend(
            (device_id, kind, from_status, to_status, actors[pick(len(actors))], when(at), note, repair_id, data)
            for at, kind, from_status, to_status, note, repair_id, data in events
        )

    def _path(self, status, storage, age_days):
        """Status steps from ``in_stock`` to ``status``: (to, kind, gap, extra); repair outcomes.

        Every step is an allowed transition of ``lifecycle.TRANSITIONS`` (checked below).
        """
        rng = self.rng
        r = rng.random
        steps, outcomes = [], []

        def repair(outcome):
            outcomes.append(outcome)
            return len(outcomes) - 1

        if status == S.IN_STOCK and r() < 0.5:
            return steps, outcomes  # new, not deployed yet
        if status == S.LOST and r() < 0.2:
            steps.append((S.LOST, K.STATUS, LONG, None))
            return steps, outcomes
        steps.append((S.IN_SERVICE, K.STATUS, SHORT, None))
        for _ in range(min(4, poisson(rng, age_days / 365.25 * 0.2))):
            x = r()
            if x < 0.6:
                outcome = Repair.Outcome.FIXED if r() < 0.85 else Repair.Outcome.REPAIRABLE
                i = repair(outcome)
                steps.append((S.IN_REPAIR, K.REPAIR_OPENED, LONG, i))
                if outcome == Repair.Outcome.FIXED:
                    steps.append((S.IN_SERVICE, K.REPAIR_CLOSED, REPAIR_GAP, i))
                else:
                    steps.append((S.IN_STOCK, K.REPAIR_CLOSED, REPAIR_GAP, i))
                    steps.append((S.IN_SERVICE, K.STATUS, SHORT, None))
            elif x < 0.85:
                steps += [(S.IN_STOCK, K.STATUS, LONG, None), (S.IN_SERVICE, K.STATUS, SHORT, None)]
            else:
                steps += [(S.RETIRED, K.STATUS, LONG, None), (S.IN_STOCK, K.REDEPLOYED, SHORT, None),
                          (S.IN_SERVICE, K.STATUS, SHORT, None)]
        if status == S.IN_STOCK:
            steps.append((S.IN_STOCK, K.STATUS, LONG, None))
        elif status == S.IN_REPAIR:
            steps.append((S.IN_REPAIR, K.REPAIR_OPENED, LONG, repair(None)))
        elif status == S.LOST:
            steps.append((S.LOST, K.STATUS, LONG, None))
        elif status != S.IN_SERVICE:
            if r() < 0.25:
                i = repair(Repair.Outcome.END_OF_LIFE)
                steps += [(S.IN_REPAIR, K.REPAIR_OPENED, LONG, i), (S.RETIRED, K.REPAIR_CLOSED, REPAIR_GAP, i)]
            else:
                steps.append((S.RETIRED, K.STATUS, LONG, None))
            if status != S.RETIRED:
                if storage:
                    steps.append((None, K.ERASED, SHORT, ERASURE_METHODS[rng.randrange(len(ERASURE_METHODS))]))
                # Recycling is a shipment's dispatch (``exited``), never a plain status change.
                if status == S.RECYCLED and r() < 0.8:
                    steps.append((S.RECYCLED, K.EXITED, SHORT, None))
                else:
                    steps.append((S.AVAILABLE, K.OFFERED, SHORT, None))
                    if status == S.RECYCLED:
                        steps.append((S.RECYCLED, K.EXITED, SHORT, None))
                    elif status != S.AVAILABLE:
                        steps.append((S.RESERVED, K.CLAIMED, SHORT, None))
                        if status == S.DONATED:
                            steps.append((S.DONATED, K.DONATED, SHORT, None))
        current = S.IN_STOCK
        for to, *_rest in steps:
            if to is not None:
                assert to in TRANSITIONS[current], (current, to)
                current = to
        return steps, outcomes

    def _times(self, steps, t_start, t_end):
        """Times of the steps: short gaps of days, long ones sharing most of the device's life."""
        rng = self.rng
        window = t_end - t_start
        gaps = []
        for _to, _kind, gap, _extra in steps:
            if gap == SHORT:
                gaps.append(rng.uniform(0.5, 30))
            elif gap == REPAIR_GAP:
                gaps.append(rng.uniform(1, 45))
            else:
                gaps.append(None)
        fixed = sum(g for g in gaps if g is not None)
        if fixed > window * 0.4:
            scale = window * 0.4 / fixed
            gaps = [g * scale if g is not None else None for g in gaps]
            fixed = window * 0.4
        longs = [rng.uniform(0.5, 1.5) if g is None else 0 for g in gaps]
        total_long = max(0.0, window * rng.uniform(0.55, 0.97) - fixed)
        weight = sum(longs) or 1
        times, t = [], t_start
        for g, w in zip(gaps, longs, strict=True):
            t += g if g is not None else total_long * w / weight
            times.append(min(t, t_end))
        return times

    def _open_repair(self, device_id, slug, outcome, at):
        """A repair row (a list, closed later in place); ``outcome`` None: still open."""
        rng = self.rng
        fault, _cats, symptom, action, parts, (low, high) = self.faults[slug][rng.randrange(len(self.faults[slug]))]
        estimate = Decimal(f"{rng.uniform(low, high) * 1.1:.2f}") if high else Decimal("0")
        row = [next(self.repair_ids), device_id, at, self._actor(), None, None, symptom, fault,
               "" if outcome is None else f"Diagnostic : {symptom.lower()}",
               "" if outcome is None else action, parts if outcome == Repair.Outcome.FIXED else "",
               estimate, None, rng.choice((15, 30, 45, 60, 90, 120, 180)) if outcome else None, "", ""]
        self.repairs.append(row)
        return row

    def _close_repair(self, row, outcome, at):
        rng = self.rng
        row[4], row[5], row[14] = at, self._actor(), outcome
        if outcome == Repair.Outcome.FIXED:
            row[12] = (row[11] * Decimal(f"{rng.uniform(0.8, 1.2):.2f}")).quantize(Decimal("0.01"))
        elif outcome == Repair.Outcome.REPAIRABLE:
            row[9], row[12] = "En attente de pièce ; remis en stock", Decimal("0")
        else:
            row[9], row[12] = "Réparation non rentable : appareil réformé", Decimal("0")
            row[15] = BARRIERS[rng.randrange(len(BARRIERS))]

    # -- writing -----------------------------------------------------------------------------
    def write_batch(self, numbers, summary):
        for n in numbers:
            self.plan(n)
        insert_rows(Device, DEVICE_FIELDS, self.devices)
        insert_rows(Repair, REPAIR_FIELDS, self.repairs)
        insert_rows(Event, EVENT_FIELDS, self.events)
        summary.devices += len(self.devices)
        summary.repairs += len(self.repairs)
        summary.events += len(self.events)
        for row in self.devices:
            summary.statuses[row[5]] = summary.statuses.get(row[5], 0) + 1
        self.devices, self.repairs, self.events = [], [], []


def _first(event):
    return event[0]
