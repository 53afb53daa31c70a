from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from catalog.models import ListingApplication, Product
from catalog.sales import register_sales_source
from tests.catalog.factories import ListingApplicationFactory, ProductFactory

# Product state that goes with each application state.
PRODUCT_STATE_FOR = {
    ListingApplication.Status.DRAFT: Product.Status.DRAFT,
    ListingApplication.Status.SUBMITTED: Product.Status.IN_REVIEW,
    ListingApplication.Status.APPROVED: Product.Status.APPROVED,
    ListingApplication.Status.REJECTED: Product.Status.DRAFT,
}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Service messages are asserted in English; views follow each user's language."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_sales_source() -> Iterator[None]:
    """Each test starts without a registered sales source and leaves none behind."""
    previous = register_sales_source(None)
    yield
    register_sales_source(previous)


@pytest.fixture
def users(make_user: Callable[..., Any], division: Any) -> dict[str, Any]:
    """One user per role that matters to the catalog, all in division GQ.

    "admin" is a superuser in no group; "admin_group" a member of the `admin` role
    (system administrator) who is not a superuser.
    """
    return {
        "division_sales": make_user("division_sales", username="sales_mgr", language="en"),
        "product_group": make_user("product_group", username="pg", language="en"),
        "sales_rep": make_user("sales_rep", username="rep", language="en"),
        "admin": make_user(username="root", is_superuser=True, is_staff=True, language="en"),
        "admin_group": make_user("admin", username="sysadmin", is_staff=True, language="en"),
    }


@pytest.fixture
def make_application(division: Any, users: dict[str, Any]) -> Callable[..., ListingApplication]:
    def build(status: str = ListingApplication.Status.DRAFT, **kwargs: Any) -> ListingApplication:
        extra: dict[str, Any] = {}
        if status == ListingApplication.Status.REJECTED:
            extra["rejection_reason"] = "价格过高"
        product_kwargs = {f"product__{k}": v for k, v in kwargs.pop("product", {}).items()}
        return ListingApplicationFactory(
            status=status,
            product__status=PRODUCT_STATE_FOR[status],
            product__division=division,
            applicant=users["division_sales"],
            **product_kwargs,
            **extra,
            **kwargs,
        )

    return build


@pytest.fixture
def make_product(division: Any) -> Callable[..., Product]:
    def build(**kwargs: Any) -> Product:
        kwargs.setdefault("division", division)
        return ProductFactory(**kwargs)

    return build
