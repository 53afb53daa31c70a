"""Pages of the catalog: POST transitions with PRG, messages, scoping, forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalog.models import ListingApplication, PriceChange, Product, ProductImage
from core.audit import audit_history
from core.models import Notification
from tests.catalog.factories import CategoryFactory, ProductBinFactory, png_bytes

P = Product.Status
A = ListingApplication.Status


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- product transitions ---------------------------------------------------------------
def test_product_group_lists_a_product(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.APPROVED, complete=True)

    response = client_for(users["product_group"]).post(
        reverse("catalog:product-list-for-sale", args=[product.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:product-detail", args=[product.pk])
    assert messages_of(response) == ["The product is listed."]
    product.refresh_from_db()
    assert product.status == P.LISTED
    record = audit_history(product).get()
    assert (record.action, record.from_state, record.to_state, record.actor) == (
        "product_listed",
        "approved",
        "listed",
        users["product_group"],
    )


def test_listing_an_incomplete_product_says_what_is_missing(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.APPROVED, complete=True, detail_content="")

    response = client_for(users["product_group"]).post(
        reverse("catalog:product-list-for-sale", args=[product.pk])
    )

    assert response.status_code == 302
    assert messages_of(response) == ["The base information is incomplete: detail-page content."]
    product.refresh_from_db()
    assert product.status == P.APPROVED
    assert not audit_history(product).exists()


def test_division_sales_cannot_list(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.APPROVED, complete=True)

    response = client_for(users["division_sales"]).post(
        reverse("catalog:product-list-for-sale", args=[product.pk])
    )

    assert messages_of(response) == ["Your role does not allow this action."]
    product.refresh_from_db()
    assert product.status == P.APPROVED


def test_delist_with_reason(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.LISTED, complete=True)

    response = client_for(users["product_group"]).post(
        reverse("catalog:product-delist", args=[product.pk]), {"reason": "缺货停售"}
    )

    assert response.status_code == 302
    assert messages_of(response) == ["The product is delisted."]
    product.refresh_from_db()
    assert product.status == P.DELISTED
    assert audit_history(product).get().note == "缺货停售"


def test_delist_without_reason_is_refused(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.LISTED, complete=True)

    response = client_for(users["product_group"]).post(
        reverse("catalog:product-delist", args=[product.pk]), {"reason": ""}
    )

    assert messages_of(response) == ["This field is required."]
    product.refresh_from_db()
    assert product.status == P.LISTED


def test_transitions_are_post_only(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.APPROVED, complete=True)

    response = client_for(users["product_group"]).get(
        reverse("catalog:product-list-for-sale", args=[product.pk])
    )

    assert response.status_code == 405
    product.refresh_from_db()
    assert product.status == P.APPROVED


def test_another_divisions_product_is_not_found(
    make_user: Any, other_division: Any, make_product: Any
) -> None:
    product = make_product(status=P.LISTED, complete=True)
    stranger = make_user("division_sales", divisions=[other_division])
    client = client_for(stranger)

    assert client.get(reverse("catalog:product-detail", args=[product.pk])).status_code == 404
    assert (
        client.post(reverse("catalog:product-delist", args=[product.pk]), {"reason": "x"})
    ).status_code == 404


def test_anonymous_users_are_sent_to_login(make_product: Any) -> None:
    product = make_product()
    response = Client().get(reverse("catalog:product-detail", args=[product.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- product page ------------------------------------------------------------------------
def test_product_page_shows_prices_history_bins_and_the_users_buttons(
    users: dict[str, Any], make_product: Any, warehouses: dict[str, Any]
) -> None:
    product = make_product(status=P.APPROVED, complete=True, selling_price=None)
    ProductBinFactory(product=product, warehouse=warehouses["main"], bin_code="A-01-07")
    PriceChange.objects.create(
        product=product,
        kind="offline_market_price",
        old_value=None,
        new_value=Decimal("100.00"),
        changed_by=users["division_sales"],
    )

    page = client_for(users["product_group"]).get(
        reverse("catalog:product-detail", args=[product.pk])
    )
    html = page.content.decode()

    assert page.status_code == 200
    assert page.context["transitions"] == [
        {
            "name": "list_for_sale",
            "url_name": "catalog:product-list-for-sale",
            "label": "List for sale",
            "css": "primary",
            "blocked": True,
        }
    ]
    assert [item.code for item in page.context["missing"]] == ["selling_price"]
    assert 'data-code="selling_price"' in html
    assert "A-01-07" in html and "GQ-MAIN" in html
    assert "sales_mgr" in html  # who changed the price
    rep_page = client_for(users["sales_rep"]).get(
        reverse("catalog:product-detail", args=[product.pk])
    )
    assert rep_page.context["transitions"] == []
    assert rep_page.context["may_change_prices"] is False


def test_product_page_renders_in_chinese_by_default(make_user: Any, make_product: Any) -> None:
    product = make_product(status=P.LISTED, complete=True)
    reviewer = make_user("product_group")

    html = client_for(reviewer).get(reverse("catalog:product-detail", args=[product.pk]))
    text = html.content.decode()

    assert "下架" in text
    assert "价格历史" in text


# --- base information, images, prices ------------------------------------------------------
def test_base_information_is_saved_and_audited(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.APPROVED)
    category = CategoryFactory(name="轴承")
    data = {
        "name": "深沟球轴承 6206",
        "category": category.pk,
        "specification": "30×62×16",
        "unit": "个",
        "weight_kg": "0.200",
        "vat_rate": "0.130",
        "detail_content": "高精度轴承。",
        "expected_monthly_sales": "300",
        "promotion_plan": "满 200 减 20",
    }

    response = client_for(users["product_group"]).post(
        reverse("catalog:product-edit", args=[product.pk]), data
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Base information saved."]
    product.refresh_from_db()
    assert (product.name, product.category, product.expected_monthly_sales) == (
        "深沟球轴承 6206",
        category,
        300,
    )
    record = audit_history(product).get()
    assert record.action == "product_base_information_changed"
    assert record.data["promotion_plan"] == ["", "满 200 减 20"]


def test_sales_rep_may_not_open_the_base_information_form(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product()
    response = client_for(users["sales_rep"]).get(
        reverse("catalog:product-edit", args=[product.pk])
    )
    assert response.status_code == 403


def test_image_upload(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.APPROVED)
    upload = SimpleUploadedFile("main.png", png_bytes(), content_type="image/png")

    response = client_for(users["division_sales"]).post(
        reverse("catalog:product-image-add", args=[product.pk]),
        {"image": upload, "caption": "正面"},
    )

    assert messages_of(response) == ["Image added."]
    image = ProductImage.objects.get(product=product)
    assert image.caption == "正面"
    assert audit_history(product).get().action == "product_image_added"


def test_a_non_image_upload_is_refused(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.APPROVED)
    upload = SimpleUploadedFile("main.png", b"not an image", content_type="image/png")

    response = client_for(users["division_sales"]).post(
        reverse("catalog:product-image-add", args=[product.pk]), {"image": upload}
    )

    assert response.status_code == 302
    assert len(messages_of(response)) == 1
    assert not ProductImage.objects.exists()


def test_the_last_image_of_a_listed_product_stays(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.LISTED, complete=True)
    image = product.images.get()

    response = client_for(users["product_group"]).post(
        reverse("catalog:product-image-remove", args=[product.pk, image.pk])
    )

    assert messages_of(response) == ["A listed product must keep at least one image."]
    assert product.images.count() == 1


def test_removing_an_image(users: dict[str, Any], make_product: Any) -> None:
    product = make_product(status=P.APPROVED, complete=True)
    image = product.images.get()

    response = client_for(users["product_group"]).post(
        reverse("catalog:product-image-remove", args=[product.pk, image.pk])
    )

    assert messages_of(response) == ["Image removed."]
    assert not product.images.exists()
    assert audit_history(product).get().action == "product_image_removed"


def _price_form(product: Product, **changes: str) -> dict[str, str]:
    data = {
        "offline_market_price": str(product.offline_market_price),
        "online_guide_price": str(product.online_guide_price),
        "baseline_subsidy_price": str(product.baseline_subsidy_price),
        "selling_price": str(product.selling_price),
        "reason": "",
    }
    return {**data, **changes}


def test_price_below_baseline_is_refused_on_the_form(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.LISTED, complete=True)

    response = client_for(users["division_sales"]).post(
        reverse("catalog:product-prices", args=[product.pk]),
        _price_form(product, baseline_subsidy_price="85.01"),
    )

    assert response.status_code == 200
    assert "below the online baseline subsidy price" in str(response.context["form"].errors)
    assert "override" not in response.context["form"].fields
    product.refresh_from_db()
    assert (product.baseline_subsidy_price, product.selling_price) == (
        Decimal("80.00"),
        Decimal("85.00"),
    )
    assert not PriceChange.objects.exists()


def test_division_sales_sees_the_selling_price_but_cannot_set_it(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.LISTED, complete=True)
    client = client_for(users["division_sales"])
    url = reverse("catalog:product-prices", args=[product.pk])

    form = client.get(url).context["form"]
    response = client.post(
        url, _price_form(product, selling_price="90.00", offline_market_price="110.00")
    )

    assert [name for name, field in form.fields.items() if field.disabled] == ["selling_price"]
    assert form.fields["selling_price"].help_text == "Set by the product group."
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.offline_market_price, product.selling_price) == (
        Decimal("110.00"),
        Decimal("85.00"),
    )
    assert list(PriceChange.objects.values_list("kind", flat=True)) == ["offline_market_price"]


def test_product_group_may_set_every_price_on_the_form(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.LISTED, complete=True)

    form = (
        client_for(users["product_group"])
        .get(reverse("catalog:product-prices", args=[product.pk]))
        .context["form"]
    )

    assert [name for name, field in form.fields.items() if field.disabled] == []
    assert "override" in form.fields


def test_a_superuser_outside_the_product_group_is_not_offered_the_override(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.LISTED, complete=True)
    client = client_for(users["admin"])
    url = reverse("catalog:product-prices", args=[product.pk])

    form = client.get(url).context["form"]
    response = client.post(
        url, _price_form(product, selling_price="79.99", reason="测试", override="on")
    )

    assert "override" not in form.fields
    assert response.status_code == 200
    assert "Only the product group can override this" in str(response.context["form"].errors)
    product.refresh_from_db()
    assert product.selling_price == Decimal("85.00")
    assert not PriceChange.objects.exists()


def test_product_group_override_on_the_form_shows_in_the_history(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.LISTED, complete=True)
    client = client_for(users["product_group"])

    response = client.post(
        reverse("catalog:product-prices", args=[product.pk]),
        _price_form(product, selling_price="79.99", reason="平台补贴活动", override="on"),
    )

    assert response.status_code == 302
    assert messages_of(response) == ["Prices saved."]
    page = client.get(reverse("catalog:product-detail", args=[product.pk])).content.decode()
    assert "平台补贴活动" in page
    assert "79.99" in page


# --- listing applications -----------------------------------------------------------------
def _application_form(**changes: str) -> dict[str, str]:
    data = {
        "sku": "GQ-9001",
        "name": "液压齿轮泵 CBT-F310",
        "division": "",
        "category": "",
        "specification": "排量 10 mL/r",
        "unit": "台",
        "weight_kg": "3.500",
        "offline_market_price": "720.00",
        "online_guide_price": "680.00",
        "baseline_subsidy_price": "640.00",
        "expected_monthly_sales": "25",
        "promotion_plan": "",
        "rationale": "线下月销 30 台,客户希望在商城下单。",
    }
    return {**data, **changes}


def test_division_sales_files_and_submits_an_application(
    users: dict[str, Any], division: Any
) -> None:
    response = client_for(users["division_sales"]).post(
        reverse("catalog:application-create"),
        {**_application_form(division=str(division.pk)), "submit": "1"},
    )

    application = ListingApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:application-detail", args=[application.pk])
    assert messages_of(response) == [
        f"Application {application.number} saved.",
        f"Application {application.number} submitted for review.",
    ]
    assert application.status == A.SUBMITTED
    assert application.applicant == users["division_sales"]
    product = application.product
    assert (product.sku, product.status, product.division) == ("GQ-9001", P.IN_REVIEW, division)
    assert product.offline_market_price == Decimal("720.00")
    assert PriceChange.objects.filter(product=product).count() == 3
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["pg"]


def test_a_duplicate_sku_is_a_form_error(
    users: dict[str, Any], division: Any, make_product: Any
) -> None:
    make_product(sku="GQ-9001")

    response = client_for(users["division_sales"]).post(
        reverse("catalog:application-create"), _application_form(division=str(division.pk))
    )

    assert response.status_code == 200
    assert response.context["form"].errors["sku"] == ["A product with SKU GQ-9001 already exists."]
    assert not ListingApplication.objects.exists()


def test_a_guide_price_above_the_offline_price_is_a_form_error(
    users: dict[str, Any], division: Any
) -> None:
    response = client_for(users["division_sales"]).post(
        reverse("catalog:application-create"),
        _application_form(division=str(division.pk), online_guide_price="720.01"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "online_guide_price": [
            "The online guide price 720.01 is above the offline market price 720.00. "
            "Only the product group can override this, with a written reason."
        ]
    }
    assert not Product.objects.exists()


def test_a_division_outside_the_users_is_not_offered(
    users: dict[str, Any], other_division: Any
) -> None:
    response = client_for(users["division_sales"]).post(
        reverse("catalog:application-create"), _application_form(division=str(other_division.pk))
    )

    assert response.status_code == 200
    assert "division" in response.context["form"].errors
    assert not Product.objects.exists()


def test_product_group_cannot_file_applications(users: dict[str, Any]) -> None:
    assert (
        client_for(users["product_group"]).get(reverse("catalog:application-create")).status_code
        == 403
    )


def test_product_group_approves_from_the_application_page(
    users: dict[str, Any], make_application: Any
) -> None:
    application = make_application(A.SUBMITTED)
    client = client_for(users["product_group"])
    page = client.get(reverse("catalog:application-detail", args=[application.pk]))
    assert page.context["allowed"] == ["approve", "reject"]

    response = client.post(
        reverse("catalog:application-approve", args=[application.pk]), {"note": "同意"}
    )

    assert messages_of(response) == ["The application was approved; the applicant is notified."]
    application.refresh_from_db()
    assert application.status == A.APPROVED
    assert application.product.status == P.APPROVED
    assert audit_history(application).get().action == "listing_application_approved"
    assert Notification.objects.get().recipient == users["division_sales"]


def test_reject_without_reason_is_refused(users: dict[str, Any], make_application: Any) -> None:
    application = make_application(A.SUBMITTED)

    response = client_for(users["product_group"]).post(
        reverse("catalog:application-reject", args=[application.pk]), {"reason": ""}
    )

    assert messages_of(response) == ["This field is required."]
    application.refresh_from_db()
    assert application.status == A.SUBMITTED


def test_rejected_application_is_revised_and_resubmitted_through_the_pages(
    users: dict[str, Any], make_application: Any, division: Any
) -> None:
    application = make_application(A.SUBMITTED)
    client_for(users["product_group"]).post(
        reverse("catalog:application-reject", args=[application.pk]), {"reason": "请补充线下销量"}
    )
    applicant = client_for(users["division_sales"])
    page = applicant.get(reverse("catalog:application-detail", args=[application.pk]))
    assert "请补充线下销量" in page.content.decode()
    assert page.context["allowed"] == ["submit"]

    response = applicant.post(
        reverse("catalog:application-edit", args=[application.pk]),
        {
            **_application_form(
                sku=application.product.sku,
                division=str(division.pk),
                expected_monthly_sales="40",
            ),
            "submit": "1",
        },
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == A.SUBMITTED
    assert application.rejection_reason == "请补充线下销量"
    assert application.product.expected_monthly_sales == 40


def test_a_submitted_application_cannot_be_edited(
    users: dict[str, Any], make_application: Any
) -> None:
    application = make_application(A.SUBMITTED)
    response = client_for(users["division_sales"]).get(
        reverse("catalog:application-edit", args=[application.pk])
    )
    assert response.status_code == 403


def test_sales_rep_cannot_see_applications(users: dict[str, Any], make_application: Any) -> None:
    application = make_application(A.SUBMITTED)
    client = client_for(users["sales_rep"])
    assert client.get(reverse("catalog:application-list")).status_code == 403
    assert (
        client.get(reverse("catalog:application-detail", args=[application.pk])).status_code == 403
    )


def test_review_queue_lists_submitted_oldest_first(
    users: dict[str, Any], make_application: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    newer = make_application(A.SUBMITTED, submitted_at=timezone.now())
    older = make_application(A.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(hours=3))
    make_application(A.DRAFT)

    page = client_for(users["product_group"]).get(reverse("catalog:application-review-queue"))

    assert list(page.context["applications"]) == [older, newer]


# --- home and navigation ----------------------------------------------------------------------
def test_home_shows_the_review_queue_count_to_the_product_group(
    users: dict[str, Any], make_application: Any
) -> None:
    make_application(A.SUBMITTED)
    make_application(A.SUBMITTED)

    html = client_for(users["product_group"]).get("/").content.decode()

    assert '<p data-testid="review-queue-count"><strong>2</strong>' in html
    assert reverse("catalog:application-review-queue") in html


def test_home_shows_my_applications_to_division_sales(
    users: dict[str, Any], make_application: Any
) -> None:
    mine = make_application(A.REJECTED)

    html = client_for(users["division_sales"]).get("/").content.decode()

    assert "My listing applications" in html
    assert mine.number in html
    assert "Rejected 1" in html


def test_my_applications_panel_rows_cost_no_statement_each(
    users: dict[str, Any], make_application: Any
) -> None:
    """The panel reads what its rows show (PANEL_FIELDS, the state machines' fields
    included): one application or five, the same statements; number, link, SKU, name and
    state still shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = make_application(A.REJECTED)
    client = client_for(users["division_sales"])
    client.get("/")
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    more = [make_application(A.DRAFT) for _ in range(4)]
    with CaptureQueriesContext(connection) as five:
        html = client.get("/").content.decode()

    assert len(five) == len(one)
    for application in (first, *more):
        assert application.number in html and application.get_absolute_url() in html
        assert application.product.sku in html and application.product.name in html
    assert "Rejected</span>" in html and "Draft</span>" in html


def test_the_catalog_panels_reads_are_kept_statements_with_the_selectors_rows(
    users: dict[str, Any], make_application: Any, make_product: Any, division: Any
) -> None:
    """The two panels' reads are kept statements (compiled once per process, every scope)
    and read what the selectors' lists read: the review queue, the applicant's latest and
    counts by state, the approved products waiting to be listed."""
    from catalog import dashboard, selectors
    from core.queries import _COUNT, _compile, _Count, _Statement

    for scope in (None, (division.pk,), (division.pk, division.pk + 1)):
        for build in (dashboard._review_oldest, dashboard._my_latest, dashboard._my_counts):
            values = (scope,) if build is dashboard._review_oldest else (scope, 1)
            assert isinstance(_compile(build, values), _Statement), build.__name__
        for build in (dashboard._review_queue, dashboard._awaiting_listing):
            assert isinstance(_compile(build, (scope,), _COUNT), _Count), build.__name__
    make_application(A.SUBMITTED)
    make_application(A.REJECTED)
    make_application(A.DRAFT)
    make_product(status=P.APPROVED, complete=True)
    group, sales = users["product_group"], users["division_sales"]

    review = dashboard.review_queue_panel(group)
    queue = selectors.application_review_queue(user=group)
    assert review is not None and review.context["count"] == queue.count() == 1
    assert review.context["oldest"] == list(queue[:5])
    awaiting = selectors.product_list_for_user(user=group, filters={"status": P.APPROVED})
    assert review.context["awaiting_listing_text"].startswith(f"{awaiting.count()} approved")
    mine = dashboard.my_applications_panel(sales)
    listed = selectors.application_list_for_user(user=sales, filters={"mine": True})
    assert mine is not None and mine.context["latest"] == list(listed[:5])
    assert mine.context["counts"] == {"submitted": 1, "rejected": 1, "draft": 1}


@pytest.mark.parametrize(
    ("role", "labels"),
    [
        ("sales_rep", ["Products"]),
        ("division_sales", ["Products", "Listing applications"]),
        ("product_group", ["Products", "Listing applications", "Review queue"]),
    ],
)
def test_navigation_entries_per_role(role: str, labels: list[str], users: dict[str, Any]) -> None:
    response = client_for(users[role]).get("/")
    catalog_items = [
        str(item["label"])
        for item in response.context["nav_items"]
        if item["url"].startswith("/catalog/")
    ]
    assert catalog_items == labels


def test_history_table_shows_readable_actions_and_states(
    users: dict[str, Any], make_product: Any
) -> None:
    product = make_product(status=P.APPROVED, complete=True)
    client = client_for(users["product_group"])
    client.post(reverse("catalog:product-list-for-sale", args=[product.pk]))

    page = client.get(reverse("catalog:product-detail", args=[product.pk]))

    record = page.context["history"][0]
    assert (str(record.action_label), str(record.from_label), str(record.to_label)) == (
        "Listed for sale",
        "Approved",
        "Listed",
    )
    assert "<td>Listed for sale</td><td>Approved</td><td>Listed</td>" in page.content.decode()
