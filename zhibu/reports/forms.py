"""Input validation for the reports pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone

FIRST_YEAR = 2000


class TemplateUploadForm(forms.Form):
    file = forms.FileField(
        label="模板文件",
        error_messages={"required": "请选择要上传的模板文件", "empty": "文件是空的"},
    )


class YearForm(forms.Form):
    """``?year=`` of a yearly export; this year when not given."""

    year = forms.IntegerField(required=False, label="年度")

    def clean_year(self) -> int:
        year = self.cleaned_data.get("year")
        today = timezone.localdate()
        if year is None:
            return today.year
        if not FIRST_YEAR <= year <= today.year + 1:
            raise forms.ValidationError(f"年度应在{FIRST_YEAR}年到{today.year + 1}年之间")
        return year


def year_choices() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, max(FIRST_YEAR, this - 10) - 1, -1))
