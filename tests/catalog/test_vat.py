"""VAT rates are those of the PRC: 13 %, 9 %, 6 % and 0 %."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from catalog.exceptions import CatalogError
from catalog.models import Product
from catalog.services import product_base_information_update
from core.audit import audit_history

D = Decimal


@pytest.mark.parametrize("rate", ["0.130", "0.090", "0.060", "0.000"])
def test_the_prc_rates_are_accepted(rate: str, users: dict[str, Any], make_product: Any) -> None:
    product = make_product(vat_rate=D("0.130") if rate != "0.130" else D("0.090"))

    product_base_information_update(
        product=product, by=users["product_group"], changes={"vat_rate": D(rate)}
    )

    product.refresh_from_db()
    assert product.vat_rate == D(rate)


@pytest.mark.parametrize("rate", ["0.170", "0.100", "0.030", "0.999"])
def test_other_rates_are_refused_by_the_service(
    rate: str, users: dict[str, Any], make_product: Any
) -> None:
    product = make_product()

    with pytest.raises(CatalogError) as refused:
        product_base_information_update(
            product=product, by=users["product_group"], changes={"vat_rate": D(rate)}
        )

    assert refused.value.field == "vat_rate"
    assert str(refused.value) == f"Value Decimal('{rate}') is not a valid choice."
    product.refresh_from_db()
    assert product.vat_rate == D("0.130")
    assert not audit_history(product).exists()


@pytest.mark.parametrize("rate", ["0.170", "0.030"])
def test_the_database_refuses_other_rates(rate: str, division: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(sku="VAT-1", name="x", division=division, vat_rate=D(rate))
    assert not Product.objects.exists()


def test_the_edit_form_offers_the_four_rates_and_refuses_others(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product()
    client = Client()
    client.force_login(users["product_group"])
    url = reverse("catalog:product-edit", args=[product.pk])
    data = {"name": product.name, "unit": product.unit, "weight_kg": "1.000"}

    choices = [
        value for value, _label in client.get(url).context["form"].fields["vat_rate"].choices
    ]
    refused = client.post(url, {**data, "vat_rate": "0.170"})
    saved = client.post(url, {**data, "vat_rate": "0.090"})

    assert [str(value) for value in choices] == ["0.130", "0.090", "0.060", "0.000"]
    assert list(refused.context["form"].errors) == ["vat_rate"]
    assert saved.status_code == 302
    product.refresh_from_db()
    assert product.vat_rate == D("0.090")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The VAT rate must be 13 %, 9 %, 6 % or 0 %."),
        ("zh-hans", "增值税税率只能是 13 %、9 %、6 % 或 0 %。"),
    ],
)
def test_the_constraint_names_the_allowed_rates(language: str, message: str, division: Any) -> None:
    from django.core.exceptions import ValidationError
    from django.utils import translation

    product = Product(sku="VAT-1", name="x", division=division, vat_rate=D("0.170"))

    with translation.override(language), pytest.raises(ValidationError) as refused:
        product.validate_constraints()

    assert refused.value.messages == [message]
