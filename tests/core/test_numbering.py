"""Document numbers (core.numbering): formats, per-scope counters, no gap after a rollback,
and gap-free under concurrent callers on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connections, transaction

from core.models import Division, DocumentSequence
from core.numbering import Series, document_number_next, series_register

TEST_SERIES = series_register(
    Series("TEST-DN", key="TDN-{division}-{year}", number="TDN-{division}-{year}-{value:05d}")
)


@pytest.fixture
def gq(db: Any) -> Division:
    return Division.objects.get_or_create(code="GQ", defaults={"name": "工起事业部"})[0]


def test_numbers_follow_the_series_format_and_restart_per_year(gq: Division) -> None:
    assert document_number_next(series="TEST-DN", division=gq, year=2026) == "TDN-GQ-2026-00001"
    assert document_number_next(series="TEST-DN", division=gq, year=2026) == "TDN-GQ-2026-00002"
    assert document_number_next(series="TEST-DN", division=gq, year=2027) == "TDN-GQ-2027-00001"


def test_the_orders_series_keep_their_formats(gq: Division) -> None:
    day = dt.date(2026, 3, 15)
    assert document_number_next(series="ORDER", division=gq, day=day) == "GQ-20260315-0001"
    assert document_number_next(series="SO", division=gq, year=2026) == "SO-GQ-2026-000001"
    assert document_number_next(series="CUSTOMER").startswith("C")


def test_an_existing_counter_carries_on(gq: Division) -> None:
    DocumentSequence.objects.create(key="SO-GQ-2026", last_value=41)

    assert document_number_next(series="SO", division=gq, year=2026) == "SO-GQ-2026-000042"


def test_a_rolled_back_caller_leaves_no_gap(gq: Division) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        document_number_next(series="TEST-DN", division=gq, year=2030)
        raise RuntimeError("the document could not be stored")

    assert document_number_next(series="TEST-DN", division=gq, year=2030) == "TDN-GQ-2030-00001"


def test_unknown_series_and_missing_scope_are_refused(gq: Division) -> None:
    with pytest.raises(ValueError, match="Unknown document series"):
        document_number_next(series="NOPE", division=gq, year=2026)
    with pytest.raises(ValueError, match="per division"):
        document_number_next(series="TEST-DN", year=2026)
    with pytest.raises(ValueError, match="daily"):
        document_number_next(series="ORDER", division=gq, year=2026)
    with pytest.raises(ValueError, match="already defined differently"):
        series_register(Series("TEST-DN", key="X", number="{value}"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_get_every_number_once_without_gaps() -> None:
    if connections["default"].vendor != "postgresql":
        pytest.skip("needs row locks and concurrent connections (PostgreSQL)")
    division = Division.objects.get_or_create(code="GQ", defaults={"name": "工起事业部"})[0]
    callers, rolled_back_every = 12, 3
    barrier = threading.Barrier(callers)
    kept: list[str] = []
    errors: list[BaseException] = []

    def call(index: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                number = document_number_next(series="TEST-DN", division=division, year=2031)
                if index % rolled_back_every == 0:
                    raise LookupError("this caller's document fails and rolls back")
            kept.append(number)
        except LookupError:
            pass
        except BaseException as error:  # the assertion below reports it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(i,)) for i in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    committed = callers - len(range(0, callers, rolled_back_every))
    assert sorted(kept) == [f"TDN-GQ-2031-{value:05d}" for value in range(1, committed + 1)]
    assert DocumentSequence.objects.get(key="TDN-GQ-2031").last_value == committed


@pytest.mark.django_db(transaction=True)
def test_a_number_drawn_outside_a_transaction_is_refused() -> None:
    division = Division.objects.create(code="GQ", name="工起事业部")

    with pytest.raises(RuntimeError, match="inside the transaction"):
        document_number_next(series="TEST-DN", division=division, year=2026)

    assert not DocumentSequence.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_counter_drawn_to_commit_early_turns_off_the_wait_for_its_transaction_only() -> None:
    """commit_early (the intake): the counter's own statement sets synchronous_commit off
    for its transaction — no statement of its own — and the next transaction waits again.
    Elsewhere than the outermost transaction on PostgreSQL it is not offered."""
    from django.db import connection

    from core.numbering import commit_early_available, commit_wait_durable

    division = Division.objects.get_or_create(code="GQ", defaults={"name": "工起事业部"})[0]

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return str(cursor.fetchone()[0])

    with transaction.atomic():
        early = commit_early_available()
        assert early is (connection.vendor == "postgresql")
        with transaction.atomic():  # a savepoint: not the transaction's own commit
            assert commit_early_available() is False
        if early:
            before = setting()
            document_number_next(series="TEST-DN", division=division, year=2026, commit_early=True)
            assert (before, setting()) == ("on", "off")
    if early:
        commit_wait_durable()
        assert setting() == "on"
        with transaction.atomic():
            document_number_next(series="TEST-DN", division=division, year=2026)
            assert setting() == "on"
    if early:
        assert DocumentSequence.objects.get(key="TDN-GQ-2026").last_value == 2


@pytest.mark.django_db(transaction=True)
def test_commit_now_commits_waits_and_leaves_django_nothing_to_do() -> None:
    """commit_now_wait_durable: the transaction is committed (another connection sees
    it) before the block ends, the on-commit callbacks still run once, and a COMMIT that
    fails (a deferred foreign key) raises Django's IntegrityError inside the block, which
    then exits with nothing stored and the connection usable."""
    from django.db import IntegrityError, connection

    from core.numbering import commit_early_available, commit_now_wait_durable

    if connection.vendor != "postgresql":
        pytest.skip("asynchronous commit and the WAL message are PostgreSQL's")
    division = Division.objects.get_or_create(code="GQ", defaults={"name": "工起事业部"})[0]
    ran: list[str] = []
    seen_by_other: list[bool] = []

    def other_connection_sees_it() -> None:
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM core_documentsequence WHERE key = 'TDN-GQ-2031'"
                )
                seen_by_other.append(cursor.fetchone()[0] == 1)
        finally:
            other.close()

    with transaction.atomic():
        assert commit_early_available()
        document_number_next(series="TEST-DN", division=division, year=2031, commit_early=True)
        transaction.on_commit(lambda: ran.append("callback"))
        assert commit_now_wait_durable() is True
        other_connection_sees_it()  # committed already, inside the block
        assert ran == []
    assert ran == ["callback"] and seen_by_other == [True]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"

    with pytest.raises(IntegrityError), transaction.atomic():
        assert commit_early_available()
        with connection.cursor() as cursor:  # a line of an order that does not exist
            cursor.execute(
                "INSERT INTO core_documentsequence (key, last_value) VALUES ('TDN-GQ-2032', 1)"
            )
            cursor.execute(
                "INSERT INTO orders_orderline (order_id, position, product_id, sku, name, unit, "
                "quantity, unit_price, vat_rate, amount) VALUES "
                "(987654321, 1, 987654321, 'X', 'x', '件', 1, 1, 0.13, 1)"
            )
        commit_now_wait_durable()
    assert not DocumentSequence.objects.filter(key="TDN-GQ-2032").exists()
    assert DocumentSequence.objects.get(key="TDN-GQ-2031").last_value == 1
