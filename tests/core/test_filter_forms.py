"""The list pages' filter forms written from includes/_filter_fields.html are the HTML of
the loop each page had (`<div>` label and widget per field), and kept per process
(RenderingKept): for the empty form, chosen values, hostile text and a value refused, in
both languages."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

pytestmark = pytest.mark.django_db

LOOP = Template("{% for field in form %}<div>{{ field.label_tag }}{{ field }}</div>{% endfor %}")


def _forms(
    make_user: Any, warehouses: Any
) -> list[tuple[Any, dict[str, Any], list[dict[str, str]]]]:
    from billing.views.daily_close import CloseFilterForm
    from fulfilment.views.notes import NoteFilterForm, QueueFilterForm
    from returns.forms import ReturnFilterForm

    hostile = '<b>"x"&\'</b>'
    main = str(warehouses["main"].pk)
    return [
        (ReturnFilterForm, {}, [{"q": hostile, "status": "closed", "mine": "on"}]),
        (QueueFilterForm, {"user": make_user("parts_support")}, [{"warehouse": main}]),
        (NoteFilterForm, {}, [{"q": hostile, "ship_by": "2026-13-45"}]),
        (
            CloseFilterForm,
            {"user": make_user("division_finance")},
            [{"status": "open", "date_from": "2026-11-01"}, {"division": "999999"}],
        ),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_filter_forms_are_the_loops_html_and_kept(
    make_user: Any, warehouses: Any, language: str
) -> None:
    with translation.override(language):
        for form_class, kwargs, data_sets in _forms(make_user, warehouses):
            for data in (None, *data_sets):
                form = form_class(data, **kwargs)
                form.is_valid()
                written = str(form)
                assert written == LOOP.render(Context({"form": form})), form_class.__name__
                assert str(form_class(data, **kwargs)) is written  # kept
    queue = _forms(make_user, warehouses)[1]
    with translation.override("en"):
        html = str(queue[0](None, **queue[1]))
    assert warehouses["main"].code in html and "&lt;b&gt;" not in html
