"""Login accounts. What a user may do follows the positions of the member behind it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A login: the username is the member's mobile number or a chosen name."""

    member = models.OneToOneField(
        "members.Member",
        verbose_name="党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self) -> str:
        # Shown in the audit trail and the admin: a mobile-number username is masked there.
        from zhibu.core.audit import masked_username

        return masked_username(self.username)
