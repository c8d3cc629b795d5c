"""Demo WEEE shipment: one dispatched collection slip, so the shipment pages and the waste register
are not empty. Its devices are the oldest retired ones (those holding storage get an erasure
first, as the lifecycle's guard requires); they become ``recycled`` through the real service."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from config.roles import TECHNICIAN
from inventory.models import Device, Shipment, Status
from inventory.shipments import services
from reuse import services as reuse_services

SIZE = 6
REGISTER = {
    "slip_number": "BSD-DEMO-0001", "channel": "ecosystem", "channel_siren": "833111111",
    "operator": "Envie 2E Isère", "operator_siret": "41234567800012",
    "operator_registration": "Agrément préfectoral DEEE n° 38-2019-04", "transporter": "Transports Alpins",
    "transporter_siren": "512345678", "destination": "ZI des Îles, 38120 Le Fontanil-Cornillon",
    "treatment_code": "R4", "note": "Expédition de démonstration.",
}
# Kilograms per device of each WEEE category, for the demo's weights (a scale gives the real ones).
KG = {"2": Decimal("5.5"), "4": Decimal("30"), "5": Decimal("3"), "6": Decimal("2.5")}


def seed_demo_data(stdout=None):
    write = stdout.write if stdout is not None else (lambda text: None)
    if Shipment.objects.exists():
        write("shipments: a shipment is already there, nothing added.")
        return
    actor = get_user_model().objects.filter(groups__name=TECHNICIAN).order_by("pk").first()
    devices = list(
        Device.objects.filter(status=Status.RETIRED, ownership="owned", shipment_items__isnull=True)
        .select_related("model__category").order_by("purchase_date", "asset_tag")[:SIZE]
    )
    if not devices:
        write("shipments: no retired device to recycle, no shipment added.")
        return
    with transaction.atomic():
        for device in devices:
            if device.model.stores_data:
                reuse_services.record_erasure(
                    device=device, actor=actor, method="purge", method_detail="Effacement sécurisé ATA",
                    tool="nwipe", tool_version="0.35", passed=True, operator_name="Atelier informatique",
                )
        shipment = services.create_shipment(actor=actor, shipped_on=timezone.localdate(), **REGISTER)
        services.add_devices(shipment, [device.asset_tag for device in devices])
        weights = {}
        for device in devices:
            category = device.model.weee_category or device.model.category.weee_category or "6"
            weights[category] = weights.get(category, Decimal(0)) + KG.get(category, Decimal("2.5"))
        services.set_weights(shipment, weights)
        services.dispatch(shipment, actor=actor, confirm=True)
    write(f"shipments: 1 WEEE shipment dispatched ({len(devices)} devices recycled, "
          f"{sum(weights.values())} kg).")
