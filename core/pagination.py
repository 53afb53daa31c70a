"""A paginator for the big lists (a year of orders, delivery notes, shipments).

Django's Paginator counts every row to number the pages; with hundreds of thousands of rows
the count, and the OFFSET of the last pages, cost more than the page itself. The capped
paginator counts at most `cap` + 1 rows: up to the cap it is Django's paginator; beyond it
the list says "more than 10,000", a page holds `per_page` rows read with one row more (so
"next" is known without a count), and the last page (`?page=last`) is read backwards — the
reversed ordering from its start, which the same index serves — instead of skipping every
row before it.

The list's filters are compiled once per page (compiling a year's list with its filters
costs more than running it): the statement of the list's ids, compiled once, is the count's
subquery (`LIMIT cap + 1`) and, with the page's `LIMIT`/`OFFSET`, the subquery that picks the
page's rows — still two statements, the count and the rows. The rows' statement around
those ids (the list's related rows, its columns, its ordering; not its filters again) is the
same for every page and filter of a list: it is compiled once per process
(`core.queries.rows_by_ids`), and lists it cannot read so go through the ORM.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .queries import Fixed, compiled, compiled_count, rows_by_ids

CAP = 10_000
# The number a capped list gives its last page: ListView turns `?page=last` into
# `paginator.num_pages`, and `page()` reads this number backwards.
LAST = 10**9


class CappedPage(Page):
    """A page of a capped list: it knows whether a next page exists from its extra row;
    the last page (read backwards) has no number."""

    def __init__(
        self, object_list: Sequence[Any], number: int, paginator: Any, *, more: bool
    ) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    @property
    def is_last(self) -> bool:
        return self.number == LAST

    def has_next(self) -> bool:
        return self.more and not self.is_last

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        if self.is_last:
            raise EmptyPage("The last page of a long list has no number.")
        return self.number - 1

    def start_index(self) -> int:
        return 0 if self.is_last else (self.number - 1) * self.paginator.per_page + 1

    def end_index(self) -> int:
        return 0 if self.is_last else self.start_index() + len(self.object_list) - 1


class CappedPaginator(Paginator):
    """`annotate`: a plain function giving the annotations each row of a page carries and
    the list's filters and order do not need (a note's units): added to the page's
    statement only, kept with it (`rows_by_ids`) — the list's queryset has none."""

    cap = CAP

    def __init__(
        self,
        object_list: Any,
        per_page: int | str,
        *args: Any,
        annotate: Callable[[], dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.annotate = annotate

    def _annotated(self, rows: Any) -> Any:
        if self.annotate is None or not hasattr(rows, "annotate"):
            return rows
        return rows.annotate(**self.annotate())

    @cached_property
    def _ids(self) -> tuple[str, tuple[Any, ...], str] | None:
        """The list's ids in the list's order, compiled once: (SQL, parameters, database);
        None for a list that is not an unsliced queryset, ("", (), db) for one that can
        match nothing."""
        object_list: Any = self.object_list
        if not hasattr(object_list, "query") or object_list.query.is_sliced:
            return None
        ids = object_list.values_list("pk", flat=True)
        try:
            sql, params = ids.query.get_compiler(ids.db).as_sql()
        except EmptyResultSet:
            return "", (), ids.db
        return sql, tuple(params), ids.db

    @cached_property
    def count(self) -> int:
        """The rows, counted up to `cap` + 1 (`capped` says whether there are more)."""
        object_list: Any = self.object_list
        compiled = self._ids
        if compiled is not None:
            sql, params, db = compiled
            if not sql:
                return 0
            # ordered as listed: the index that serves the list serves the count
            # Django's compiled statement (values as parameters) and an integer
            counting = f"SELECT COUNT(*) FROM ({sql} LIMIT {int(self.cap) + 1}) capped"  # noqa: S608
            with connections[db].cursor() as cursor:
                cursor.execute(counting, params)
                return min(int(cursor.fetchone()[0]), self.cap + 1)
        if hasattr(object_list, "query"):
            return min(int(object_list.count()), self.cap + 1)
        return min(len(object_list), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return LAST
        return super().num_pages

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if number < 1 or number > LAST:
            raise EmptyPage("That page number is out of range")
        return number

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if not self.capped:
            bottom = (number - 1) * self.per_page
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return Page(self._slice(bottom, top), number, self)
        if number == LAST:
            return CappedPage(self._last_rows(), LAST, self, more=False)
        bottom = (number - 1) * self.per_page
        rows = list(self._slice(bottom, bottom + self.per_page + 1))
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def _slice(self, bottom: int, top: int) -> Any:
        """The rows from `bottom` to `top`: the page's ids are picked first (an index-only
        scan skips the rows before the page, and the rows after it are never joined) and
        only the page's rows are read and joined; the statement stays one, and the ids'
        subquery is the statement compiled for the count."""
        object_list: Any = self.object_list
        compiled = self._ids
        if compiled is None:
            return self._annotated(object_list)[bottom:top]
        sql, params, _db = compiled
        if not sql or top <= bottom:
            return object_list.none()
        # Django's compiled statement (values as parameters) and two integers
        page_sql = f"{sql} LIMIT {int(top - bottom)} OFFSET {int(bottom)}"
        rows = rows_by_ids(object_list, page_sql, params, self.annotate)
        if rows is not None:
            return rows
        return self._annotated(object_list).filter(pk__in=RawSQL(page_sql, params))  # noqa: S611

    def _last_rows(self) -> list[Any]:
        """The last `per_page` rows in the list's order: their ids read backwards (the
        reversed ordering from its start, which the same index serves), the rows around
        them through the statement every page of the list shares (`rows_by_ids`)."""
        backwards: Any = self.object_list.reverse()  # type: ignore[attr-defined]
        ids = backwards.values_list("pk", flat=True)
        try:
            sql, params = ids.query.get_compiler(ids.db).as_sql()
        except EmptyResultSet:
            return []
        last = f"{sql} LIMIT {int(self.per_page)}"
        rows = rows_by_ids(self.object_list, last, params, self.annotate)  # type: ignore[arg-type]
        if rows is not None:
            return rows
        return list(self._annotated(backwards)[: self.per_page])[::-1]

    @property
    def pages_known(self) -> int | None:
        """The number of pages when the count is exact (templates: "Page 3 of 7")."""
        return None if self.capped else math.ceil(self.count / self.per_page) or 1


class KeptRows:
    """A short list's rows for Django's Paginator as kept statements (core.queries): its
    count and each page of `build(*values)` compiled once per process — and per page's
    bounds, a page being a statement of its own (LIMIT/OFFSET are written into Django's
    text). For the lists that read every row with a small count (the notes to invoice, the
    settlements, the daily closes), where compiling the list's statement, filters and all,
    twice per request cost more than running it. `build` is a plain function of `values`
    (core.queries.compiled's rules)."""

    ordered = True  # Paginator's check: the builds order their rows

    def __init__(
        self,
        build: Callable[..., QuerySet[Any]],
        *values: Any,
        counted: tuple[Callable[..., QuerySet[Any]], tuple[Any, ...]] | None = None,
    ) -> None:
        """`counted`: the build and values to count with, when a value of the rows' is not
        part of the count's statement (an annotation the count leaves out: a statement
        kept must use every value it is given)."""
        for function in (build, counted[0] if counted else None):
            if getattr(function, "__closure__", None):
                name = getattr(function, "__qualname__", "")
                raise TypeError(f"{name}: KeptRows takes no closure (values only)")
        self.build, self.values = build, values
        self.counted = counted or (build, values)

    def count(self) -> int:
        build, values = self.counted
        return compiled_count(build, *values)

    def __getitem__(self, bounds: slice) -> list[Any]:
        if not isinstance(bounds, slice) or bounds.step is not None:
            raise TypeError("KeptRows: a page's bounds only (rows[bottom:top])")
        start, stop = Fixed(bounds.start or 0), Fixed(bounds.stop)
        return compiled(_page_of, Fixed(self.build), start, stop, *self.values)


def _page_of(
    build: Callable[..., QuerySet[Any]], start: int, stop: int | None, *values: Any
) -> Any:
    return build(*values)[start:stop]
