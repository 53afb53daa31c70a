"""A form renderer that writes Django's common widgets in Python.

Django renders every widget through its template engine: a `<select>` of ten options or a
row of ten checkboxes is some thirty template renders and includes, each resolving its
variables one by one — about 1.5 ms per field, ~12 ms for the triage list's filter form on
every page. `WidgetRenderer` writes the same HTML, byte for byte, from the same widget
context (Django still builds it: attributes, options, what is selected) for the built-in
input, select, checkbox and radio widgets and the label tag; any other template goes to the
template engine as before. `tests/core/test_form_renderer.py` compares the two renderers
on every kind of widget it writes, so an upgrade of Django that changes a widget template
shows there.

It is the portal's FORM_RENDERER (every form, the admin's too); `WIDGET_RENDERER` is the
same renderer for a form that names its own. `RenderingKept` also keeps a form's whole
rendering per process.
"""

from __future__ import annotations

import html
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.functional import Promise
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import get_language

_PREFIX = "django/forms/widgets/"
# the template engine's settings for `{{ value }}`: autoescape, localisation, time zone
_CONTEXT = Context(autoescape=True)


def _show(value: Any) -> str:
    """`{{ value }}`: a text (a translated label: its translation) is escaped unless it is
    safe, as the template engine does; anything else goes through the engine's own
    localisation and escaping."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return value if isinstance(value, SafeData) else html.escape(value)
    return str(render_value_in_context(value, _CONTEXT))


def _show_s(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else html.escape(text)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html (and django/forms/attrs.html)."""
    return "".join(
        f" {_show(name)}" if value is True else f' {_show(name)}="{_show_s(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: Mapping[str, Any]) -> str:
    """input.html (and text.html, date.html, checkbox.html …, which only include it)."""
    value = f' value="{_show_s(widget["value"])}"' if widget["value"] is not None else ""
    return (
        f'<input type="{_show(widget["type"])}" name="{_show(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>\n"
    )


def _input_option(widget: Mapping[str, Any]) -> str:
    """input_option.html (checkbox_option.html, radio_option.html)."""
    if not widget["wrap_label"]:
        return _input(widget) + "\n"
    id_ = widget["attrs"].get("id")
    label_for = f' for="{_show(id_)}"' if id_ else ""
    return f"<label{label_for}>{_input(widget)} {_show(widget['label'])}</label>\n"


def _select_option(widget: Mapping[str, Any]) -> str:
    """select_option.html."""
    return (
        f'<option value="{_show_s(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_show(widget['label'])}</option>\n"
    )


_OPTIONS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    _PREFIX + "select_option.html": _select_option,
    # checkbox_option.html and radio_option.html include input_option.html (a line more)
    _PREFIX + "checkbox_option.html": lambda option: _input_option(option) + "\n",
    _PREFIX + "radio_option.html": lambda option: _input_option(option) + "\n",
    _PREFIX + "input_option.html": _input_option,
}


def _select(widget: Mapping[str, Any]) -> str:
    """select.html."""
    parts = [f'<select name="{_show(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_show(group_name)}">')
        for option in options:
            parts.append("\n  " + _OPTIONS[option["template_name"]](option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _multiple_input(widget: Mapping[str, Any]) -> str:
    """multiple_input.html (checkbox_select.html, radio.html)."""
    id_, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    parts = [
        "<div",
        f' id="{_show(id_)}"' if id_ else "",
        f' class="{_show(css)}"' if css else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_show(group)}</label>")
        for option in options:
            parts.append("<div>\n    " + _OPTIONS[option["template_name"]](option) + "</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _label(context: Mapping[str, Any]) -> str:
    """django/forms/label.html."""
    if not context["use_tag"]:
        return _show(context["label"]) + "\n"
    tag = _show(context["tag"])
    attrs = _attrs(context["attrs"] or {})
    return f"<{tag}{attrs}>{_show(context['label'])}</{tag}>\n"


def _widget(write: Callable[[Mapping[str, Any]], str]) -> Callable[[Mapping[str, Any]], str]:
    return lambda context: write(context["widget"]) + "\n"


_TEMPLATES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **{
        f"{_PREFIX}{name}.html": _widget(_input)
        for name in (
            "input",
            "text",
            "number",
            "email",
            "url",
            "password",
            "hidden",
            "date",
            "datetime",
            "time",
            "search",
            "tel",
            "color",
            "checkbox",
        )
    },
    _PREFIX + "select.html": _widget(_select),
    _PREFIX + "checkbox_select.html": _widget(_multiple_input),
    _PREFIX + "radio.html": _widget(_multiple_input),
    "django/forms/label.html": _label,
}


def _options_known(widget: Any) -> bool:
    return all(
        option["template_name"] in _OPTIONS
        for _group, options, _index in widget.get("optgroups", ())
        for option in options
    )


class WidgetRenderer(DjangoTemplates):
    """Django's template renderer, with the common widgets and the label written in
    Python (the same HTML)."""

    def render(self, template_name: str, context: Any, request: Any = None) -> str:
        write = _TEMPLATES.get(template_name)
        if write is None or ("widget" in context and not _options_known(context["widget"])):
            return str(super().render(template_name, context, request))
        return write(context).strip()


WIDGET_RENDERER = WidgetRenderer()


class RenderingKept:
    """A form mixin: `{{ form }}` is kept per process, by everything it is made of — the
    form's class, the active language, what each field shows (`BoundField.value()`), its
    choices and whether it has an error — so a list's filter form, the same on most
    requests, is rendered once instead of on every page (~2 ms).

    For forms whose rendering depends on nothing else: an `__init__` may set the fields'
    choices (they are part of the key), nothing else that is shown. A field whose choices
    are read from a queryset as they are rendered (ModelChoiceField) is not kept.
    `keep_bound = False`: only the empty form is kept (a form whose errors depend on more
    than what its fields show — a duplicate that does not exist — is written each time)."""

    keep_bound = True

    def render(
        self, template_name: str | None = None, context: Any = None, renderer: Any = None
    ) -> SafeString:
        render = super().render  # type: ignore[misc]
        key = None
        if template_name is None and context is None and renderer is None:
            key = _rendering_key(self)
        if key is None:
            return render(template_name, context, renderer)
        with _KEPT_LOCK:
            html = _KEPT.get(key)
            if html is not None:
                _KEPT.move_to_end(key)
                return html
        html = render()
        with _KEPT_LOCK:
            _KEPT[key] = html
            while len(_KEPT) > KEPT_RENDERINGS:
                _KEPT.popitem(last=False)
        return html

    __str__ = render
    __html__ = render


KEPT_RENDERINGS = 256
_KEPT: OrderedDict[Hashable, SafeString] = OrderedDict()
_KEPT_LOCK = threading.Lock()


def _rendering_key(form: Any) -> Hashable | None:
    if form.is_bound and not form.keep_bound:
        return None  # a form sent back with its errors: their texts are not in the key
    parts: list[Any] = [type(form), get_language(), form.is_bound]
    for field in form:
        choices = getattr(field.field, "choices", ())
        if not isinstance(choices, list | tuple):
            return None  # read as rendered
        shown = _hashable(field.value())
        parts.append((field.name, shown, bool(field.errors), _plain_choices(choices)))
    try:
        key = tuple(parts)
        hash(key)
    except TypeError:
        return None
    return key


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _plain_choices(choices: Any) -> tuple[Any, ...]:
    """The choices with their labels as texts (in the active language, part of the key):
    a lazy label is translated again every time it is hashed or compared."""
    return tuple(
        (value, _plain_choices(label) if isinstance(label, list | tuple) else str(label))
        for value, label in choices
    )
