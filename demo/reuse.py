"""Demo data of reuse, added by ``seed_demo`` once the fleet is generated.

Everything goes through the services, so the demo shows real journals, certificates and
agreements. Idempotent: a second run finds the associations and does nothing.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from config.roles import ADMIN, PROCUREMENT
from inventory.models import Category, Department, Device, Status
from inventory.queries import with_derived
from reuse import conf, services
from reuse.conf import donation_ceiling
from reuse.models import Association, EligibilityCategory
from reuse.valuation import book_value

ASSOCIATIONS = [
    # name, RNA, SIRET, eligibility, contact, categories followed
    ("Solidarité Numérique Grenoble", "W381000101", "", "general-interest-inclusion",
     ("Inès Roux", "contact@solidarite-numerique.example"), ("laptop", "tablet", "smartphone")),
    ("Coup de Pouce Scolaire Échirolles", "W381000102", "", "school-support",
     ("Marc Lefèvre", "bureau@coupdepouce.example"), ("laptop", "desktop", "monitor")),
    ("Étudiants Connectés UGA", "W381000103", "", "students",
     ("Léa Bernard", "asso@etudiants-connectes.example"), ("laptop", "monitor")),
]
PENDING = ("Les Réparateurs du Vercors", "", "73282932000074", "esus", ("Paul Girard", "atelier@reparateurs.example"))


def seed_demo_data(stdout=None):
    """Add partner associations, offers, claims and a donation to the demo data."""
    write = stdout.write if stdout is not None else (lambda text: None)
    if Association.objects.exists():
        write("reuse: demo associations already present, nothing added.")
        return
    with transaction.atomic():
        summary = _seed()
    write("reuse: " + ", ".join(f"{count} {name}" for name, count in summary.items()) + ".")


def _seed():
    User = get_user_model()
    actor = (
        User.objects.filter(groups__name=PROCUREMENT).order_by("pk").first()
        or User.objects.filter(groups__name=ADMIN).order_by("pk").first()
    )
    eligibility = {category.slug: category for category in EligibilityCategory.objects.all()}
    associations = []
    for name, rna, siret, slug, (contact, email), interests in ASSOCIATIONS:
        association = Association.objects.create(
            name=name, rna=rna, siret=siret, eligibility=eligibility[slug], contact_name=contact,
            contact_email=email, address="Grenoble", status=Association.Status.APPROVED, decided_at=timezone.now(),
        )
        association.interests.set(_categories(interests))
        associations.append(association)
    name, rna, siret, slug, (contact, email) = PENDING
    services.apply_as_association(name=name, rna=rna, siret=siret, eligibility=eligibility[slug],
                                  contact_name=contact, contact_email=email, purpose="Réemploi et réparation")
    demo_member = User.objects.filter(username="association").first()
    if demo_member is not None:
        services.add_member(association=associations[0], user=demo_member)

    offers = []
    for category, size in (("laptop", 5), ("desktop", 1), ("monitor", 4), ("tablet", 3)):
        devices = _retired(category, size)
        if not devices:
            continue
        for device in devices:
            if device.model.category.carries_storage:
                services.record_erasure(
                    device=device, actor=actor, method="purge", method_detail="ATA Secure Erase", tool="nwipe",
                    tool_version="0.35", passed=True, operator_name="Atelier informatique",
                    storage_serials=[f"DISK-{device.serial_number or device.asset_tag}"],
                )
        offers.append(services.create_offer(
            devices=devices, grade="B", actor=actor, description="Nettoyés, testés, avec chargeur.",
        ))

    claims = 0
    donations = 0
    if offers:
        first = offers[0]
        claim = services.claim_offer(offer=first, association=associations[0], actor=demo_member,
                                     quantity=min(2, first.items.count()), message="Pour nos ateliers du mardi.")
        services.approve_claim(claim=claim, actor=actor)
        services.set_pickup(claim=claim, actor=actor, pickup_at=timezone.now() + dt.timedelta(days=2),
                            place="Magasin informatique, 3 rue Malakoff")
        claims += 1
    if len(offers) > 1:
        claim = services.claim_offer(offer=offers[1], association=associations[1], actor=None)
        services.approve_claim(claim=claim, actor=actor)
        services.hand_over(claim=claim, actor=actor, owner_signatory=conf.signatories()[0]["key"],
                           association_signatory="Marc Lefèvre, président", operating_system="Linux Mint 22",
                           licence_status="free")
        claims += 1
        donations += 1
    if len(offers) > 2:
        services.claim_offer(offer=offers[2], association=associations[2], actor=None, quantity=1)
        claims += 1

    requests = 0
    department = Department.objects.order_by("pk").first()
    laptop = _categories(["laptop"]).first()
    if department is not None and laptop is not None:
        services.create_internal_request(department=department, category=laptop, quantity=2, actor=actor,
                                         reason="Deux postes pour de nouveaux agents d'accueil")
        requests += 1
    return {
        "associations": len(associations) + 1, "offers": len(offers), "claims": claims, "donations": donations,
        "internal requests": requests,
    }


def _categories(slugs):
    return Category.objects.filter(slug__in=slugs)


def _retired(category, size):
    """Retired devices of a category whose book value is known and within the legal ceiling
    (on the configured TTC/HT basis, from the date put in service: reuse.valuation)."""
    candidates = (
        with_derived(Device.objects.select_related("model", "model__category"))
        .filter(status=Status.RETIRED, model__category__slug=category, book_value__isnull=False,
                book_value__lte=donation_ceiling())
        .order_by("-purchase_date", "asset_tag")
    )
    ceiling = donation_ceiling()
    return [d for d in candidates[: size * 4] if _within(book_value(d), ceiling)][:size]


def _within(value, ceiling):
    return value is not None and value <= ceiling
