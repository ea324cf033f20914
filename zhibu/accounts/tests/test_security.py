"""等保 2.0 account protection: password rules, lockout, idle timeout, audited logins, deploy check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from zhibu.accounts.models import User
from zhibu.accounts.passwords import character_classes
from zhibu.conftest import PASSWORD, Cast
from zhibu.core.models import AuditEvent


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Abcdef1!", True),
        ("abcdef12!", True),
        ("ABCDEF12!", True),
        ("Qwxzrtpk1", True),
        ("abcdefgh", False),
        ("abcdef12", False),
        ("ABCDEFGH!", False),
        ("Ab1!", False),
        ("12345678", False),
    ],
)
def test_it_applies_the_password_rules(password: str, ok: bool) -> None:
    user = User(username="someone")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_it_refuses_the_username_as_password() -> None:
    with pytest.raises(ValidationError, match="不能与用户名相同"):
        validate_password("Zhang#San1", User(username="zhang#san1"))


def test_it_counts_character_classes() -> None:
    assert [character_classes(p) for p in ("abc", "aB", "aB1", "aB1!", "中文1a")] == [
        1,
        2,
        3,
        4,
        2,
    ]  # CJK characters are letters of no class


@pytest.mark.django_db
def test_it_audits_a_login(cast: Cast) -> None:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="account.login", actor=cast.member).exists()


@pytest.mark.django_db
def test_it_locks_an_account_after_five_failures_and_audits_each(cast: Cast) -> None:
    client = Client()
    for _ in range(5):
        client.post(
            reverse("accounts:login"),
            {"username": "member", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
        )
    assert (
        AuditEvent.objects.filter(verb="account.login_failed", object_label="member").count() >= 4
    )
    assert AuditEvent.objects.filter(verb="account.lockout", object_label="member").exists()
    # Even the right password is refused now, from another address too.
    locked = Client().post(
        reverse("accounts:login"),
        {"username": "member", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
    )
    assert locked.status_code == 429
    assert "账号已锁定" in locked.content.decode()
    # Another account is not affected.
    assert (
        Client()
        .post(reverse("accounts:login"), {"username": "secretary", "password": PASSWORD})
        .status_code
        == 302
    )


def test_it_ends_idle_sessions_after_thirty_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


@pytest.mark.django_db
def test_it_sends_a_reset_account_to_change_its_password_first(cast: Cast) -> None:
    from zhibu.accounts.services import account_set_password

    account_set_password(
        actor=cast.secretary, user=cast.member, password="Reset#2026a", must_change_password=True
    )
    client = Client()
    client.force_login(cast.member)
    assert client.get(reverse("core:home"))["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Reset#2026a",
            "new_password": "Mine#2026bb",
            "new_password2": "Mine#2026bb",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(verb="account.password_change", actor=cast.member).exists()


@pytest.mark.django_db
def test_it_explains_a_wrong_password_change(cast: Cast, client_as: Any) -> None:
    response = client_as("member").post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password": "short", "new_password2": "other"},
    )
    html = response.content.decode()
    assert "当前密码不正确" in html and "两次输入的新密码不一致" in html


@pytest.mark.slow
def test_it_passes_the_deploy_check_in_production(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "ZHIBU_ENV": "production",
        "ZHIBU_DATA_DIR": str(tmp_path),
        "ZHIBU_SECRET_KEY": "k" * 20 + Fernet.generate_key().decode(),
        "ZHIBU_FIELD_KEY": Fernet.generate_key().decode(),
        "ZHIBU_ALLOWED_HOSTS": "zhibu.example.cn",
    }
    out = subprocess.run(
        [sys.executable, "-m", "zhibu", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.slow
def test_it_refuses_to_start_in_production_without_keys(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIBU_")}
    env.update(
        {"ZHIBU_ENV": "production", "ZHIBU_DATA_DIR": str(tmp_path), "ZHIBU_SECRET_KEY": "x" * 60}
    )
    out = subprocess.run(
        [sys.executable, "-m", "zhibu", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0 and "ZHIBU_FIELD_KEY must be set" in out.stderr
