"""core.form_renderer writes the same HTML as Django's widget templates, for every widget it
writes (an upgrade of Django that changes one of them fails here), and leaves the others to
the templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.form_renderer import WIDGET_RENDERER, WidgetRenderer

TEMPLATES = DjangoTemplates()
TRICKY = "a <b> & \"c\" 'd'"
CHOICES = [("", "---------"), ("1", TRICKY), (2, _("Received")), ("3", mark_safe("<i>safe</i>"))]
GROUPED = [("", "—"), (_("Open"), [("a", "A"), ("b", "B <b>")]), ("Closed", [("c", "C")])]


class Everything(forms.Form):
    required_css_class = "required"

    text = forms.CharField(
        label=_("Search"), widget=forms.TextInput(attrs={"placeholder": _("order, platform no.")})
    )
    tricky = forms.CharField(label=TRICKY, required=False, max_length=20)
    number = forms.IntegerField(required=False, min_value=0)
    email = forms.EmailField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    agreed = forms.BooleanField(required=False, label=mark_safe("<em>Agreed</em>"))
    flags = forms.MultipleChoiceField(
        required=False,
        choices=CHOICES[1:],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "chip", "data-x": True}),
    )
    grouped_flags = forms.MultipleChoiceField(
        required=False, choices=GROUPED[1:], widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    pick = forms.ChoiceField(required=False, choices=CHOICES)
    grouped = forms.ChoiceField(required=False, choices=GROUPED)
    many = forms.MultipleChoiceField(required=False, choices=CHOICES[1:])
    disabled = forms.CharField(required=False, disabled=True, initial="fixed")
    no_id = forms.CharField(required=False, widget=forms.TextInput(attrs={"readonly": False}))


def _render(form: forms.Form, renderer: Any) -> list[str]:
    form.renderer = renderer
    return [f"{field.label_tag()}|{field.label_tag(tag='legend')}|{field}" for field in form]


DATA: list[dict[str, Any] | None] = [
    None,
    {},
    {
        "text": TRICKY,
        "tricky": "x" * 30,  # too long: an error on the field
        "number": "-3",
        "email": "not an email",
        "secret": "<s3cret>",
        "hidden": '"quoted"',
        "day": "2026-03-02",
        "when": "bad",
        "agreed": "on",
        "flags": ["1", "2"],
        "grouped_flags": ["b"],
        "kind": "3",
        "pick": "2",
        "grouped": "c",
        "many": ["1", "3"],
        "no_id": "v",
    },
    {"flags": ["nope"], "kind": "nope", "day": "yesterday"},
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("auto_id", ["id_%s", False])
def test_widgets_and_labels_as_the_templates_write_them(
    language: str, data: dict[str, Any] | None, auto_id: Any
) -> None:
    initial = {"day": dt.date(2026, 3, 2), "pick": 2}
    with translation.override(language):
        expected = _render(Everything(data, auto_id=auto_id, initial=initial), TEMPLATES)
        written = _render(Everything(data, auto_id=auto_id, initial=initial), WIDGET_RENDERER)

    assert written == expected


def test_the_widgets_it_knows_never_reach_the_template_engine(monkeypatch: Any) -> None:
    def refuse(self: Any, template_name: str) -> Any:
        raise AssertionError(f"{template_name} went to the template engine")

    monkeypatch.setattr(WidgetRenderer, "get_template", refuse)

    assert _render(Everything(DATA[2]), WIDGET_RENDERER)


def test_other_templates_go_to_the_template_engine() -> None:
    class Other(forms.Form):
        note = forms.CharField(widget=forms.Textarea)
        moment = forms.SplitDateTimeField()

    written, expected = Other({"note": "a <b>"}), Other({"note": "a <b>"})
    written.renderer, expected.renderer = WIDGET_RENDERER, TEMPLATES

    assert str(written) == str(expected)  # the whole form: its div.html template, too
    assert [str(field) for field in written] == [str(field) for field in expected]


def test_an_option_template_it_does_not_know_goes_to_the_template_engine() -> None:
    class OwnOption(forms.Select):
        option_template_name = "django/forms/widgets/input.html"

    class Own(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES[1:], widget=OwnOption)

    assert isinstance(WIDGET_RENDERER, WidgetRenderer)
    written, expected = Own({"pick": "1"}), Own({"pick": "1"})
    written.renderer, expected.renderer = WIDGET_RENDERER, TEMPLATES
    assert str(written["pick"]) == str(expected["pick"])
