"""Input for the notices pages."""

from __future__ import annotations

from django import forms


class EmailForm(forms.Form):
    email = forms.CharField(
        label="接收通知的邮箱",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        help_text="会议通知、变更和提醒会同时发到这个邮箱。留空则只在“支部”里通知。",
    )
