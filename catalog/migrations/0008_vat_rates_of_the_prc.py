"""VAT rates limited to those of the PRC (13 %, 9 %, 6 %, 0 %). A product with another
rate stops the migration with its SKU, for an administrator to correct first."""

from decimal import Decimal

from django.db import migrations, models

RATES = [Decimal("0.130"), Decimal("0.090"), Decimal("0.060"), Decimal("0.000")]


def check_rates(apps, schema_editor):
    product_model = apps.get_model("catalog", "Product")
    other = product_model.objects.exclude(vat_rate__in=RATES).values_list("sku", "vat_rate")
    if other:
        raise RuntimeError(
            "Products with a VAT rate other than 13 %, 9 %, 6 % or 0 %; correct them first: "
            + ", ".join(f"{sku} ({rate})" for sku, rate in other)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0007_override_price_guard_covers_guide_price'),
    ]

    operations = [
        migrations.RunPython(check_rates, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='product',
            name='product_vat_rate_between_0_and_1',
        ),
        migrations.AlterField(
            model_name='product',
            name='vat_rate',
            field=models.DecimalField(choices=[(Decimal('0.130'), '13 % (goods, processing and repairs)'), (Decimal('0.090'), '9 % (transport, construction, basic goods)'), (Decimal('0.060'), '6 % (services)'), (Decimal('0.000'), '0 % (exports)')], decimal_places=3, default=Decimal('0.130'), max_digits=4, verbose_name='VAT rate'),
        ),
        migrations.AddConstraint(
            model_name='product',
            constraint=models.CheckConstraint(condition=models.Q(('vat_rate__in', [Decimal('0.130'), Decimal('0.090'), Decimal('0.060'), Decimal('0.000')])), name='product_vat_rate_prc', violation_error_message='The VAT rate must be 13 %%, 9 %%, 6 %% or 0 %%.'),
        ),
    ]
