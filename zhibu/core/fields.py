"""Model fields shared across apps."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from zhibu.core import crypto


class EncryptedTextField(models.TextField):
    """A text value stored encrypted (see core/crypto.py); Python code sees the plaintext.

    Never filter on it: the ciphertext differs each time. Filter on the keyed hash beside it.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str:
        return crypto.decrypt(value or "")

    def to_python(self, value: Any) -> str:
        # Backups carry ciphertext (core/serializers.py): accept either form.
        if isinstance(value, str):
            return crypto.decrypt(value)
        return "" if value is None else str(value)

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return ""
        if crypto.is_encrypted(value):
            return str(value)
        return crypto.encrypt(str(value))


class PathField(models.CharField):
    """A materialised tree path such as ``/1/7/42/``, compared byte by byte.

    Subtree queries are ranges on this column (see orgs/rules.py ``subtree_bounds``), which need
    bytewise ordering: PostgreSQL's locale collations ignore punctuation, so the column uses
    the "C" collation there. SQLite compares bytes already.
    """

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
