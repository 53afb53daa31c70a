"""Stock moves refuse UPDATE and DELETE below the ORM (PostgreSQL); the roles get the
fulfilment permissions (frozen here; core.roles.sync_roles keeps them current)."""

from django.db import migrations

from core.append_only import append_only_trigger
from core.roles import grant_role_permissions

GRANTS = {
    "parts_support": (
        "fulfilment.view_deliverynote",
        "fulfilment.add_deliverynote",
        "fulfilment.cancel_deliverynote",
        "fulfilment.view_stocklevel",
    ),
    "warehouse": (
        "fulfilment.view_deliverynote",
        "fulfilment.add_picklist",
        "fulfilment.add_shipment",
        "fulfilment.add_inboundreceipt",
        "fulfilment.view_stocklevel",
    ),
    "division_finance": (
        "fulfilment.view_deliverynote",
        "fulfilment.record_invoice_deliverynote",
    ),
    "logistics_lead": (
        "fulfilment.view_carrier",
        "fulfilment.add_carrier",
        "fulfilment.change_carrier",
        "fulfilment.approve_stocktake",
    ),
}


def forwards(apps, schema_editor):
    grant_role_permissions(apps, "fulfilment", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("fulfilment", "0001_initial"), ("core", "0004_notification_email_state")]

    operations = [
        append_only_trigger("fulfilment_stockmove"),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
