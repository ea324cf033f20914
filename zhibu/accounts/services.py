"""Writes to accounts: create a login for a member, set a password, switch a login off."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from zhibu.accounts.models import User
from zhibu.core import audit

if TYPE_CHECKING:
    from zhibu.members.models import Member

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{3,150}$")


@transaction.atomic
def account_create(
    *,
    actor: User | None,
    member: Member,
    username: str,
    password: str,
    must_change_password: bool = True,
    is_superuser: bool = False,
) -> User:
    """A login for a member: the username is their mobile number or a chosen name."""
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            {"username": "用户名为3位以上的字母、数字或 _.@+- 符号（可用手机号）"}
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用"})
    if User.objects.filter(member=member).exists():
        raise ValidationError({"username": f"{member.name}已有账号"})
    if not member.is_current:
        raise ValidationError({"username": f"{member.name}不是在册人员，不能开通账号"})
    user = User(username=username, member=member, must_change_password=must_change_password)
    user.is_superuser = user.is_staff = is_superuser
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save()
    audit.record(
        actor,
        "account.create",
        user,
        organization=member.branch,
        label=member.name,
        changes={
            "username": [None, audit.masked_username(username)],
            "member": [None, member.name],
        },
    )
    return user


@transaction.atomic
def account_set_password(
    *, actor: User | None, user: User, password: str, must_change_password: bool = False
) -> User:
    """Set a password: the user's own change, or an officer's reset (then changed at login)."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.must_change_password = must_change_password
    user.save(update_fields=["password", "must_change_password"])
    verb = (
        "account.password_change"
        if actor is not None and actor.pk == user.pk
        else "account.password_reset"
    )
    org = user.member.branch if user.member_id and user.member else None
    audit.record(actor, verb, user, organization=org, changes={"password": ["******", "******"]})
    return user


@transaction.atomic
def account_set_active(*, actor: User | None, user: User, active: bool) -> User:
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    org = user.member.branch if user.member_id and user.member else None
    audit.record(
        actor,
        "account.enable" if active else "account.disable",
        user,
        organization=org,
        changes={"is_active": [not active, active]},
    )
    return user
