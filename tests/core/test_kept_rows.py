"""`core.pagination.KeptRows`: a short list for Django's Paginator whose count and pages
are kept statements (core.queries), with the ORM's pages."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from core.audit import audit_record
from core.models import AuditRecord
from core.pagination import KeptRows

pytestmark = pytest.mark.django_db


def _of(kinds: tuple[str, ...] | None) -> QuerySet[AuditRecord]:
    found = AuditRecord.objects.select_related("actor")
    if kinds is not None:
        found = found.filter(object_type__in=kinds)
    return found.order_by("object_id", "pk")


@pytest.fixture
def many(division: Any, make_user: Any) -> list[AuditRecord]:
    actor = make_user("sales_rep")
    return [
        audit_record(obj=division if i % 3 else actor, action=f"a{i}", by=actor if i % 2 else None)
        for i in range(11)
    ]


def test_pages_and_counts_are_the_orms(many: list[AuditRecord]) -> None:
    for scope in (None, ("core.division",), ()):
        kept, orm = Paginator(KeptRows(_of, scope), 4), Paginator(_of(scope), 4)
        assert kept.count == orm.count and kept.num_pages == orm.num_pages
        for number in kept.page_range:
            got, expected = kept.page(number), orm.page(number)
            assert [w.pk for w in got] == [w.pk for w in expected]
            assert [r.actor for r in got] == [r.actor for r in expected]
            assert got.has_next() == expected.has_next()


def test_compiled_once_per_process_and_page(many: list[AuditRecord]) -> None:
    Paginator(KeptRows(_of, ("core.division",)), 4).page(1)
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql):
        with CaptureQueriesContext(connection) as read:
            page = Paginator(KeptRows(_of, ("core.user",)), 4).page(1)  # another value
        assert SQLCompiler.as_sql.call_count == 0  # type: ignore[attr-defined]
    assert len(read) == 2 and len(page) == 4  # the count and the page


def test_closures_and_steps_are_refused(division: Any) -> None:
    def closure(kinds: tuple[str, ...] | None) -> QuerySet[AuditRecord]:
        return _of((str(division.pk),))

    with pytest.raises(TypeError, match="closure"):
        KeptRows(closure, None)
    with pytest.raises(TypeError, match="bounds"):
        KeptRows(_of, None)[0:4:2]
