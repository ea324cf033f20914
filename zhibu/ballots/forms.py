"""Input validation for polls and ballots: forms bind and clean; services decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from zhibu.ballots import rules


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class PollForm(forms.Form):
    """新建征求意见: the questions are typed as lines of text."""

    title = forms.CharField(label="标题", max_length=200)
    description = forms.CharField(
        label="说明（可选）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写给投票人看：征求什么意见、怎么用，以及“无记名，不记录谁写了什么”",
    )
    questions = forms.CharField(
        label="题目",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="每行一题。选择题写成“题目｜选项1／选项2／选项3”，其余是文字回答的问答题。",
    )
    opens_at = forms.DateTimeField(
        label="开始时间（可选）", required=False, widget=DateTimeInput(),
        help_text="不填则点“开始投票”后立即开始",
    )  # fmt: skip
    closes_at = forms.DateTimeField(
        label="截止时间（可选）", required=False, widget=DateTimeInput(),
        help_text="到时不能再投票；结果要点“结束投票”后才能查看",
    )  # fmt: skip
    min_responses_to_show = forms.IntegerField(
        label="至少几人回答才显示结果", min_value=1, max_value=1000, initial=3,
        help_text="回答的人太少时，结果可能让人猜出是谁写的，因此不予显示。建议不少于3人。",
    )  # fmt: skip
    allow_change = forms.BooleanField(
        label="允许投票人在截止前修改", required=False,
        help_text="只能在投票时用的同一部手机或电脑、同一个浏览器上修改；系统不保存谁投了哪张票",
    )  # fmt: skip

    def clean_questions(self) -> list[dict[str, Any]]:
        try:
            return rules.parse_question_lines(self.cleaned_data["questions"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if isinstance(opens, dt.datetime) and isinstance(closes, dt.datetime) and closes <= opens:
            self.add_error("closes_at", "截止时间要晚于开始时间")
        return data


class BallotForm(forms.Form):
    """The poll's questions as fields named by question id: radio buttons for choices and
    grades, a text box for words."""

    def __init__(self, questions: Sequence[Mapping[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for n, q in enumerate(self.questions, start=1):
            label = f"{n}. {q['label']}"
            if q["type"] == rules.TEXT:
                field: forms.Field = forms.CharField(
                    label=label, required=False, max_length=rules.MAX_TEXT_ANSWER,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )  # fmt: skip
            else:
                values = rules.GRADES if q["type"] == rules.GRADE else q.get("options", [])
                labels = rules.GRADE_LABELS
                field = forms.ChoiceField(
                    label=label, widget=forms.RadioSelect,
                    choices=[(v, labels.get(v, v) if q["type"] == rules.GRADE else v)
                             for v in values],
                    error_messages={"required": "请选择一项"},
                )  # fmt: skip
            self.fields[str(q["id"])] = field

    def answers(self) -> dict[str, str]:
        return {name: str(self.cleaned_data.get(name) or "") for name in self.fields}

    def add_service_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(key if key in self.fields else None, message)
        else:
            self.add_error(None, exc.messages)


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label="份数", min_value=1, max_value=rules.MAX_CODES_PER_ISSUE,
        error_messages={"required": "请填写要打印的凭证份数"},
    )  # fmt: skip


class CodeForm(forms.Form):
    code = forms.CharField(
        label="凭证码", max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false", "placeholder": "ABCD-EFGH-JK"}),
        error_messages={"required": "请输入纸条上的凭证码"},
    )  # fmt: skip
