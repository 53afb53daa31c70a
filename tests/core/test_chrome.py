"""The top bar (`{% topbar %}`, written in Python) is the HTML of the template fragment it
replaced in base.html: for a visitor and for signed-in users (with and without unread
messages, staff or not, the current page in the menu or not, hostile names and addresses),
in both languages, with the same CSRF token in both of its forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from core.notifications import notify

pytestmark = pytest.mark.django_db

# base.html's header before the tag
FRAGMENT = Template(
    """{% load i18n static %}{% get_current_language as LANGUAGE_CODE %}<header class="topbar">
  <a class="brand" href="{% url 'core:home' %}">ecomops <small>{% translate "Order fulfilment" %}</small></a>
  {% if user.is_authenticated %}
  <nav class="mainnav" aria-label="{% translate 'Main navigation' %}">
    {% for item in nav_items %}<a href="{{ item.url }}"{% if request.path == item.url %} aria-current="page"{% endif %}>{{ item.label }}</a>{% endfor %}
  </nav>
  <div class="usermenu">
    <a class="inbox-link" href="{% url 'core:inbox' %}" title="{% translate 'Inbox' %}">{% translate "Inbox" %}{% if unread_notifications %} <span class="badge" data-testid="unread-count">{{ unread_notifications }}</span>{% endif %}</a>
    <span class="who" title="{{ user_role_labels|join:', ' }}">{{ user.get_full_name|default:user.username }}</span>
    <form method="post" action="{% url 'core:language-switch' %}" class="inline">{% csrf_token %}
      <input type="hidden" name="next" value="{{ request.get_full_path }}">
      <select name="language" onchange="this.form.submit()" aria-label="{% translate 'Language' %}">
        {% get_available_languages as languages %}{% for code, name in languages %}<option value="{{ code }}"{% if code == LANGUAGE_CODE %} selected{% endif %}>{{ name }}</option>{% endfor %}
      </select>
      <noscript><button type="submit">{% translate "Switch" %}</button></noscript>
    </form>
    {% if user.is_staff %}<a href="{% url 'admin:index' %}">{% translate "Administration" %}</a>{% endif %}
    <form method="post" action="{% url 'logout' %}" class="inline">{% csrf_token %}<button type="submit" class="link">{% translate "Log out" %}</button></form>
  </div>
  {% endif %}
</header>"""  # noqa: E501
)
TAG = Template("{% load chrome %}{% topbar %}")


def _context(user: Any, path: str) -> RequestContext:
    request = RequestFactory().get(path)
    request.user = user
    request.session = {}  # type: ignore[assignment]
    request._messages = default_storage(request)  # type: ignore[attr-defined]
    return RequestContext(request)


def _both(user: Any, path: str) -> tuple[str, str]:
    context = _context(user, path)
    with context.bind_template(TAG):  # the context processors, once: one CSRF token
        flat = context.flatten()
    # a plain context of what the processors gave (a RequestContext would run them again:
    # another masked CSRF token)
    fragment = FRAGMENT.render(Context(flat))
    tag = TAG.render(Context(flat))
    return fragment, tag


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("roles", "extra", "path"),
    [
        (("sales_rep",), {}, "/orders/?status=received&status=identified"),
        (("division_finance",), {"first_name": "", "last_name": ""}, "/billing/invoices/"),
        (("admin",), {"is_staff": True}, "/"),
        (
            ("sales_rep", "sales_lead"),
            {"first_name": '<b>"王&李"</b>', "last_name": "'x'"},
            "/orders/?q=%3Cscript%3E%22%27&x=1",
        ),
    ],
)
def test_the_bar_is_the_html_of_the_template_fragment(
    make_user: Any, language: str, roles: tuple[str, ...], extra: dict[str, Any], path: str
) -> None:
    user = make_user(*roles, **extra)
    with translation.override(language):
        fragment, tag = _both(user, path)
        assert tag == fragment
        # the current page is marked in the menu
        if path == "/":
            assert 'aria-current="page"' in tag


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_unread_messages_and_a_visitor(make_user: Any, language: str) -> None:
    user = make_user("sales_rep")
    for number in range(3):
        notify(subject=f"消息 {number}", body="<b>x</b>", users=[user], email=False)
    with translation.override(language):
        fragment, tag = _both(user, reverse("core:inbox"))
        assert tag == fragment and 'data-testid="unread-count">3<' in tag
        fragment, tag = _both(AnonymousUser(), "/accounts/login/")
        assert tag == fragment and "mainnav" not in tag


def test_every_page_has_the_bar(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("sales_rep"))
    page = client.get("/").content.decode()

    assert page.count('name="csrfmiddlewaretoken"') >= 2 and 'class="mainnav"' in page
