"""SKUs are stored upper case without blanks and are unique ignoring case."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from catalog.exceptions import CatalogError
from catalog.models import ListingApplication, PriceChange, Product
from catalog.rules import normalise_sku
from catalog.selectors import products_by_sku
from catalog.services import ProductProposal, listing_application_create, listing_application_revise
from core.audit import audit_history


def _proposal(division: Any, sku: str) -> ProductProposal:
    return ProductProposal(
        sku=sku,
        name="液压齿轮泵",
        division=division,
        weight_kg=Decimal("2.500"),
        offline_market_price=Decimal("720.00"),
        expected_monthly_sales=25,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("weight", ["0", "-1"])
def test_a_product_without_weight_is_refused_at_the_weight(
    division: Any, make_user: Any, weight: str
) -> None:
    from catalog.exceptions import CatalogError
    from catalog.models import Product

    proposal = dataclasses.replace(_proposal(division, "GQ-W0"), weight_kg=Decimal(weight))

    with pytest.raises(CatalogError) as refused:
        listing_application_create(proposal=proposal, rationale="x", by=make_user("division_sales"))

    assert refused.value.field == "weight_kg"
    assert not Product.objects.filter(sku="GQ-W0").exists()


@pytest.mark.parametrize(
    ("given", "stored"),
    [("gq-9001", "GQ-9001"), ("  Gq-9001\t", "GQ-9001"), ("GQ-9001", "GQ-9001")],
)
def test_normalise_sku(given: str, stored: str) -> None:
    assert normalise_sku(given) == stored


def test_a_new_sku_is_stored_upper_case(users: dict[str, Any], division: Any) -> None:
    application = listing_application_create(
        by=users["division_sales"], proposal=_proposal(division, " gq-9001 "), rationale="线下热销"
    )

    assert application.product.sku == "GQ-9001"
    assert Product.objects.get().sku == "GQ-9001"


def test_a_sku_differing_only_in_case_is_a_duplicate(
    users: dict[str, Any], division: Any, make_product: Any
) -> None:
    make_product(sku="GQ-9001")

    with pytest.raises(CatalogError) as refused:
        listing_application_create(
            by=users["division_sales"], proposal=_proposal(division, "gq-9001"), rationale="x"
        )

    assert str(refused.value) == "A product with SKU GQ-9001 already exists."
    assert refused.value.field == "sku"
    assert list(Product.objects.values_list("sku", flat=True)) == ["GQ-9001"]
    assert not ListingApplication.objects.exists()
    assert not PriceChange.objects.exists()


def test_revising_to_another_products_sku_in_lower_case_is_refused(
    users: dict[str, Any], division: Any, make_application: Any, make_product: Any
) -> None:
    make_product(sku="GQ-9001")
    application = make_application(product={"sku": "GQ-9002"})

    with pytest.raises(CatalogError, match="GQ-9001 already exists"):
        listing_application_revise(
            application=application,
            by=users["division_sales"],
            proposal=_proposal(division, "gq-9001"),
            rationale=application.rationale,
        )

    application.product.refresh_from_db()
    assert application.product.sku == "GQ-9002"
    assert not audit_history(application).exists()


def test_revising_a_sku_to_its_own_lower_case_keeps_it(
    users: dict[str, Any], division: Any, make_application: Any
) -> None:
    application = make_application(product={"sku": "GQ-9002"})

    listing_application_revise(
        application=application,
        by=users["division_sales"],
        proposal=_proposal(division, "gq-9002"),
        rationale=application.rationale,
    )

    application.product.refresh_from_db()
    assert application.product.sku == "GQ-9002"


def test_the_application_form_stores_the_sku_upper_case(
    users: dict[str, Any], division: Any
) -> None:
    client = Client()
    client.force_login(users["division_sales"])

    response = client.post(
        reverse("catalog:application-create"),
        {
            "sku": " gq-9001 ",
            "name": "液压齿轮泵",
            "division": str(division.pk),
            "unit": "台",
            "weight_kg": "3.5",
            "offline_market_price": "720.00",
            "expected_monthly_sales": "25",
            "rationale": "线下热销",
        },
    )

    assert response.status_code == 302
    assert Product.objects.get().sku == "GQ-9001"


@pytest.mark.parametrize("sku", ["gq-1", " GQ-1", "GQ-1 "])
def test_the_database_refuses_a_sku_not_normalised(
    sku: str, division: Any, make_product: Any
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.create(sku=sku, name="x", division=division)
    assert not Product.objects.exists()


def test_products_by_sku_finds_lower_case_skus_keyed_as_given(make_product: Any) -> None:
    first = make_product(sku="DEMO-001")
    second = make_product(sku="DEMO-002")

    found = products_by_sku(skus=["demo-001", "DEMO-002", "Demo-002", "nope"])

    assert found == {"demo-001": first, "DEMO-002": second, "Demo-002": second}


def test_products_by_sku_is_one_query(make_product: Any, django_assert_num_queries: Any) -> None:
    skus = [make_product().sku.lower() for _ in range(5)]

    with django_assert_num_queries(1):
        found = products_by_sku(skus=skus)
        assert [p.division.code for p in found.values()] == ["GQ"] * 5


def test_products_by_sku_reads_only_the_fields_asked_for(
    make_product: Any, django_assert_num_queries: Any
) -> None:
    product = make_product(sku="DEMO-7")
    Product.objects.filter(pk=product.pk).update(detail_content="长" * 5000)

    with django_assert_num_queries(1) as queries:
        (found,) = products_by_sku(skus=["demo-7"], fields=["name", "selling_price"]).values()
        assert (found.pk, found.sku, found.status, found.name) == (
            product.pk,
            "DEMO-7",
            product.status,
            product.name,
        )
        assert found.selling_price == product.selling_price
    sql = queries.captured_queries[0]["sql"]
    assert "detail_content" not in sql and "JOIN" not in sql  # nor the division
    assert found.get_deferred_fields() >= {"detail_content", "promotion_plan"}
    assert len(found.detail_content) == 5000  # loaded on first use, like QuerySet.only


def test_the_admin_stores_the_sku_upper_case_and_refuses_a_case_duplicate(
    users: dict[str, Any], make_product: Any
) -> None:
    make_product(sku="GQ-9001")
    product = make_product(sku="GQ-9002")
    client = Client()
    client.force_login(users["admin"])
    url = reverse("admin:catalog_product_change", args=[product.pk])
    form = {
        "name": product.name,
        "division": str(product.division_id),
        "unit": product.unit,
        "weight_kg": "1.000",
        "vat_rate": "0.130",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "bins-TOTAL_FORMS": "0",
        "bins-INITIAL_FORMS": "0",
    }

    duplicate = client.post(url, {**form, "sku": "gq-9001"})
    renamed = client.post(url, {**form, "sku": " gq-9003 "})

    assert duplicate.status_code == 200
    assert duplicate.context["adminform"].form.errors == {
        "sku": ["Product with this SKU already exists."],
        "__all__": ["A product with this SKU already exists."],
    }
    assert renamed.status_code == 302
    product.refresh_from_db()
    assert product.sku == "GQ-9003"
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["GQ-9001", "GQ-9003"]
