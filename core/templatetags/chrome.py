"""The page's top bar (`{% topbar %}` in base.html), written in Python.

Every page carries it: the brand, the menu, the inbox with its unread badge, the user's name
and roles, the language switch and the log-out button. Through the template engine it was
some twenty nodes, four address reversals and a dozen translations on every request (~2 ms
of a page whose own SQL takes a few); here the addresses are reversed once per URL
configuration and script prefix, and the words looked up once per request.
`tests/core/test_chrome.py` compares the HTML with the template fragment it replaced, for
anonymous and signed-in users, staff, unread messages, hostile names and addresses, in both
languages.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext

from core.rows import Numbers, escape

register = template.Library()


@lru_cache(maxsize=8)
def _addresses(urlconf: str, prefix: str) -> dict[str, str]:
    """The bar's addresses, escaped, reversed once per URL configuration and prefix."""
    del prefix  # part of the cache key: reverse() reads it itself
    names = {
        "home": "core:home",
        "inbox": "core:inbox",
        "language": "core:language-switch",
        "logout": "logout",
        "admin": "admin:index",
    }
    return {key: escape(reverse(name, urlconf=urlconf)) for key, name in names.items()}


def _csrf_input(context: Any) -> str:
    """`{% csrf_token %}`."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


@register.simple_tag(takes_context=True)
def topbar(context: Any) -> SafeString:
    urls = _addresses(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    user = context.get("user")
    out = [
        '<header class="topbar">\n'
        f'  <a class="brand" href="{urls["home"]}">ecomops '
        f"<small>{escape(gettext('Order fulfilment'))}</small></a>\n  "
    ]
    if user is not None and user.is_authenticated:
        request = context.get("request")
        path = getattr(request, "path", None)
        language = get_language()
        current = ' aria-current="page"'
        items = "".join(
            f'<a href="{escape(item["url"])}"{current if path == item["url"] else ""}>'
            f"{escape(item['label'])}</a>"
            for item in context.get("nav_items") or ()
        )
        unread = context.get("unread_notifications")
        badge = (
            f' <span class="badge" data-testid="unread-count">{Numbers()(unread)}</span>'
            if unread
            else ""
        )
        roles = ", ".join(escape(label) for label in context.get("user_role_labels") or ())
        who = user.get_full_name() or user.username
        csrf = _csrf_input(context)
        selected = " selected"
        options = "".join(
            f'<option value="{escape(code)}"{selected if code == language else ""}>'
            f"{escape(gettext(name))}</option>"
            for code, name in settings.LANGUAGES
        )
        full_path = request.get_full_path() if request is not None else ""
        admin = (
            f'<a href="{urls["admin"]}">{escape(gettext("Administration"))}</a>'
            if user.is_staff
            else ""
        )
        inbox = escape(gettext("Inbox"))
        out.append(
            f'\n  <nav class="mainnav" aria-label="{escape(gettext("Main navigation"))}">\n'
            f"    {items}\n"
            "  </nav>\n"
            '  <div class="usermenu">\n'
            f'    <a class="inbox-link" href="{urls["inbox"]}" title="{inbox}">{inbox}{badge}</a>\n'
            f'    <span class="who" title="{roles}">{escape(who)}</span>\n'
            f'    <form method="post" action="{urls["language"]}" class="inline">{csrf}\n'
            f'      <input type="hidden" name="next" value="{escape(full_path)}">\n'
            '      <select name="language" onchange="this.form.submit()" '
            f'aria-label="{escape(gettext("Language"))}">\n'
            f"        {options}\n"
            "      </select>\n"
            '      <noscript><button type="submit">'
            f"{escape(gettext('Switch'))}</button></noscript>\n"
            "    </form>\n"
            f"    {admin}\n"
            f'    <form method="post" action="{urls["logout"]}" class="inline">{csrf}'
            f'<button type="submit" class="link">{escape(gettext("Log out"))}</button></form>\n'
            "  </div>\n  "
        )
    out.append("\n</header>")
    return SafeString("".join(out))


@register.simple_tag(takes_context=True)
def pagination(context: Any) -> SafeString:
    """`{% pagination %}` (includes/_pagination.html): a list's page links — first,
    previous, where we are (the count, or "more than 10,000" for a capped list), next and
    last — keeping the list's filters (`query_string`), written in Python: through the
    template engine it was ~0.5 ms of every list page. tests/core/test_pagination_tag.py
    compares it with the template it replaced, page by page, in both languages."""
    if not context.get("is_paginated"):
        return SafeString("")
    page, paginator = context["page_obj"], context["paginator"]
    query_string = context.get("query_string")
    link = f"?{conditional_escape(query_string)}&amp;page=" if query_string else "?page="
    parts = [f'\n<nav class="pagination" aria-label="{escape(gettext("Pages"))}">\n  ']
    is_last = getattr(page, "is_last", False)
    if page.has_previous():
        parts.append(f'<a href="{link}1">« {escape(gettext("first"))}</a>\n  ')
        if not is_last:
            previous = page.previous_page_number()
            parts.append(f'<a href="{link}{previous}">‹ {escape(gettext("previous"))}</a>')
    number = Numbers()
    if getattr(paginator, "capped", False):
        cap = escape(floatformat(paginator.cap, "g"))
        if is_last:
            where = gettext("Last page (more than %(cap)s items)") % {"cap": cap}
        else:
            where = gettext("Page %(number)s (more than %(cap)s items)") % {
                "number": number(page.number),
                "cap": cap,
            }
        parts.append(f"\n  \n  <span>{where}</span>\n  \n  ")
    else:
        counter = paginator.count
        where = ngettext(
            "Page %(number)s of %(total)s (%(counter)s item)",
            "Page %(number)s of %(total)s (%(counter)s items)",
            counter,
        ) % {
            "number": number(page.number),
            "total": number(paginator.num_pages),
            "counter": number(counter),
        }
        parts.append(f"\n  \n  <span>{where}</span>\n  \n  ")
    if page.has_next():
        last = "last" if getattr(paginator, "capped", False) else paginator.num_pages
        parts.append(
            f'<a href="{link}{page.next_page_number()}">{escape(gettext("next"))} ›</a>\n  '
            f'<a href="{link}{last}">{escape(gettext("last"))} »</a>'
        )
    parts.append("\n</nav>\n")
    return SafeString("".join(parts))
