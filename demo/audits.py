"""Demo audit campaigns: the generated journal says devices were "seen in Inventaire 2023"…; the
campaigns those sightings name are created (closed, spanning their sightings)."""

from django.db.models import Max, Min

from inventory.models import Event
from labels.models import AuditCampaign


def seed_demo_data(stdout=None):
    write = stdout.write if stdout is not None else (lambda text: None)
    sightings = (
        Event.objects.filter(kind=Event.Kind.SIGHTED).exclude(note="")
        .values("note").annotate(first=Min("at"), last=Max("at")).order_by("first")
    )
    created = 0
    for row in sightings:
        _, made = AuditCampaign.objects.get_or_create(
            name=row["note"], defaults={"started_at": row["first"], "closed_at": row["last"],
                                        "notes": "Campagne de démonstration."})
        created += made
    write(f"labels: {created} audit campaigns named by the journal's sightings.")
