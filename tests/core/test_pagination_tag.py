"""`{% pagination %}` (includes/_pagination.html) writes the HTML of the template it
replaced, for every kind of page — one page only, first, middle and last of a counted list,
first, middle and last of a capped one ("more than 10,000") —, with and without the list's
filters (escaped), in both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.utils import translation

from core.pagination import LAST, CappedPage, CappedPaginator

# templates/includes/_pagination.html before the tag
BEFORE = Template((Path(__file__).parent / "pagination_template.html").read_text())
NOW = Template('{% include "includes/_pagination.html" %}')


def _contexts() -> list[dict[str, Any]]:
    contexts = []
    for count in (1, 30, 51, 2_000):
        paginator = Paginator(list(range(count)), 25)
        for number in sorted({1, 2, paginator.num_pages}):
            if number <= paginator.num_pages:
                page = paginator.page(number)
                contexts.append(
                    {"paginator": paginator, "page_obj": page, "is_paginated": count > 25}
                )

    class Capped(CappedPaginator):
        cap = 40

    capped = Capped(list(range(100)), 10)
    assert capped.capped
    last = CappedPage(list(range(90, 100)), LAST, capped, more=False)
    for page in (capped.page(1), capped.page(2), last):
        contexts.append({"paginator": capped, "page_obj": page, "is_paginated": True})
    return contexts


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "query_string", ["", "status=received&status=identified", "q=%3Cb%3E&x='\""]
)
def test_the_tag_writes_the_templates_html(language: str, query_string: str) -> None:
    with translation.override(language):
        for context in _contexts():
            context["query_string"] = query_string
            assert NOW.render(Context(context)) == BEFORE.render(Context(context)), context
    written = NOW.render(Context({**_contexts()[-2], "query_string": "a=1&b=<"}))
    assert 'href="?a=1&amp;b=&lt;&amp;page=3"' in written


def test_nothing_but_a_line_for_a_single_page() -> None:
    paginator = Paginator([1, 2], 25)
    context = {"paginator": paginator, "page_obj": paginator.page(1), "is_paginated": False}
    assert NOW.render(Context(context)) == "\n" == BEFORE.render(Context(context))
