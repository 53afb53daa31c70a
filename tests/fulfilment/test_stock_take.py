"""The weekly stock take: the count sheet, counting, submission, approval posting the
variances (against the current on hand, never into reserved stock), once only."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from catalog.models import ProductBin
from core.models import AuditRecord, Notification
from core.working_calendar import to_local
from fulfilment.exceptions import FulfilmentError, NotPermitted
from fulfilment.models import StockLevel, StockMove, StockTake
from fulfilment.services import delivery_note_create
from fulfilment.services.stock_take import (
    StockTakeCountErrors,
    stock_take_approve,
    stock_take_cancel,
    stock_take_count,
    stock_take_open,
    stock_take_reopen,
    stock_take_submit,
    stock_take_weekly_run,
)
from fulfilment.tasks import stock_take_weekly_task
from tests.factories import WarehouseFactory
from tests.fulfilment.conftest import level_of
from tests.orders.factories import ListedProductFactory

pytestmark = pytest.mark.django_db


def _this_monday() -> dt.date:
    today = to_local(timezone.now()).date()
    return today - dt.timedelta(days=today.weekday())


def _line(stock_take: StockTake, product: Any) -> Any:
    return stock_take.lines.get(product=product)


def _ledger_sum(product: Any, warehouse: Any) -> int:
    moves = StockMove.objects.filter(product=product, warehouse=warehouse)
    return moves.aggregate(total=Sum("quantity"))["total"] or 0


@pytest.fixture
def sheet(stock: Any, product: Any, second_product: Any, warehouses: Any) -> StockTake:
    """GQ-MAIN: SKU-A 5 on hand in bin B-02, SKU-B no stock row but bin A-01."""
    stock(product, 5)
    ProductBin.objects.create(product=product, warehouse=warehouses["main"], bin_code="B-02")
    ProductBin.objects.create(product=second_product, warehouse=warehouses["main"], bin_code="A-01")
    return stock_take_open(warehouse=warehouses["main"])


@pytest.fixture
def lead(make_user: Any) -> Any:
    return make_user("logistics_lead", username="lead")


@pytest.fixture
def keeper(make_user: Any) -> Any:
    return make_user("warehouse", username="keeper")


def _counted_and_submitted(sheet: StockTake, by: Any, counts: dict[Any, int]) -> StockTake:
    stock_take_count(
        stock_take=sheet, by=by, counts={_line(sheet, p).pk: q for p, q in counts.items()}
    )
    return stock_take_submit(stock_take=sheet, by=by)


# --- the sheet ---------------------------------------------------------------------------------
def test_sheet_has_a_line_per_product_kept_with_its_book_quantity_and_bin(
    sheet: StockTake, stock: Any, product: Any, second_product: Any, warehouses: Any
) -> None:
    elsewhere = ListedProductFactory(sku="SKU-C", division=product.division)
    stock(elsewhere, 9, warehouse=warehouses["central"])

    assert sheet.number.startswith(f"PD-GQ-{to_local(timezone.now()).year}-")
    assert sheet.week == _this_monday()
    assert sheet.status == StockTake.Status.OPEN
    assert [
        (ln.product.sku, ln.bin_code, ln.expected, ln.counted)
        for ln in sheet.lines.order_by("bin_code")
    ] == [("SKU-B", "A-01", 0, None), ("SKU-A", "B-02", 5, None)]
    assert AuditRecord.objects.filter(
        object_type="fulfilment.stocktake", object_id=str(sheet.pk), action="opened"
    ).exists()


def test_a_second_sheet_for_the_same_week_is_refused_until_the_first_is_cancelled(
    sheet: StockTake, warehouses: Any, keeper: Any, english: Any
) -> None:
    with pytest.raises(FulfilmentError, match=f"week of {_this_monday().isoformat()}"):
        stock_take_open(warehouse=warehouses["main"], week=_this_monday() + dt.timedelta(days=3))
    assert StockTake.objects.count() == 1

    stock_take_cancel(stock_take=sheet, by=keeper, reason="wrong day")
    again = stock_take_open(warehouse=warehouses["main"], by=keeper)
    assert again.pk != sheet.pk and again.week == sheet.week
    assert StockTake.objects.get(pk=sheet.pk).status == StockTake.Status.CANCELLED


def test_the_weekly_run_twice_opens_one_sheet_per_warehouse_and_tells_the_warehouse(
    warehouses: Any, keeper: Any, make_user: Any, other_division: Any
) -> None:
    foreign_keeper = make_user("warehouse", divisions=[other_division], username="foreign")
    monday_morning = timezone.make_aware(dt.datetime.combine(_this_monday(), dt.time(7, 30)))

    opened = stock_take_weekly_run(now=monday_morning)
    assert stock_take_weekly_task() == 0  # the beat job again (late, or twice): nothing new
    assert stock_take_weekly_run(now=monday_morning + dt.timedelta(days=2)) == []

    assert sorted(t.warehouse.code for t in opened) == ["GQ-CENTRAL", "GQ-MAIN"]
    assert StockTake.objects.filter(week=_this_monday()).count() == 2
    assert Notification.objects.filter(recipient=keeper, topic="stock_take").count() == 2
    assert not Notification.objects.filter(recipient=foreign_keeper).exists()


def test_the_weekly_task_opens_this_weeks_sheets(warehouses: Any) -> None:
    assert stock_take_weekly_task() == 2
    assert set(StockTake.objects.values_list("week", flat=True)) == {_this_monday()}


# --- counting -----------------------------------------------------------------------------------
def test_counts_out_of_range_or_not_whole_are_refused_naming_each_field(
    sheet: StockTake, product: Any, second_product: Any, keeper: Any, english: Any
) -> None:
    a, b = _line(sheet, product), _line(sheet, second_product)
    with pytest.raises(StockTakeCountErrors) as refusal:
        stock_take_count(stock_take=sheet, by=keeper, counts={a.pk: -1, b.pk: 10_000_001})
    assert refusal.value.errors == {
        f"count_{a.pk}": "A count cannot be negative; enter 0 or more.",
        f"count_{b.pk}": "At most 10,000,000 can be counted on one line.",
    }
    with pytest.raises(StockTakeCountErrors) as refusal:
        stock_take_count(stock_take=sheet, by=keeper, counts={a.pk: "+-5", b.pk: "1.5"})
    assert set(refusal.value.errors) == {f"count_{a.pk}", f"count_{b.pk}"}
    assert list(sheet.lines.values_list("counted", flat=True)) == [None, None]  # nothing saved

    stock_take_count(stock_take=sheet, by=keeper, counts={a.pk: 10_000_000, b.pk: 0})
    stock_take_count(stock_take=sheet, by=keeper, counts={a.pk: None})
    assert (_line(sheet, product).counted, _line(sheet, second_product).counted) == (None, 0)


def test_counting_needs_the_warehouse_role(sheet: StockTake, make_user: Any) -> None:
    rep = make_user("sales_rep")
    with pytest.raises(NotPermitted):
        stock_take_count(stock_take=sheet, by=rep, counts={sheet.lines.get(bin_code="A-01").pk: 1})


def test_submit_with_lines_not_counted_is_refused_with_how_many(
    sheet: StockTake, product: Any, keeper: Any, english: Any
) -> None:
    stock_take_count(stock_take=sheet, by=keeper, counts={_line(sheet, product).pk: 5})
    with pytest.raises(FulfilmentError, match="1 of 2 lines are not counted"):
        stock_take_submit(stock_take=sheet, by=keeper)
    assert StockTake.objects.get(pk=sheet.pk).status == StockTake.Status.OPEN


# --- approving ---------------------------------------------------------------------------------
def test_the_warehouse_role_may_not_approve(
    sheet: StockTake, product: Any, second_product: Any, keeper: Any, warehouses: Any
) -> None:
    _counted_and_submitted(sheet, keeper, {product: 3, second_product: 1})
    with pytest.raises(NotPermitted):
        stock_take_approve(stock_take=sheet, by=keeper)
    assert StockTake.objects.get(pk=sheet.pk).status == StockTake.Status.SUBMITTED
    assert not StockMove.objects.filter(kind=StockMove.Kind.STOCK_TAKE).exists()


def test_the_lead_approves_and_each_variance_posts_one_move(
    sheet: StockTake, product: Any, second_product: Any, keeper: Any, lead: Any, warehouses: Any
) -> None:
    main = warehouses["main"]
    _counted_and_submitted(sheet, keeper, {product: 3, second_product: 2})
    assert Notification.objects.filter(recipient=lead, topic="stock_take").count() == 1

    moves = stock_take_approve(stock_take=sheet, by=lead)

    assert sorted((m.product.sku, m.quantity) for m in moves) == [("SKU-A", -2), ("SKU-B", 2)]
    assert {(m.kind, m.document, m.note) for m in moves} == {
        (StockMove.Kind.STOCK_TAKE, sheet.number, "stock take")
    }
    for item, on_hand in ((product, 3), (second_product, 2)):
        assert level_of(item, main).on_hand == on_hand == _ledger_sum(item, main)
    posted = StockTake.objects.get(pk=sheet.pk)
    assert (posted.status, posted.approved_by) == (StockTake.Status.POSTED, lead)
    assert list(
        AuditRecord.objects.filter(object_type="fulfilment.stocktake")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["opened", "counted", "submitted", "posted"]


def test_a_line_without_variance_posts_no_move(
    sheet: StockTake, product: Any, second_product: Any, keeper: Any, lead: Any
) -> None:
    _counted_and_submitted(sheet, keeper, {product: 5, second_product: 0})
    assert stock_take_approve(stock_take=sheet, by=lead) == []
    assert StockTake.objects.get(pk=sheet.pk).status == StockTake.Status.POSTED


def test_posting_twice_is_refused(
    sheet: StockTake, product: Any, second_product: Any, keeper: Any, lead: Any, english: Any
) -> None:
    stale = StockTake.objects.get(pk=sheet.pk)
    _counted_and_submitted(sheet, keeper, {product: 4, second_product: 0})
    stock_take_approve(stock_take=sheet, by=lead)
    with pytest.raises(FulfilmentError, match="already posted"):
        stock_take_approve(stock_take=stale, by=lead)
    assert StockMove.objects.filter(kind=StockMove.Kind.STOCK_TAKE).count() == 1


def test_a_shortfall_that_would_cut_into_reserved_stock_is_refused_naming_the_sku(
    sheet: StockTake,
    product: Any,
    second_product: Any,
    keeper: Any,
    lead: Any,
    confirmed: Any,
    make_user: Any,
    warehouses: Any,
    english: Any,
) -> None:
    delivery_note_create(order=confirmed(quantity=4), by=make_user("parts_support"))
    _counted_and_submitted(sheet, keeper, {product: 2, second_product: 1})  # 5 → 2, 4 reserved

    with pytest.raises(FulfilmentError, match="SKU-A: .* 4 of them reserved"):
        stock_take_approve(stock_take=sheet, by=lead)

    level = level_of(product, warehouses["main"])
    assert (level.on_hand, level.reserved) == (5, 4)
    assert not StockMove.objects.filter(kind=StockMove.Kind.STOCK_TAKE).exists()
    assert not StockLevel.objects.filter(product=second_product, on_hand__gt=0).exists()
    assert StockTake.objects.get(pk=sheet.pk).status == StockTake.Status.SUBMITTED


def test_stock_moved_while_counting_stays_accounted(
    sheet: StockTake,
    stock: Any,
    product: Any,
    second_product: Any,
    keeper: Any,
    lead: Any,
    warehouses: Any,
) -> None:
    stock(product, 3)  # received after the sheet was opened: 8 on hand, book quantity 5
    _counted_and_submitted(sheet, keeper, {product: 4, second_product: 0})  # one unit missing

    stock_take_approve(stock_take=sheet, by=lead)

    level = level_of(product, warehouses["main"])
    assert level.on_hand == 7 == _ledger_sum(product, warehouses["main"])


def test_the_lead_sends_a_sheet_back_to_recount(
    sheet: StockTake, product: Any, second_product: Any, keeper: Any, lead: Any
) -> None:
    _counted_and_submitted(sheet, keeper, {product: 1, second_product: 0})
    stock_take_reopen(stock_take=sheet, by=lead, note="Recount bin B-02")
    reopened = StockTake.objects.get(pk=sheet.pk)
    assert (reopened.status, reopened.submitted_at) == (StockTake.Status.OPEN, None)
    assert Notification.objects.filter(recipient=keeper, body="Recount bin B-02").exists()
    stock_take_count(stock_take=sheet, by=keeper, counts={_line(sheet, product).pk: 5})
    assert _line(sheet, product).counted == 5


# --- pages --------------------------------------------------------------------------------------
def test_the_count_page_is_a_tablet_form_for_the_warehouse(
    client: Any, sheet: StockTake, keeper: Any
) -> None:
    client.force_login(keeper)
    response = client.get(reverse("fulfilment:stock-take-detail", args=[sheet.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'inputmode="numeric"' in html and 'min="0"' in html
    assert html.index("A-01") < html.index("B-02")  # sorted by bin
    assert "fulfilment/stock_take.css" in html


def test_the_count_page_is_not_found_for_another_division(
    client: Any, sheet: StockTake, make_user: Any, other_division: Any
) -> None:
    client.force_login(make_user("warehouse", divisions=[other_division], username="foreign"))
    response = client.get(reverse("fulfilment:stock-take-detail", args=[sheet.pk]))
    assert response.status_code == 404
    response = client.post(reverse("fulfilment:stock-take-approve", args=[sheet.pk]))
    assert response.status_code == 404


def test_bad_counts_on_the_page_are_shown_at_their_rows_and_kept(
    client: Any, sheet: StockTake, product: Any, second_product: Any, keeper: Any, english: Any
) -> None:
    a, b = _line(sheet, product), _line(sheet, second_product)
    keeper.language = "en"
    keeper.save(update_fields=["language"])
    client.force_login(keeper)
    url = reverse("fulfilment:stock-take-detail", args=[sheet.pk])

    response = client.post(url, {f"count_{a.pk}": "abc", f"count_{b.pk}": "-1"})

    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="count_{a.pk}-error">Enter a whole number of 0 or more.' in html
    assert f'id="count_{b.pk}-error">A count cannot be negative' in html
    assert 'value="abc"' in html and 'value="-1"' in html
    assert list(sheet.lines.values_list("counted", flat=True)) == [None, None]

    response = client.post(url, {f"count_{a.pk}": "10000001", f"count_{b.pk}": "7"})
    assert response.status_code == 422
    assert f'id="count_{a.pk}-error">At most 10,000,000' in response.content.decode()
    assert _line(sheet, second_product).counted is None


def test_counts_saved_then_submitted_and_approved_through_the_pages(
    client: Any,
    sheet: StockTake,
    product: Any,
    second_product: Any,
    keeper: Any,
    lead: Any,
    warehouses: Any,
) -> None:
    a, b = _line(sheet, product), _line(sheet, second_product)
    client.force_login(keeper)
    detail = reverse("fulfilment:stock-take-detail", args=[sheet.pk])
    response = client.post(detail, {f"count_{a.pk}": " 6 ", f"count_{b.pk}": "0"})
    assert response.status_code == 302 and response.url == detail
    assert "+1" in client.get(detail).content.decode()  # the variance after saving
    response = client.post(reverse("fulfilment:stock-take-submit", args=[sheet.pk]))
    assert response.status_code == 302
    refused = client.post(reverse("fulfilment:stock-take-approve", args=[sheet.pk]), follow=True)
    assert StockTake.objects.get(pk=sheet.pk).status == StockTake.Status.SUBMITTED
    assert refused.status_code == 200

    client.force_login(lead)
    response = client.post(reverse("fulfilment:stock-take-approve", args=[sheet.pk]))
    assert response.status_code == 302 and response.url == detail
    assert StockTake.objects.get(pk=sheet.pk).status == StockTake.Status.POSTED
    assert level_of(product, warehouses["main"]).on_hand == 6


def test_the_list_opens_this_weeks_sheet(
    client: Any, keeper: Any, warehouses: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(keeper)
    response = client.post(
        reverse("fulfilment:stock-take-open"), {"warehouse": warehouses["central"].pk}
    )
    take = StockTake.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("fulfilment:stock-take-detail", args=[take.pk])
    with django_assert_max_num_queries(15):
        page = client.get(reverse("fulfilment:stock-take-list"))
    assert page.status_code == 200 and take.number in page.content.decode()
    assert 'data-testid="open-GQ-MAIN"' in page.content.decode()


def test_opening_for_a_warehouse_of_another_division_is_not_found(
    client: Any, keeper: Any, other_division: Any
) -> None:
    foreign: Any = WarehouseFactory(division=other_division, kind="main", code="DQ-MAIN")
    client.force_login(keeper)
    response = client.post(reverse("fulfilment:stock-take-open"), {"warehouse": foreign.pk})
    assert response.status_code == 404
    assert not StockTake.objects.exists()


# --- concurrency (PostgreSQL) -------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_approvals_at_once_post_once(
    sheet: StockTake, product: Any, second_product: Any, keeper: Any, lead: Any, warehouses: Any
) -> None:
    _counted_and_submitted(sheet, keeper, {product: 2, second_product: 3})
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []

    def approve() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(
                stock_take_approve(stock_take=StockTake.objects.get(pk=sheet.pk), by=lead)
            )
        except Exception as error:  # the test inspects it
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    posted = [o for o in outcomes if isinstance(o, list)]
    refused = [o for o in outcomes if isinstance(o, FulfilmentError)]
    assert (len(posted), len(refused)) == (1, 1), outcomes
    assert StockMove.objects.filter(kind=StockMove.Kind.STOCK_TAKE).count() == 2
    for item, on_hand in ((product, 2), (second_product, 3)):
        assert level_of(item, warehouses["main"]).on_hand == on_hand
        assert _ledger_sum(item, warehouses["main"]) == on_hand
