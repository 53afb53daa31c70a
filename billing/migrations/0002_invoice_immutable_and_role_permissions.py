"""Issued invoices never change below the ORM (PostgreSQL): an UPDATE may only move the
status (issued → credited) and DELETE is refused; invoice lines are append-only. The roles
get the billing permissions (frozen here; core.roles.sync_roles keeps them current)."""

from django.db import migrations

from core.append_only import append_only_trigger
from core.roles import grant_role_permissions

GRANTS = {
    "division_finance": ("billing.view_invoice", "billing.issue_invoice", "billing.credit_invoice"),
    "hq_finance": ("billing.view_invoice", "billing.sign_settlement"),
    "sales_lead": ("billing.view_invoice", "billing.sign_settlement"),
}

INVOICE_GUARD = """
CREATE OR REPLACE FUNCTION billing_invoice_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'billing_invoice: an issued invoice cannot be deleted';
    END IF;
    IF (to_jsonb(NEW) - 'status') IS DISTINCT FROM (to_jsonb(OLD) - 'status') THEN
        RAISE EXCEPTION 'billing_invoice: an issued invoice cannot change (only its status)';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_invoice_no_change
    BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_immutable();
"""
INVOICE_GUARD_DROP = """
DROP TRIGGER IF EXISTS billing_invoice_no_change ON billing_invoice;
DROP FUNCTION IF EXISTS billing_invoice_immutable();
"""


def invoice_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INVOICE_GUARD, params=None)


def invoice_guard_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INVOICE_GUARD_DROP, params=None)


def grants(apps, schema_editor):
    grant_role_permissions(apps, "billing", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial"), ("core", "0004_notification_email_state")]

    operations = [
        migrations.RunPython(invoice_guard, invoice_guard_drop),
        append_only_trigger("billing_invoiceline"),
        migrations.RunPython(grants, migrations.RunPython.noop),
    ]
