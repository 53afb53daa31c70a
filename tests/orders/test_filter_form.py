"""The triage filter form reads its division and warehouse choices once (one statement for
both) and checks a submitted value against them: the same options, values and errors as Django's
ModelChoiceField over the same querysets, without a query more to render or to validate."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation

from core.forms import InstanceChoiceField
from core.models import Division, Warehouse
from core.scoping import divisions_for_user
from orders.forms import OrderFilterForm
from tests.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(division: Any, other_division: Any, warehouses: Any) -> dict[str, Any]:
    return {
        "closed": WarehouseFactory(
            division=division, kind="main", code="GQ-OLD", name="旧仓", is_active=False
        ),
        "other": WarehouseFactory(division=other_division, kind="main", code="DQ-MAIN"),
        **warehouses,
    }


def _form(user: Any, query: str) -> OrderFilterForm:
    return OrderFilterForm(QueryDict(query), user=user)


class ByQueryset(forms.Form):
    """Django's own field over the same querysets, to compare with."""

    division = forms.ModelChoiceField(queryset=Division.objects.none(), required=False)
    warehouse = forms.ModelChoiceField(queryset=Warehouse.objects.none(), required=False)


def _by_queryset(data: dict[str, str], user: Any) -> ByQueryset:
    """What the user may filter by, as querysets: the active divisions in reach and their
    active warehouses, each by code."""
    form = ByQueryset(data)
    divisions = divisions_for_user(user).order_by("code")
    querysets = {
        "division": divisions,
        "warehouse": Warehouse.objects.filter(division__in=divisions, is_active=True).order_by(
            "code"
        ),
    }
    for name, queryset in querysets.items():
        field = form.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset
    return form


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"division": "{gq}", "warehouse": "{main}"},
        {"division": "{dq}", "warehouse": "{other}"},  # outside the rep's divisions
        {"division": "x", "warehouse": "{closed}"},  # not a number; a closed warehouse
        {"division": "9999", "warehouse": " {central} "},
    ],
)
def test_same_options_values_and_errors_as_a_model_choice_field(
    make_user: Any, places: Any, division: Any, other_division: Any, data: dict[str, str]
) -> None:
    ids = {"gq": division.pk, "dq": other_division.pk}
    ids.update({name: warehouse.pk for name, warehouse in places.items()})
    data = {name: value.format(**ids) for name, value in data.items()}
    rep = make_user("sales_rep")
    filters = _form(rep, "&".join(f"{k}={v}" for k, v in data.items()))
    reference = _by_queryset(data, rep)

    with translation.override("en"):
        assert filters.is_valid() == reference.is_valid()
        for name in ("division", "warehouse"):
            assert str(filters[name]) == str(reference[name])
            assert filters.errors.get(name) == reference.errors.get(name)
            assert filters.cleaned_data.get(name) == reference.cleaned_data.get(name)


def test_choices_are_read_once_and_values_checked_without_a_query(
    make_user: Any, places: Any, division: Any, django_assert_num_queries: Any
) -> None:
    rep = make_user("sales_rep")
    query = f"division={division.pk}&warehouse={places['main'].pk}"
    rep_form = _form(rep, "")  # the rep's access is read (once per request, as the pages do)
    assert rep_form.is_valid()

    with django_assert_num_queries(1):  # the divisions and the warehouses
        form = _form(rep, query)
        assert form.is_valid()
        html = str(form["division"]) + str(form["warehouse"])

    assert form.cleaned_data["division"] == division
    assert form.cleaned_data["warehouse"] == places["main"]
    assert "GQ-MAIN" in html and "GQ-CENTRAL" in html
    assert "GQ-OLD" not in html and "DQ-MAIN" not in html


def test_the_field_takes_an_instance_and_refuses_one_it_did_not_offer(
    division: Any, other_division: Any
) -> None:
    field = InstanceChoiceField(queryset=Division.objects.all(), required=False)
    field.set_instances(Division.objects.filter(pk=division.pk))

    assert field.clean(division) == division
    assert field.clean("") is None
    with pytest.raises(forms.ValidationError):
        field.clean(other_division)


def test_the_fields_queryset_answers_with_the_instances_offered(
    make_user: Any, places: Any, division: Any, other_division: Any
) -> None:
    rep = make_user("sales_rep")
    form = _form(rep, "")
    offered = form.fields["warehouse"].queryset  # type: ignore[attr-defined]

    assert set(offered) == {places["main"], places["central"]}
    assert set(form.fields["division"].queryset) == {division}  # type: ignore[attr-defined]
    # the declared field (the class's) still has its empty queryset, for the next form
    assert not OrderFilterForm.base_fields["warehouse"].queryset.exists()  # type: ignore[attr-defined]
