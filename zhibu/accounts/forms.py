"""Forms for logging in and for passwords (validation only; writes go through services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续输错5次，账号将锁定15分钟。",
        "inactive": "该账号已停用，请联系党支部。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名或手机号"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "inputmode": "text"}
        )
        self.fields["password"].label = "密码"


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="当前密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label="新密码",
        help_text="至少8位，包含小写字母、大写字母、数字、符号中的3类，不能与用户名相同。",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="再输入一次新密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("当前密码不正确")
        return str(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        if data.get("new_password") and data.get("new_password") == data.get("old_password"):
            self.add_error("new_password", "新密码不能与当前密码相同")
        return data


class AccountCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150, help_text="建议使用手机号")
    password = forms.CharField(
        label="初始密码",
        help_text="至少8位，包含3类字符；本人首次登录时须修改。",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label="新的初始密码",
        help_text="至少8位，包含3类字符；本人下次登录时须修改。",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
