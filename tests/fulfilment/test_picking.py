"""Pick lists (waves): which notes a wave takes, the refusals naming the rule, the waves
page and the print action, scoping to the user's divisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditRecord
from fulfilment.exceptions import FulfilmentError, NotPermitted
from fulfilment.models import DeliveryNote, PickList
from fulfilment.services import delivery_note_create, delivery_note_mark_invoiced
from fulfilment.services.picking import pick_list_create, waves_for
from tests.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts(make_user: Any) -> Any:
    return make_user("parts_support", username="parts")


@pytest.fixture
def keeper(make_user: Any) -> Any:
    return make_user("warehouse", username="keeper")


@pytest.fixture
def note_for(confirmed: Any, stock: Any, product: Any, parts: Any) -> Any:
    """note_for(quantity=1, **order changes) → the delivery note of a new confirmed order,
    stock booked first so it is reserved (stock=False: it waits)."""

    def build(quantity: int = 1, *, with_stock: bool = True, **changes: Any) -> DeliveryNote:
        order = confirmed(quantity=quantity, **changes)
        if with_stock:
            stock(product, quantity, warehouse=order.warehouse)
        [note] = delivery_note_create(order=order, by=parts)
        return note

    return build


def _set_ship_by(note: DeliveryNote, day: dt.date) -> DeliveryNote:
    DeliveryNote.objects.filter(pk=note.pk).update(ship_by=day)
    note.refresh_from_db()
    return note


# --- the service -----------------------------------------------------------------------------
def test_day_wave_takes_the_reserved_and_invoiced_notes_of_that_day_and_warehouse(
    note_for: Any, keeper: Any, make_user: Any, warehouses: Any
) -> None:
    reserved, invoiced, later = note_for(), note_for(), note_for()
    waiting = note_for(with_stock=False)
    central = note_for(**{"ship_to.province": "新疆"})
    assert central.warehouse == warehouses["central"]
    day = reserved.ship_by
    delivery_note_mark_invoiced(note=invoiced, by=None, invoice_number="INV-9")
    _set_ship_by(later, day + dt.timedelta(days=1))
    _set_ship_by(waiting, day)
    _set_ship_by(central, day)

    pick_list = pick_list_create(warehouse=warehouses["main"], by=keeper, ship_by=day)

    assert set(pick_list.delivery_notes.all()) == {reserved, invoiced}
    assert pick_list.ship_by == day
    assert pick_list.printed_by == keeper
    today = timezone.localdate()
    assert pick_list.number == f"PL-GQ-{today:%Y%m%d}-01"
    audit = AuditRecord.objects.get(object_type="fulfilment.picklist", object_id=str(pick_list.pk))
    assert audit.action == "created"
    assert audit.actor == keeper
    assert audit.data["delivery_notes"] == sorted([reserved.number, invoiced.number])
    second = pick_list_create(warehouse=warehouses["main"], by=keeper, ship_by=day)
    assert second.number == f"PL-GQ-{today:%Y%m%d}-02"


def test_empty_wave_is_refused_naming_the_rule(
    note_for: Any, keeper: Any, warehouses: Any, english: Any
) -> None:
    note = note_for()
    empty_day = note.ship_by + dt.timedelta(days=3)
    with pytest.raises(FulfilmentError) as refused:
        pick_list_create(warehouse=warehouses["main"], by=keeper, ship_by=empty_day)
    assert refused.value.field == "notes"
    assert "at least one reserved or invoiced note" in str(refused.value)
    with pytest.raises(FulfilmentError) as refused:
        pick_list_create(warehouse=warehouses["main"], by=keeper, note_ids=[])
    assert refused.value.field == "notes"
    assert PickList.objects.count() == 0


def test_selection_takes_exactly_the_chosen_notes(
    note_for: Any, keeper: Any, warehouses: Any
) -> None:
    first, second, _third = note_for(), note_for(), note_for()
    _set_ship_by(second, first.ship_by + dt.timedelta(days=2))
    pick_list = pick_list_create(
        warehouse=warehouses["main"], by=keeper, note_ids=[first.pk, second.pk]
    )
    assert set(pick_list.delivery_notes.all()) == {first, second}
    assert pick_list.ship_by is None  # a selection across days
    same_day = pick_list_create(warehouse=warehouses["main"], by=keeper, note_ids=[first.pk])
    assert same_day.ship_by == first.ship_by


def test_selection_with_a_note_of_another_warehouse_is_refused(
    note_for: Any, keeper: Any, warehouses: Any, english: Any
) -> None:
    main = note_for()
    central = note_for(**{"ship_to.province": "新疆"})
    with pytest.raises(FulfilmentError) as refused:
        pick_list_create(warehouse=warehouses["main"], by=keeper, note_ids=[main.pk, central.pk])
    assert refused.value.field == "notes"
    assert central.number in str(refused.value)
    assert "one warehouse" in str(refused.value)
    assert PickList.objects.count() == 0


def test_selection_of_a_waiting_note_is_refused(
    note_for: Any, keeper: Any, warehouses: Any, english: Any
) -> None:
    waiting = note_for(with_stock=False)
    with pytest.raises(FulfilmentError) as refused:
        pick_list_create(warehouse=warehouses["main"], by=keeper, note_ids=[waiting.pk])
    assert waiting.number in str(refused.value)
    assert "reserved stock or invoiced" in str(refused.value)
    assert PickList.objects.count() == 0


def test_selection_of_a_note_the_user_cannot_see_is_refused(
    note_for: Any, make_user: Any, other_division: Any, warehouses: Any
) -> None:
    note = note_for()
    stranger = make_user("warehouse", divisions=[other_division])
    other = WarehouseFactory(division=other_division, kind="main", code="DQ-MAIN", name="总仓")
    with pytest.raises(FulfilmentError) as refused:
        pick_list_create(warehouse=other, by=stranger, note_ids=[note.pk])
    assert refused.value.field == "notes"
    with pytest.raises(NotPermitted):  # and not for GQ's warehouse either
        pick_list_create(warehouse=warehouses["main"], by=stranger, note_ids=[note.pk])
    assert PickList.objects.count() == 0


def test_a_role_without_the_permission_is_refused(
    note_for: Any, parts: Any, warehouses: Any
) -> None:
    note = note_for()
    with pytest.raises(NotPermitted):
        pick_list_create(warehouse=warehouses["main"], by=parts, ship_by=note.ship_by)
    assert PickList.objects.count() == 0


def test_waves_group_by_warehouse_and_day_including_overdue_and_printed_lists(
    note_for: Any, keeper: Any, make_user: Any, other_division: Any, warehouses: Any
) -> None:
    today = dt.date(2026, 11, 30)
    overdue = _set_ship_by(note_for(quantity=2), today - dt.timedelta(days=2))
    due_a = _set_ship_by(note_for(quantity=3), today)
    _set_ship_by(note_for(quantity=1), today)
    _set_ship_by(note_for(), today + dt.timedelta(days=1))  # tomorrow: not yet
    _set_ship_by(note_for(**{"ship_to.province": "新疆"}), today)
    printed = pick_list_create(warehouse=warehouses["main"], by=keeper, note_ids=[due_a.pk])

    waves = waves_for(user=keeper, day=today)

    summary = [
        (w["warehouse"].code, w["ship_by"], w["notes"], w["units"], w["overdue"]) for w in waves
    ]
    assert summary == [
        ("GQ-MAIN", overdue.ship_by, 1, 2, True),
        ("GQ-CENTRAL", today, 1, 1, False),
        ("GQ-MAIN", today, 2, 4, False),
    ]
    assert [w["pick_lists"] for w in waves] == [[], [], [printed]]
    stranger = make_user("warehouse", divisions=[other_division])
    assert waves_for(user=stranger, day=today) == []


# --- the pages -------------------------------------------------------------------------------
def test_waves_page_shows_todays_waves_to_the_warehouse(
    client: Any, note_for: Any, keeper: Any, django_assert_max_num_queries: Any
) -> None:
    note = _set_ship_by(note_for(), timezone.localdate())
    client.force_login(keeper)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("fulfilment:waves"))
    assert response.status_code == 200
    body = response.content.decode()
    assert note.number in body
    assert reverse("fulfilment:wave-print") in body
    assert reverse("fulfilment:packing-slip-pdf", args=[note.pk]) in body


def test_waves_page_is_closed_to_roles_without_pick_lists(client: Any, make_user: Any) -> None:
    client.force_login(make_user("sales_rep"))
    assert client.get(reverse("fulfilment:waves")).status_code == 403


def test_printing_a_wave_stores_the_pick_list_and_shows_its_pdf(
    client: Any, note_for: Any, keeper: Any, warehouses: Any
) -> None:
    note = note_for()
    client.force_login(keeper)
    response = client.post(
        reverse("fulfilment:wave-print"),
        {"warehouse": warehouses["main"].pk, "ship_by": note.ship_by.isoformat()},
    )
    pick_list = PickList.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("fulfilment:pick-list-pdf", args=[pick_list.pk])
    assert list(pick_list.delivery_notes.all()) == [note]
    pdf = client.get(response["Location"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'inline; filename="{pick_list.number}.pdf"'
    assert pdf.content.startswith(b"%PDF")
    again = client.get(response["Location"])  # reprinting is allowed
    assert again.status_code == 200
    assert PickList.objects.count() == 1


def test_printing_a_selection_prints_the_chosen_notes(
    client: Any, note_for: Any, keeper: Any, warehouses: Any
) -> None:
    first, _second = note_for(), note_for()
    client.force_login(keeper)
    response = client.post(
        reverse("fulfilment:wave-print"),
        {"warehouse": warehouses["main"].pk, "mode": "selection", "notes": [first.pk]},
    )
    assert response.status_code == 302
    assert list(PickList.objects.get().delivery_notes.all()) == [first]


def test_a_refused_wave_comes_back_as_a_message_on_the_waves_page(
    client: Any, note_for: Any, keeper: Any, warehouses: Any, english: Any
) -> None:
    main = note_for()
    central = note_for(**{"ship_to.province": "新疆"})
    keeper.language = "en"
    keeper.save(update_fields=["language"])
    client.force_login(keeper)
    response = client.post(
        reverse("fulfilment:wave-print"),
        {"warehouse": warehouses["main"].pk, "mode": "selection", "notes": [main.pk, central.pk]},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("fulfilment:waves"), 302)]
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and central.number in messages[0]
    empty = client.post(
        reverse("fulfilment:wave-print"),
        {"warehouse": warehouses["main"].pk, "mode": "selection"},
        follow=True,
    )
    assert "Select at least one delivery note" in empty.content.decode()
    assert PickList.objects.count() == 0


def test_printing_needs_the_pick_list_permission(
    client: Any, note_for: Any, parts: Any, warehouses: Any
) -> None:
    note = note_for()
    client.force_login(parts)
    response = client.post(
        reverse("fulfilment:wave-print"),
        {"warehouse": warehouses["main"].pk, "ship_by": note.ship_by.isoformat()},
    )
    assert response.status_code == 302
    assert PickList.objects.count() == 0


def test_a_warehouse_of_another_division_is_not_found(
    client: Any, note_for: Any, make_user: Any, other_division: Any, warehouses: Any
) -> None:
    note = note_for()
    client.force_login(make_user("warehouse", divisions=[other_division]))
    response = client.post(
        reverse("fulfilment:wave-print"),
        {"warehouse": warehouses["main"].pk, "ship_by": note.ship_by.isoformat()},
    )
    assert response.status_code == 404
    assert PickList.objects.count() == 0
