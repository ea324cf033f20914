"""Password rules of 等保 2.0 (GB/T 22239-2019 8.1.4.1): complexity and not the username."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError


def character_classes(password: str) -> int:
    classes = (
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    )
    return sum(classes)


class CharacterClassValidator:
    """At least 3 of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                "密码须包含小写字母、大写字母、数字、符号中的至少3类", code="password_classes"
            )

    def get_help_text(self) -> str:
        return "至少包含小写字母、大写字母、数字、符号中的3类。"


class NotUsernameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = getattr(user, "username", "") or ""
        if username and password.lower() == username.lower():
            raise ValidationError("密码不能与用户名相同", code="password_is_username")

    def get_help_text(self) -> str:
        return "不能与用户名相同。"
