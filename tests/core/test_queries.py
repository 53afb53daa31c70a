"""`core.queries.one`: the row a unique condition finds, read without an ORDER BY."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Division
from core.queries import one

pytestmark = pytest.mark.django_db


def test_the_row_or_none_and_no_sort(division: Any) -> None:
    with CaptureQueriesContext(connection) as read:
        found = one(Division.objects.filter(pk=division.pk))
        missing = one(Division.objects.filter(pk=division.pk + 1000))

    assert found == division and missing is None
    assert len(read) == 2 and not any("ORDER BY" in q["sql"] for q in read.captured_queries)
