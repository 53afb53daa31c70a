"""The return list's rows (`{% return_rows %}`) are the HTML of the template loop they
replace, row for row, in both languages: the kind asked for (with its question mark) or
decided, the reason, the refund and its state or a dash, the return order, Beijing time."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from returns import selectors
from returns.models import ReturnRequest
from tests.returns.test_pages import bring

pytestmark = pytest.mark.django_db

# returns/request_list.html's loop before the tag
RETURN_LOOP = Template(
    """{% load i18n money %}{% for r in requests %}
    <tr><td><a href="{% url 'returns:detail' r.pk %}">{{ r.number }}</a></td><td>{{ r.order.number }}</td><td>{{ r.order.platform_order_no }}</td>
      <td>{% if r.kind %}{{ r.get_kind_display }}{% else %}<span class="muted">{{ r.get_requested_kind_display }}?</span>{% endif %}</td><td>{{ r.get_reason_display }}</td>
      <td><span class="status">{{ r.get_status_display }}</span></td><td class="num">{{ r.goods_amount|cny }}</td>
      <td>{% if r.refund %}{{ r.refund.amount|cny }} · {{ r.refund.get_status_display }}{% else %}—{% endif %}</td>
      <td>{{ r.return_order_number|default:"—" }}</td><td>{{ r.requested_at|date:"Y-m-d H:i" }}</td></tr>
  {% endfor %}"""  # noqa: E501
)
RETURN_TAG = Template("{% load returns_extras %}{% return_rows requests %}")


@pytest.fixture
def requests(delivered: Any, people: dict[str, Any]) -> list[ReturnRequest]:
    return [
        bring("requested", delivered(), people),
        bring("awaiting_goods", delivered(), people, kind="exchange"),
        bring("review", delivered(), people),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_the_html_of_the_template_loop(
    requests: Any, people: dict[str, Any], language: str
) -> None:
    listed = list(selectors.return_list_for_user(user=people["sales_rep"], filters={}))
    assert {r.pk for r in listed} == {r.pk for r in requests}
    with translation.override(language):
        written = RETURN_TAG.render(Context({"requests": listed}))
        assert written == RETURN_LOOP.render(Context({"requests": listed}))
    assert written.count("<tr>") == 3
    assert written.count('<span class="muted">') == 1  # the kind still asked for
    assert written.count(" · ") == 1  # one refund


def test_the_list_shows_the_rows_and_says_when_nothing_matches(
    requests: Any, people: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(people["sales_rep"])
    text = client.get("/returns/").content.decode()
    assert all(r.number in text for r in requests)
    empty = client.get("/returns/?q=RR-NOTHING-LIKE-IT").content.decode()
    assert "<tr><td><a" not in empty and 'colspan="10" class="muted"' in empty


FILTER_LOOP = Template(
    "{% for field in form %}<div>{{ field.label_tag }}{{ field }}</div>{% endfor %}"
)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_filter_form_is_the_loops_html_and_kept(language: str) -> None:
    from returns.forms import ReturnFilterForm

    chosen = {"q": '<b>"RR"&\'</b>', "status": "closed", "reason": "1", "mine": "on"}
    with translation.override(language):
        for data in (None, chosen, {"status": "nonsense"}):
            form = ReturnFilterForm(data)
            assert str(form) == FILTER_LOOP.render(Context({"form": form}))
        assert str(ReturnFilterForm(chosen)) is str(ReturnFilterForm(chosen))  # kept
