"""Who gets what on every route, derived from the URL resolver (so a new page is covered the day
it is added).

- anonymous: a login redirect (pages) or 401/403 (``/api/``), except the PUBLIC routes;
- an association member: 403 everywhere except the PORTAL routes and MEMBER_ROUTES;
- the authority's staff (technician, procurement, admin): no server error on GET.

A route that is in no list below is staff-only. Each URL is filled with the seeded objects of
``world`` (``KWARG_OBJECTS``); an unknown keyword gets a placeholder, and a 404 is then accepted.
When routes are renamed or moved (issue 8), update the names in PUBLIC, PORTAL, MEMBER_ROUTES
and KWARG_OBJECTS: ``test_every_allow_listed_name_exists`` says which ones are stale.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.roles import ADMIN, PROCUREMENT, TECHNICIAN
from inventory.models import Flag, Repair
from inventory.shipments import create_shipment
from labels.models import AuditCampaign
from reuse import services as reuse_services
from reuse.models import Erasure, InternalRequest
from tests.factories import CategoryFactory, DepartmentFactory, DeviceFactory, SiteFactory, UserFactory
from tests.reuse.conftest import erase, make_member, offered, retired_device
from tests.reuse.factories import AssociationFactory

# Open to anyone, signed in or not.
PUBLIC = {
    "healthz",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "reuse:apply",
    "reuse:apply-done",
    "reports:open-data-schema",  # the Table Schema of the open-data file: no data in it
    "inventory:method",
}
# The association portal (reuse views that call ``_portal``: members see their own things).
PORTAL = {
    "reuse:catalogue",
    "reuse:offer-detail",
    "reuse:offer-claim",
    "reuse:claim-list",
    "reuse:claim-detail",
    "reuse:claim-action",
    "reuse:donation-list",
    "reuse:donation-detail",
    "reuse:donation-agreement",
    "reuse:follow-up",
    "reuse:erasure-list",
    "reuse:erasure-detail",
    "reuse:erasure-certificate",
    "reuse:my-association",
    "reuse-offer-list",
    "reuse-offer-detail",
    "reuse-offer-claim",
    "reuse-claim-list",
    "reuse-claim-detail",
    "reuse-claim-cancel",
    "reuse-donation-list",
    "reuse-donation-detail",
    "reuse-erasure-list",
    "reuse-erasure-detail",
    "reuse-donation-agreement",
    "reuse-erasure-certificate",
}
# Any signed-in person's own account pages, and the home page (which sends members to the portal).
# The API schema and its docs page too: members use the portal's API endpoints, and the schema shows
# shapes, not data (it also describes the staff endpoints; make them staff-only here if that changes).
MEMBER_ROUTES = {"home", "password_change", "password_change_done"}
# Of the admin site, only these (its routes are Django's; checking them all adds nothing).
ADMIN_ROUTES = {"admin:index", "admin:inventory_device_changelist"}

# URL keyword → key of ``world``; for ``pk``, the route name's prefix (longest match) → key.
KWARG_OBJECTS = {
    "asset_tag": "device",
    "tag": "device",
    "slug": "category",
    "uidb64": "uidb64",
    "token": "token",
    "action": "action",
}
PK_OBJECTS = {
    "repairs:": "repair",
    "inventory-api:repair": "repair",
    "inventory-api:flag": "flag",
    "inventory-api:devicemodel": "device_model",
    "inventory-api:site": "site",
    "inventory-api:department": "department",
    "reuse:offer": "offer",
    "reuse-offer": "offer",
    "reuse:claim": "claim",
    "reuse-claim": "claim",
    "reuse:donation": "donation",
    "reuse:follow-up": "donation",
    "reuse-donation": "donation",
    "reuse:staff-donation": "staff_donation",
    "reuse-staff-donation": "staff_donation",
    "reuse:erasure": "erasure",
    "reuse-erasure": "erasure",
    "reuse:request": "request",
    "reuse:association": "association",
    "labels:audit": "audit",
    "shipments:": "shipment",
    "inventory-api:shipment": "shipment",
}
ACTIONS = {"reuse:claim-action": "cancel", "reuse:association-decide": "approve"}

# Staff-only routes answer members 403 (staff check before any lookup); list here a route that may
# answer 404 instead (e.g. one that hides whether an object exists). Empty today.
MEMBER_MAY_GET_404 = set()
ROLES = ("anonymous", "member", TECHNICIAN, PROCUREMENT, ADMIN)


def walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern


def routes(urlconf=None):
    """(name, keyword names) of every named route; unnamed ones (static, media) are public files."""
    found = {}
    for name, pattern in walk(get_resolver(urlconf).url_patterns):
        if name.startswith("admin:") and name not in ADMIN_ROUTES:
            continue
        found.setdefault(name, tuple(pattern.pattern.regex.groupindex))
    return sorted(found.items())


def url_of(name, keywords, world, urlconf=None):
    kwargs = {}
    for keyword in keywords:
        if keyword == "pk":
            key = next(
                (
                    key
                    for prefix, key in sorted(PK_OBJECTS.items(), key=lambda i: -len(i[0]))
                    if name.startswith(prefix)
                ),
                None,
            )
            kwargs[keyword] = world[key].pk if key else 1
        elif keyword == "action":
            kwargs[keyword] = ACTIONS.get(name, "x")
        elif keyword in KWARG_OBJECTS:
            value = world[KWARG_OBJECTS[keyword]]
            kwargs[keyword] = getattr(value, "asset_tag", None) or getattr(value, "slug", None) or value
        else:
            kwargs[keyword] = "1"
    return reverse(name, kwargs=kwargs, urlconf=urlconf)


def check(client, role, name, url):
    """What is wrong with the response ``role`` gets for the route, or None."""
    response = client.get(url)
    status = response.status_code
    is_api = url.startswith("/api/")
    if status >= 500 and not (name == "healthz" and status == 503):  # 503: broker or database down
        return f"{role} GET {url} → {status}"
    if role == "anonymous" and name not in PUBLIC:
        if is_api:
            # Token authentication comes first, so DRF answers 401 with its WWW-Authenticate header.
            if status == 401 and response.get("WWW-Authenticate", "").startswith("Token"):
                return None
            return f"anonymous GET {url} → {status}, expected 401 (Token)"
        location = response.get("Location", "")
        login_urls = (resolve_url(settings.LOGIN_URL), reverse("admin:login"))
        if status == 302 and location.startswith(login_urls):
            return None
        return f"anonymous GET {url} → {status} {location}, expected a redirect to the login"
    if role == "member" and name not in PUBLIC | PORTAL | MEMBER_ROUTES:
        if status == 405:  # a form's target: try the POST it expects
            status = client.post(url).status_code
        expected = {403, 404} if name in MEMBER_MAY_GET_404 else {403}
        ok = status in expected
        if name.startswith("admin:"):  # the admin site sends non-staff accounts to its own login
            ok = ok or response.get("Location", "").startswith(reverse("admin:login"))
        return None if ok else f"member of an association GET/POST {url} → {status}, expected 403"
    return None


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """A small set of every kind of object, built once for the module and rolled back after."""
    from django.contrib.auth.tokens import default_token_generator
    from django.db import transaction
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        buyer = UserFactory(username="perm-buyer", roles=[PROCUREMENT])
        users = {
            TECHNICIAN: UserFactory(username="perm-tech", roles=[TECHNICIAN]),
            PROCUREMENT: buyer,
            ADMIN: UserFactory(username="perm-boss", roles=[ADMIN], is_staff=True, is_superuser=True),
            "member": make_member(AssociationFactory(name="Perm Asso"), username="perm-member"),
        }
        association = users["member"].association_membership.association
        offer = offered([retired_device(), retired_device()], buyer)
        claim = reuse_services.claim_offer(offer=offer, association=association, actor=users["member"], quantity=1)
        reuse_services.approve_claim(claim=claim, actor=buyer)
        donation = reuse_services.hand_over(claim=claim, actor=buyer, owner_signatory="dgs", association_signatory="Y")
        given = retired_device()
        erase(given)
        staff_donation = reuse_services.donate_to_staff(devices=[given], recipient_name="Agent Perm",
                                                        recipient_department="DSI", owner_signatory="dgs", actor=buyer)
        device = DeviceFactory()
        site, department = SiteFactory(), DepartmentFactory()
        world = {
            "users": users,
            "device": device,
            "category": CategoryFactory(slug="perm-laptop"),
            "device_model": device.model,
            "site": site,
            "department": department,
            "repair": Repair.objects.create(device=DeviceFactory(), symptom="écran noir"),
            "flag": Flag.objects.create(device=device, rule="warranty_ending", message="x"),
            "offer": offer,
            "claim": claim,
            "donation": donation,
            "staff_donation": staff_donation,
            "erasure": Erasure.objects.filter(device=claim.lines.get().device).first(),
            "request": InternalRequest.objects.create(
                department=department, category=device.model.category, quantity=1, requested_by=buyer
            ),
            "association": association,
            "audit": AuditCampaign.objects.create(name="Inventaire"),
            "shipment": create_shipment(operator="Envie 2E", operator_siret="41234567800012", treatment_code="R4"),
            "uidb64": urlsafe_base64_encode(force_bytes(buyer.pk)),
            "token": default_token_generator.make_token(buyer),
        }
        yield world
        transaction.set_rollback(True)
    app.conf.task_always_eager = eager


def cases():
    return [pytest.param(name, keywords, role, id=f"{name}[{role}]") for name, keywords in routes() for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "keywords", "role"), cases())
def test_route_answers_each_role_as_its_list_says(world, name, keywords, role):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    problem = check(client, role, name, url_of(name, keywords, world))
    assert problem is None, problem


def test_every_allow_listed_name_exists():
    names = {name for name, _ in walk(get_resolver().url_patterns)}
    stale = (PUBLIC | PORTAL | MEMBER_ROUTES | MEMBER_MAY_GET_404 | ADMIN_ROUTES | set(ACTIONS)) - names
    assert not stale, f"Allow-listed route names that no longer exist: {sorted(stale)}"


# --- the checker catches an unprotected page ------------------------------------------------------------


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.support.urlconf_unprotected")
def test_checker_flags_a_page_open_to_association_members(world):
    found = dict(routes())
    assert "leak" in found
    url = url_of("leak", found["leak"], world)
    member, anonymous = Client(), Client()
    member.force_login(world["users"]["member"])
    assert check(member, "member", "leak", url) == f"member of an association GET/POST {url} → 200, expected 403"
    # Login is still required by the middleware: the gap is the missing staff check.
    assert check(anonymous, "anonymous", "leak", url) is None
    # A protected page passes.
    assert check(member, "member", "inventory:device-list", reverse("inventory:device-list")) is None
