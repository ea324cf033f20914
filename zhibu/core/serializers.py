"""The backup format: Django's JSON Lines, with encrypted fields written as their ciphertext.

Django's serializers write a field's Python value, which for ``EncryptedTextField`` is the
plaintext. A backup must not hold 身份证号 in clear, so this format writes what is stored; the
field's ``to_python`` accepts ciphertext on the way back in (see core/fields.py).
Registered as format ``zhibu`` in settings.SERIALIZATION_MODULES.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Field, Model

from zhibu.core import crypto
from zhibu.core.fields import EncryptedTextField


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; the audit chain hashes microseconds."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl.Serializer):
    def _init_options(self) -> None:
        super()._init_options()  # type: ignore[misc]  # private hook, not in the stubs
        if "cls" not in self.options:
            self.json_kwargs["cls"] = ExactJSONEncoder

    def end_object(self, obj: Model) -> None:
        # One json.dumps per row runs in C; json.dump writes each token on its own.
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None

    # Django's private hook for one field's value; the stubs do not declare it.
    def _value_from_field(self, obj: Model, field: Field[Any, Any]) -> Any:
        if isinstance(field, EncryptedTextField):
            return crypto.encrypt(field.value_from_object(obj) or "")
        return super()._value_from_field(obj, field)  # type: ignore[misc]


Deserializer = jsonl.Deserializer
