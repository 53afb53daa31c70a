"""SKUs are stored normalised (upper case, no surrounding blanks) and unique ignoring case."""

import django.core.validators
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_normalise_skus")]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="sku",
            field=models.CharField(
                max_length=64,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Za-z0-9][A-Za-z0-9._/-]*$",
                        "Use letters, digits and . _ / - only, starting with a letter or digit.",
                    )
                ],
                verbose_name="SKU",
            ),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "sku",
                        django.db.models.functions.text.Upper(
                            django.db.models.functions.text.Trim("sku")
                        ),
                    )
                ),
                name="product_sku_normalised",
                violation_error_message="A SKU is stored in capitals without blanks.",
            ),
        ),
        migrations.AddConstraint(
            model_name="product",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Upper("sku"),
                name="product_sku_unique_ignoring_case",
                violation_error_message="A product with this SKU already exists.",
            ),
        ),
    ]
