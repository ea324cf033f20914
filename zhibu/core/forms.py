"""Form helpers shared by apps."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(
    form: forms.BaseForm, exc: ValidationError, field_map: Mapping[str, str] | None = None
) -> None:
    """Show a service's ValidationError beside the form's fields (unknown fields go on top)."""
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        name = field_map.get(key, key)
        if name in form.fields:
            for message in errors:
                form.add_error(name, message)
        else:
            for message in errors:
                form.add_error(None, message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field, typed, to set its choices at run time."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field
