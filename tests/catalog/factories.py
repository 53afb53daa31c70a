"""Factories of the catalog's tests."""

from __future__ import annotations

import struct
import zlib
from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from catalog.models import Category, ListingApplication, Product, ProductBin, ProductImage
from tests.factories import DivisionFactory, UserFactory


def png_bytes(size: int = 4) -> bytes:
    row = b"\x00" + b"\x10\x80\xc0" * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"类别{n}")
    parent = None


class ProductFactory(factory.django.DjangoModelFactory):
    """A product in any status (`status=` at creation; FSMField is protected afterwards).

    `complete=True` fills the whole base information, including one image.
    """

    class Meta:
        model = Product
        skip_postgeneration_save = True

    sku = factory.Sequence(lambda n: f"T-{n:05d}")
    name = factory.Sequence(lambda n: f"测试产品 {n}")
    division = factory.SubFactory(DivisionFactory)
    unit = "件"
    weight_kg = Decimal("1.000")

    class Params:
        complete = factory.Trait(
            offline_market_price=Decimal("100.00"),
            online_guide_price=Decimal("90.00"),
            baseline_subsidy_price=Decimal("80.00"),
            selling_price=Decimal("85.00"),
            detail_content="产品详情。",
            expected_monthly_sales=50,
            promotion_plan="首月满减。",
            main_image=factory.RelatedFactory(
                "tests.catalog.factories.ProductImageFactory", factory_related_name="product"
            ),
        )


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="test.png"))
    caption = "主图"


class ProductBinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductBin

    product = factory.SubFactory(ProductFactory)
    bin_code = factory.Sequence(lambda n: f"A-01-{n:02d}")


class ListingApplicationFactory(factory.django.DjangoModelFactory):
    """An application in `status`; its product is created in the matching product state."""

    class Meta:
        model = ListingApplication

    product = factory.SubFactory(
        ProductFactory,
        offline_market_price=Decimal("100.00"),
        expected_monthly_sales=20,
    )
    applicant = factory.SubFactory(UserFactory)
    rationale = "线下销量稳定,客户要求线上采购。"
