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

from core import form_renderer
from core.form_renderer import WIDGET_RENDERER, RenderingKept, WidgetRenderer
from core.models import Division

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


# --- RenderingKept ----------------------------------------------------------------------
class Kept(RenderingKept, forms.Form):
    template_name = "django/forms/div.html"
    default_renderer = WIDGET_RENDERER

    q = forms.CharField(label=_("Search"), required=False, max_length=5)
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=[("received", _("Received")), ("shipped", _("Shipped"))],
        widget=forms.CheckboxSelectMultiple,
    )
    place = forms.ChoiceField(label=_("Warehouse"), required=False, choices=[])

    def __init__(self, *args: Any, places: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", "---------"), *places]  # type: ignore[attr-defined]


class NotKept(Kept):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"] = forms.ModelChoiceField(queryset=Division.objects.all())


def _fresh(form_class: type[Kept], data: dict[str, Any], places: Any, **kwargs: Any) -> str:
    """The form rendered without the kept renderings (the reference)."""
    form = form_class(data, places=places, **kwargs)
    return str(forms.Form.render(form))


PLACES = [("1", "GQ-MAIN 总仓"), ("2", "GQ-CENTRAL 中心仓")]


@pytest.mark.parametrize(
    "data",
    [{}, {"status": ["received"], "place": "2"}, {"q": "too long <b>"}, {"status": ["nope"]}],
)
def test_a_kept_rendering_is_the_rendering(data: dict[str, Any]) -> None:
    for language in ("zh-hans", "en", "zh-hans"):
        with translation.override(language):
            first = str(Kept(data, places=PLACES))
            again = str(Kept(data, places=PLACES))
            assert first == again == _fresh(Kept, data, PLACES)


@pytest.fixture
def nothing_kept() -> Any:
    form_renderer._KEPT.clear()
    yield
    form_renderer._KEPT.clear()


def test_what_a_rendering_is_kept_by(monkeypatch: Any, nothing_kept: Any) -> None:
    rendered: list[str] = []
    render = forms.Form.render

    def counting(self: Any, template_name: Any = None, *args: Any, **kwargs: Any) -> Any:
        if template_name is None:  # the form, not one of its labels
            rendered.append(type(self).__name__)
        return render(self, template_name, *args, **kwargs)

    monkeypatch.setattr(forms.Form, "render", counting)
    with translation.override("en"):
        str(Kept({"q": "abc"}, places=PLACES))
        str(Kept({"q": "abc"}, places=PLACES))
        assert len(rendered) == 1  # the same data, choices and language: kept
        str(Kept({"q": "abd"}, places=PLACES))
        str(Kept({"q": "abc"}, places=[*PLACES, ("3", "GQ-NEW 新仓")]))
        assert len(rendered) == 3  # other data; other choices
    with translation.override("zh-hans"):
        html = str(Kept({"q": "abc"}, places=PLACES))
    assert len(rendered) == 4 and "状态" in html  # another language
    with translation.override("en"):
        assert 'aria-invalid="true"' in str(Kept({"q": "toolong"}, places=PLACES))


@pytest.mark.django_db
def test_choices_read_as_they_are_rendered_are_not_kept(monkeypatch: Any) -> None:
    from tests.factories import DivisionFactory

    DivisionFactory(code="GQ", name="工起事业部")
    with translation.override("en"):
        first = str(NotKept({}, places=PLACES))
        DivisionFactory(code="DQ", name="电气事业部")
        second = str(NotKept({}, places=PLACES))

    assert "DQ" not in first and "DQ 电气事业部" in second


def test_the_kept_renderings_are_the_latest_few(monkeypatch: Any, nothing_kept: Any) -> None:
    monkeypatch.setattr(form_renderer, "KEPT_RENDERINGS", 3)
    with translation.override("en"):
        for text in ("a", "b", "c", "d", "a"):
            str(Kept({"q": text}, places=PLACES))

    assert [key[3][1] for key in form_renderer._KEPT] == ["c", "d", "a"]  # type: ignore[index]
