"""The SMS outbox's rows (`{% sms_rows %}`) are the HTML of the template loop they replaced,
in both languages: times (sent, else queued), masked phones, the reference's filter link
(encoded and escaped), hostile texts and the empty list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core.models import SmsMessage
from core.views import masked_phone

pytestmark = pytest.mark.django_db

# templates/core/smsmessage_list.html's loop before the tag
LOOP = Template(
    """{% load i18n %}{% for m in messages_sent %}
    <tr><td>{{ m.sent_at|default:m.created_at|date:"Y-m-d H:i" }}</td><td>{{ m.masked_phone }}</td><td>{% if m.reference %}<a href="?reference={{ m.reference|urlencode }}">{{ m.reference }}</a>{% else %}—{% endif %}</td><td>{{ m.text }}</td><td>{{ m.backend }}</td></tr>
  {% empty %}<tr><td colspan="5" class="muted">{% translate "No SMS sent." %}</td></tr>{% endfor %}"""  # noqa: E501
)
TAG = Template("{% load core_rows %}{% sms_rows messages_sent %}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_the_html_of_the_template_loop(division: Any, language: str) -> None:
    hostile = "您的退货 <b>&'\"</b> 已受理"
    queued = SmsMessage.objects.create(
        phone="13812345678", text=hostile, backend="console", division=division
    )
    sent = SmsMessage.objects.create(
        phone="+86 138", text="第二条", backend="<gw>", reference="RR-GQ 1/&?#é", division=division
    )
    SmsMessage.objects.filter(pk=sent.pk).update(
        sent_at=timezone.now() + dt.timedelta(hours=3, microseconds=5)
    )
    messages = list(SmsMessage.objects.filter(pk__in=[queued.pk, sent.pk]).order_by("pk"))
    for message in messages:
        message.masked_phone = masked_phone(message.phone)  # type: ignore[attr-defined]

    with translation.override(language):
        for rows in (messages, []):
            context = {"messages_sent": rows}
            assert TAG.render(Context(context)) == LOOP.render(Context(context))
    written = TAG.render(Context({"messages_sent": messages}))
    assert "138****5678" in written and "&lt;b&gt;&amp;&#x27;&quot;&lt;/b&gt;" in written
    assert 'href="?reference=RR-GQ%201/%26%3F%23%C3%A9"' in written
