"""Every login, failed login and lockout goes into the audit trail (等保 2.0 安全审计).

Authentication happens inside Django and django-axes, not in a service, so these receivers are
where it is recorded. They only record; they change nothing else.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from zhibu.core import audit


def _ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit.record_now(user, "account.login", obj=user, changes={"ip": [None, _ip(request)]})


@receiver(user_logged_out)
def audit_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record_now(user, "account.logout", obj=user)


def _attempted(username: str) -> tuple[Any, str]:
    """The account a failed login aimed at, and how to name it in the trail.

    What was typed is kept only when it names a real account (masked if it is a phone number):
    people type passwords into the username box, and the trail keeps everything forever.
    """
    user = get_user_model().objects.filter(username=username).first()
    return user, (audit.masked_username(username) if user else "不存在的用户名")


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    user, name = _attempted(str(credentials.get("username", ""))[:150])
    audit.record_now(
        None,
        "account.login_failed",
        obj=user,
        label=name,
        changes={"username": [None, name], "ip": [None, _ip(request)]},
        actor_label=f"未登录（{name}）",
    )


@receiver(user_locked_out)
def audit_lockout(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    user, name = _attempted(username)
    audit.record_now(
        None,
        "account.lockout",
        obj=user,
        label=name,
        changes={"username": [None, name], "ip": [None, ip_address]},
        actor_label=f"未登录（{name}）",
    )
