"""A wrong role posting an action gets a message and a page it can see, and nothing runs."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalog.models import ListingApplication, Product, ProductImage
from core.audit import audit_history
from core.models import Notification
from tests.catalog.factories import png_bytes

A = ListingApplication.Status
P = Product.Status
REFUSED = "Your role does not allow this action."


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# url name, application state, role → where the refused user lands ("detail" or "home")
APPLICATION_REFUSALS = [
    ("catalog:application-approve", A.SUBMITTED, "sales_rep", "home"),
    ("catalog:application-approve", A.SUBMITTED, "division_sales", "detail"),
    ("catalog:application-reject", A.SUBMITTED, "sales_rep", "home"),
    ("catalog:application-reject", A.SUBMITTED, "division_sales", "detail"),
    ("catalog:application-submit", A.DRAFT, "sales_rep", "home"),
    ("catalog:application-submit", A.DRAFT, "product_group", "detail"),
]


@pytest.mark.parametrize(("url_name", "state", "role", "lands_on"), APPLICATION_REFUSALS)
def test_a_wrong_role_is_sent_back_with_a_message(
    url_name: str,
    state: str,
    role: str,
    lands_on: str,
    users: dict[str, Any],
    make_application: Any,
) -> None:
    application = make_application(state)
    client = _client(users[role])

    response = client.post(
        reverse(url_name, args=[application.pk]), {"note": "x", "reason": "资料不全"}
    )

    detail = reverse("catalog:application-detail", args=[application.pk])
    assert response.status_code == 302
    assert response["Location"] == (detail if lands_on == "detail" else reverse("core:home"))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [REFUSED]
    assert client.get(response["Location"]).status_code == 200
    application.refresh_from_db()
    assert application.status == state
    assert application.product.status != P.APPROVED
    assert not audit_history(application).exists()
    assert not audit_history(application.product).exists()
    assert not Notification.objects.exists()


def test_an_administrator_without_the_permission_is_refused_by_the_service(
    users: dict[str, Any], make_application: Any
) -> None:
    """Admins pass the role gate (as everywhere); the service still refuses a system
    administrator who does not hold the review permission."""
    application = make_application(A.SUBMITTED)
    client = _client(users["admin_group"])

    response = client.post(reverse("catalog:application-approve", args=[application.pk]))

    assert response["Location"] == reverse("catalog:application-detail", args=[application.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [REFUSED]
    assert client.get(response["Location"]).status_code == 200
    application.refresh_from_db()
    assert application.status == A.SUBMITTED


@pytest.mark.parametrize(
    ("url_name", "state", "data"),
    [
        ("catalog:product-list-for-sale", P.APPROVED, {}),
        ("catalog:product-delist", P.LISTED, {"reason": "停产"}),
        (
            "catalog:product-image-add",
            P.APPROVED,
            {"image": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")},
        ),
    ],
)
def test_a_sales_rep_stays_on_the_product_page(
    url_name: str, state: str, data: dict[str, Any], users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=state, complete=True)
    images = list(ProductImage.objects.values_list("pk", flat=True))
    client = _client(users["sales_rep"])

    response = client.post(reverse(url_name, args=[product.pk]), data)

    assert response["Location"] == reverse("catalog:product-detail", args=[product.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [REFUSED]
    assert client.get(response["Location"]).status_code == 200
    product.refresh_from_db()
    assert product.status == state
    assert list(ProductImage.objects.values_list("pk", flat=True)) == images
    assert not audit_history(product).exists()


def test_a_sales_rep_cannot_remove_an_image(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.APPROVED, complete=True)
    image = product.images.get()

    response = _client(users["sales_rep"]).post(
        reverse("catalog:product-image-remove", args=[product.pk, image.pk])
    )

    assert [str(m) for m in get_messages(response.wsgi_request)] == [REFUSED]
    assert product.images.get() == image
    assert not audit_history(product).exists()
