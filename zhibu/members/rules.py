"""Rules about people: ID numbers (GB 11643), phones, ages, dates, roster rows. Pure functions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zhibu.core.dates import add_years, age_on

MIN_AGE = 18  # 《中国共产党发展党员工作细则》第五条
MIN_PROBATION_YEARS = 1  # 同上 第三十二条: 预备期一年

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


# Category changes allowed, each with the step of 《发展党员工作细则》 it records.
CATEGORY_STEPS: dict[tuple[str, str], str] = {
    ("applicant", "activist"): "确定为入党积极分子",
    ("activist", "candidate"): "确定为发展对象",
    ("candidate", "probationary"): "接收为预备党员",
    ("probationary", "full"): "按期转正",
    ("probationary", "applicant"): "取消预备党员资格",
    ("activist", "applicant"): "取消入党积极分子资格",
    ("candidate", "activist"): "取消发展对象资格",
}
# How long before probation ends a probationary member is reminded to apply for 转正.
PROBATION_REMINDER_DAYS = 60


def probation_ends(joined_on: dt.date) -> dt.date:
    """预备期满: one year after the 支部大会 vote (细则 第三十二条)."""
    return add_years(joined_on, MIN_PROBATION_YEARS)


class RuleError(ValueError):
    """A value breaks a rule; the message is Chinese and says what to fix."""


def value_on(current: str, changes: list[tuple[dt.date, str, str]], day: dt.date) -> str:
    """A person's category (or 留党察看 state) on ``day`` from its dated changes (on, from,
    to), oldest first.

    The last change made on or before ``day`` says it; before the first change it was that
    change's "from"; with no changes it is the value now.
    """
    before = [to for on, _frm, to in changes if on <= day]
    if before:
        return before[-1]
    return changes[0][1] if changes else current


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    gender: str  # "male" or "female"


def normalize_id(raw: str) -> str:
    return raw.strip().replace(" ", "").upper()


def parse_id_number(raw: str) -> IdInfo:
    """Validate an 18-character resident ID number; return its birth date and gender."""
    number = normalize_id(raw)
    if len(number) != 18:
        raise RuleError(f"应为18位，实为{len(number)}位")
    if not _ID_RE.match(number):
        raise RuleError("前17位应为数字，最后一位为数字或X")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise RuleError(f"其中的出生日期 {number[6:14]} 不是真实的日期") from None
    if birth.year < 1900:
        raise RuleError(f"其中的出生日期 {birth.isoformat()} 不合理")
    expected = id_check_digit(number[:17])
    if number[17] != expected:
        raise RuleError(f"校验位错误（按前17位计算应为 {expected}），请核对号码")
    gender = "male" if int(number[16]) % 2 == 1 else "female"
    return IdInfo(number=number, birth_date=birth, gender=gender)


def normalize_phone(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw.strip())


def phone_error(phone: str) -> str | None:
    if not _PHONE_RE.match(phone):
        return "应为以1开头、第二位为3至9的11位手机号码"
    return None


def mask_id(number: str) -> str:
    """110101********123X: the region and the last four, not the birth date."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


_DATE_RES = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: Any) -> dt.date:
    """A date from a spreadsheet cell: a date, a datetime, or text like 2020-07-01 / 2020年7月1日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 20050701 typed into a number cell
    text = str(value).strip()
    for pattern in _DATE_RES:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                raise RuleError(f"“{text}”不是真实的日期") from None
    raise RuleError(f"“{text}”不是日期，请写成 2020-07-01 的格式")


# --- Roster rows ---------------------------------------------------------------------------

CATEGORY_BY_LABEL = {
    "正式党员": "full",
    "预备党员": "probationary",
    "发展对象": "candidate",
    "入党积极分子": "activist",
    "入党申请人": "applicant",
}
CATEGORY_LABEL = {v: k for k, v in CATEGORY_BY_LABEL.items()}
PARTY = frozenset({"full", "probationary"})
GENDER_BY_LABEL = {"男": "male", "女": "female"}

COLUMNS = (
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "身份证号",
    "手机号",
    "学历",
    "人员类别",
    "入党日期",
    "转正日期",
    "党小组",
    "工作单位及职务",
    "转入本支部日期",
)
REQUIRED_COLUMNS = ("姓名", "身份证号", "人员类别")
FIELD_COLUMN = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "id_number": "身份证号",
    "phone": "手机号",
    "education": "学历",
    "category": "人员类别",
    "joined_on": "入党日期",
    "full_on": "转正日期",
    "group": "党小组",
    "work_unit": "工作单位及职务",
    "in_branch_since": "转入本支部日期",
}
COLUMN_FIELD = {v: k for k, v in FIELD_COLUMN.items()}
MAX_LENGTHS = {"name": 50, "ethnicity": 20, "education": 20, "group": 100, "work_unit": 200}


def member_problems(
    values: Mapping[str, Any], *, today: dt.date, groups: frozenset[str] | None = None
) -> list[tuple[str, str]]:
    """Every rule a member record breaks, as (field, reason); the same for the form and import.

    ``values`` holds typed values: dates as ``date``, ``category`` and ``gender`` as codes,
    ``group`` as the group's name. Missing keys are treated as empty.
    """
    out: list[tuple[str, str]] = []
    get = values.get
    if not (get("name") or "").strip():
        out.append(("name", "必填"))
    for key, limit in MAX_LENGTHS.items():
        if len(get(key) or "") > limit:
            out.append((key, f"不能超过{limit}个字"))

    info: IdInfo | None = None
    if not get("id_number"):
        out.append(("id_number", "必填"))
    else:
        try:
            info = parse_id_number(str(get("id_number")))
        except RuleError as exc:
            out.append(("id_number", str(exc)))
    if info is not None:
        if info.birth_date > today:
            out.append(("id_number", "其中的出生日期晚于今天"))
        elif age_on(info.birth_date, today) < MIN_AGE:
            out.append(("id_number", f"按出生日期计算未满{MIN_AGE}周岁"))
        gender = get("gender")
        if gender and gender != info.gender:
            shown = "男" if info.gender == "male" else "女"
            out.append(("gender", f"与身份证号不一致（身份证号显示为{shown}）"))
        birth = get("birth_date")
        if birth and birth != info.birth_date:
            out.append(
                ("birth_date", f"与身份证号中的出生日期 {info.birth_date.isoformat()} 不一致")
            )

    phone = get("phone") or ""
    if phone and (problem := phone_error(phone)):
        out.append(("phone", problem))

    category = get("category")
    if not category:
        out.append(("category", "必填"))
    elif category not in CATEGORY_LABEL:
        out.append(("category", "应为 " + "、".join(CATEGORY_BY_LABEL) + " 之一"))

    for key in ("birth_date", "joined_on", "full_on", "in_branch_since"):
        day = get(key)
        if day and day > today:
            out.append((key, f"{day.isoformat()} 晚于今天，不能是将来的日期"))

    joined, full_on = get("joined_on"), get("full_on")
    if category in PARTY and not joined:
        out.append(("joined_on", f"{CATEGORY_LABEL[category]}必须填写入党日期"))
    if category in CATEGORY_LABEL and category not in PARTY and joined:
        out.append(("joined_on", f"{CATEGORY_LABEL[category]}尚未入党，入党日期应为空"))
    if joined and info is not None and age_on(info.birth_date, joined) < MIN_AGE:
        out.append(("joined_on", f"入党时未满{MIN_AGE}周岁（按身份证号计算）"))
    if category in CATEGORY_LABEL and category != "full" and full_on:
        out.append(("full_on", "只有正式党员才有转正日期"))
    if full_on and joined and full_on < add_years(joined, MIN_PROBATION_YEARS):
        earliest = add_years(joined, MIN_PROBATION_YEARS).isoformat()
        out.append(("full_on", f"应在入党满{MIN_PROBATION_YEARS}年之后（不早于 {earliest}）"))

    group = get("group")
    if group and groups is not None and group not in groups:
        out.append(("group", f"本支部没有名为“{group}”的党小组"))
    return out


@dataclass
class RowResult:
    """A roster row after validation: clean values, or the problems as (column, reason)."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, column: str, reason: str) -> None:
        self.errors.append((column, reason))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def validate_row(raw: Mapping[str, Any], *, today: dt.date, groups: frozenset[str]) -> RowResult:
    """Parse one roster row's cells and check it (duplicates across rows are the importer's)."""
    row = RowResult()
    text = {col: _text(raw.get(col)) for col in COLUMNS}
    unparsed: set[str] = set()
    v: dict[str, Any] = {
        "name": text["姓名"],
        "ethnicity": text["民族"],
        "education": text["学历"],
        "work_unit": text["工作单位及职务"],
        "group": text["党小组"],
        "phone": normalize_phone(text["手机号"]),
    }

    id_raw = raw.get("身份证号")
    if isinstance(id_raw, int | float) and not isinstance(id_raw, bool):
        row.error("身份证号", "单元格是数字格式，后几位可能已丢失，请把该列设为文本后重新填写")
        unparsed.add("id_number")
    v["id_number"] = normalize_id(text["身份证号"])

    v["gender"] = None
    if text["性别"]:
        v["gender"] = GENDER_BY_LABEL.get(text["性别"])
        if v["gender"] is None:
            row.error("性别", f"应为“男”或“女”，不能是“{text['性别']}”")

    v["category"] = None
    if text["人员类别"]:
        v["category"] = CATEGORY_BY_LABEL.get(text["人员类别"])
        if v["category"] is None:
            row.error("人员类别", "应为 " + "、".join(CATEGORY_BY_LABEL) + " 之一")
            unparsed.add("category")

    for key in ("birth_date", "joined_on", "full_on", "in_branch_since"):
        column = FIELD_COLUMN[key]
        v[key] = None
        if text[column]:
            try:
                v[key] = parse_date(raw.get(column))
            except RuleError as exc:
                row.error(column, str(exc))
                unparsed.add(key)

    for key, reason in member_problems(v, today=today, groups=groups):
        if key not in unparsed:
            row.error(FIELD_COLUMN[key], reason)
    if row.errors:
        return row

    info = parse_id_number(v["id_number"])
    v["birth_date"], v["gender"] = info.birth_date, info.gender
    if v["category"] != "full":
        v["full_on"] = None
    v["in_branch_since"] = (
        v["in_branch_since"] or (v["joined_on"] if v["category"] in PARTY else None) or today
    )
    row.values = v
    return row
