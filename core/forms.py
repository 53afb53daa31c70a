from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from .text import is_blank, refuse_control_characters, refuse_control_characters_multiline


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class AuditSearchForm(forms.Form):
    q = forms.CharField(label=_("Object, note or action"), required=False, max_length=200)
    object_type = forms.ChoiceField(label=_("Object type"), required=False, choices=())
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    action = forms.CharField(label=_("Action"), required=False, max_length=100)
    logins = forms.BooleanField(label=_("Include sign-ins"), required=False)
    actor = forms.ModelChoiceField(
        label=_("Actor"), queryset=get_user_model().objects.order_by("username"), required=False
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .audit_labels import object_types

        super().__init__(*args, **kwargs)
        field = self.fields["object_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("any")), *object_types()]


def _blank_is_empty(to_python: Any) -> Any:
    def convert(value: Any) -> Any:
        result = to_python(value)
        return "" if isinstance(result, str) and is_blank(result) else result

    return convert


class CleanTextForm(forms.Form):
    """The base of the portal's forms: every text field refuses control characters
    (core.text; line breaks are fine in a Textarea) and treats a value made only of
    invisible characters as empty, so "required" means something visible."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            field.validators.append(
                refuse_control_characters_multiline if multiline else refuse_control_characters
            )
            field.to_python = _blank_is_empty(field.to_python)  # type: ignore[method-assign]


class InstanceChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over instances read once when the form is built
    (`set_instances`): they are both the choices shown and the values accepted. Django's
    field reads its queryset twice per request — through a server-side cursor (three round
    trips on PostgreSQL) to render the options and once more to check the value sent;
    this one reads it once. Same options, same errors.

    The field is declared with the model's empty queryset (`Model.objects.none()`); once
    the instances are set, `queryset` answers with exactly them (built when asked, never
    on the way to a page: a form need not compile a scoped queryset it never runs)."""

    instances: dict[Any, Model]

    def _get_queryset(self) -> Any:
        declared = self.__dict__["_queryset"]  # set by ModelChoiceField's queryset setter
        instances = self.__dict__.get("instances")
        if instances is None:
            return declared
        return declared.model._default_manager.filter(pk__in=list(instances))

    queryset = property(_get_queryset, forms.ModelChoiceField.queryset.fset)  # type: ignore[union-attr,misc]

    def set_instances(self, instances: Iterable[Model]) -> None:
        self.instances = {obj.pk: obj for obj in instances}
        empty = [] if self.empty_label is None else [("", self.empty_label)]
        self.choices = [
            *empty,
            *((pk, self.label_from_instance(obj)) for pk, obj in self.instances.items()),
        ]

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        model = self.__dict__["_queryset"].model
        try:
            key = value.pk if isinstance(value, model) else model._meta.pk.to_python(value)
            return self.instances[key]
        except (ValidationError, KeyError, TypeError):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None
