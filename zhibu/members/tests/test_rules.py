"""Pure rules about people: GB 11643 ID numbers, phones, dates, masks, roster rows."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhibu.members import rules
from zhibu.testing import make_id_number

TODAY = dt.date(2026, 11, 21)


@pytest.mark.parametrize(
    "number",
    ["11010519491231002X", "440524198001010013", "110101198503070013"],
)
def test_it_accepts_known_valid_ids(number: str) -> None:
    info = rules.parse_id_number(number)
    assert info.number == number


def test_it_reads_birth_date_and_gender_from_the_id() -> None:
    info = rules.parse_id_number("11010519491231002X")
    assert info.birth_date == dt.date(1949, 12, 31)
    assert info.gender == "female"  # 17th digit 2 is even
    assert rules.parse_id_number("440524198001010013").gender == "male"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002", "应为18位，实为17位"),
        ("1101051949123100211", "应为18位，实为19位"),
        ("11010519491231002Y", "最后一位为数字或X"),
        ("1101051949A231002X", "前17位应为数字"),
        ("110105194913310026", "不是真实的日期"),
        ("110105190002290021", "不是真实的日期"),  # 1900 was not a leap year
        ("110105180001010029", "不合理"),
        ("110105194912310021", "校验位错误（按前17位计算应为 X）"),
    ],
)
def test_it_rejects_bad_ids_with_the_reason(number: str, reason: str) -> None:
    with pytest.raises(rules.RuleError, match=reason.replace("（", r"\（").replace("）", r"\）")):
        rules.parse_id_number(number)


def test_it_accepts_lower_case_x_and_spaces() -> None:
    assert rules.parse_id_number(" 11010519491231002x ").number == "11010519491231002X"


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2008, 12, 31)),
    serial=st.integers(0, 499),
    female=st.booleans(),
)
def test_it_round_trips_any_generated_id(birth: dt.date, serial: int, female: bool) -> None:
    number = make_id_number(birth, serial, female=female)
    info = rules.parse_id_number(number)
    assert (info.birth_date, info.gender) == (birth, "female" if female else "male")


@given(
    body=st.text(alphabet="0123456789", min_size=17, max_size=17),
    wrong=st.sampled_from("0123456789X"),
)
def test_it_rejects_every_wrong_check_digit(body: str, wrong: str) -> None:
    if wrong == rules.id_check_digit(body):
        return
    with pytest.raises(rules.RuleError):
        rules.parse_id_number(body + wrong)


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("13800138000", True),
        ("19912345678", True),
        ("12800138000", False),
        ("1380013800", False),
        ("138001380001", False),
        ("23800138000", False),
        ("1380013800a", False),
    ],
)
def test_it_checks_mobile_numbers(phone: str, ok: bool) -> None:
    assert (rules.phone_error(phone) is None) is ok


def test_it_masks_personal_data() -> None:
    assert rules.mask_id("11010519491231002X") == "110105********002X"
    assert rules.mask_phone("13812345678") == "138****5678"
    assert rules.mask_phone("") == ""


@pytest.mark.parametrize(
    "value",
    [
        "2020-07-01",
        "2020/7/1",
        "2020.07.01",
        "2020年7月1日",
        "20200701",
        dt.date(2020, 7, 1),
        dt.datetime(2020, 7, 1, 0, 0),
    ],  # noqa: DTZ001  (spreadsheet cells are naive)
)
def test_it_parses_the_date_forms_spreadsheets_hold(value: object) -> None:
    assert rules.parse_date(value) == dt.date(2020, 7, 1)


@pytest.mark.parametrize(
    ("value", "reason"), [("2020-02-30", "不是真实的日期"), ("七月一日", "不是日期")]
)
def test_it_explains_unreadable_dates(value: str, reason: str) -> None:
    with pytest.raises(rules.RuleError, match=reason):
        rules.parse_date(value)


# --- roster rows ----------------------------------------------------------------------------

GOOD = {
    "姓名": "张卫国",
    "性别": "男",
    "出生日期": "1985-03-07",
    "身份证号": "110101198503070013",
    "手机号": "13800138000",
    "人员类别": "正式党员",
    "入党日期": "2010-07-01",
    "转正日期": "2011-07-01",
}


def check(**changes: object) -> list[tuple[str, str]]:
    raw = {**GOOD, **changes}
    return rules.validate_row(
        {k: v for k, v in raw.items() if v is not None},
        today=TODAY,
        groups=frozenset({"第一党小组"}),
    ).errors


def test_it_accepts_a_good_row() -> None:
    row = rules.validate_row(GOOD, today=TODAY, groups=frozenset())
    assert row.errors == []
    assert row.values["birth_date"] == dt.date(1985, 3, 7)
    assert row.values["in_branch_since"] == dt.date(2010, 7, 1)  # defaults to 入党日期


def test_it_counts_non_members_in_the_branch_from_today() -> None:
    row = rules.validate_row(
        {**GOOD, "人员类别": "入党申请人", "入党日期": "", "转正日期": ""},
        today=TODAY,
        groups=frozenset(),
    )
    assert row.errors == [] and row.values["in_branch_since"] == TODAY


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"姓名": ""}, ("姓名", "必填")),
        ({"身份证号": None}, ("身份证号", "必填")),
        ({"人员类别": ""}, ("人员类别", "必填")),
        (
            {"身份证号": "110101198503070014"},
            ("身份证号", "校验位错误（按前17位计算应为 3），请核对号码"),
        ),
        (
            {"身份证号": 110101198503070013},
            ("身份证号", "单元格是数字格式，后几位可能已丢失，请把该列设为文本后重新填写"),
        ),
        ({"性别": "女"}, ("性别", "与身份证号不一致（身份证号显示为男）")),
        ({"性别": "未知"}, ("性别", "应为“男”或“女”，不能是“未知”")),
        ({"出生日期": "1985-03-08"}, ("出生日期", "与身份证号中的出生日期 1985-03-07 不一致")),
        ({"手机号": "12345"}, ("手机号", "应为以1开头、第二位为3至9的11位手机号码")),
        (
            {"人员类别": "党员"},
            ("人员类别", "应为 正式党员、预备党员、发展对象、入党积极分子、入党申请人 之一"),
        ),
        ({"入党日期": ""}, ("入党日期", "正式党员必须填写入党日期")),
        (
            {"入党日期": "2027-01-01", "转正日期": ""},
            ("入党日期", "2027-01-01 晚于今天，不能是将来的日期"),
        ),
        (
            {"入党日期": "2001-01-01", "转正日期": ""},
            ("入党日期", "入党时未满18周岁（按身份证号计算）"),
        ),
        ({"转正日期": "2011-06-30"}, ("转正日期", "应在入党满1年之后（不早于 2011-07-01）")),
        (
            {"人员类别": "预备党员", "入党日期": "2026-01-01"},
            ("转正日期", "只有正式党员才有转正日期"),
        ),
        (
            {"人员类别": "入党积极分子", "转正日期": ""},
            ("入党日期", "入党积极分子尚未入党，入党日期应为空"),
        ),
        ({"入党日期": "2010-13-01"}, ("入党日期", "“2010-13-01”不是真实的日期")),
        ({"党小组": "第九党小组"}, ("党小组", "本支部没有名为“第九党小组”的党小组")),
        (
            {"转入本支部日期": "2030-01-01"},
            ("转入本支部日期", "2030-01-01 晚于今天，不能是将来的日期"),
        ),
        ({"姓名": "名" * 51}, ("姓名", "不能超过50个字")),
    ],
)
def test_it_names_the_problem_of_each_bad_row(
    changes: dict[str, object], expected: tuple[str, str]
) -> None:
    assert expected in check(**changes)


def test_it_refuses_people_under_eighteen() -> None:
    young = make_id_number(dt.date(2009, 1, 1), 7)
    errors = check(
        **{
            "身份证号": young,
            "出生日期": "",
            "人员类别": "入党申请人",
            "入党日期": "",
            "转正日期": "",
        }
    )
    assert ("身份证号", "按出生日期计算未满18周岁") in errors


def test_it_reports_every_problem_of_a_row_at_once() -> None:
    errors = check(**{"姓名": "", "手机号": "1", "转正日期": "2010-08-01"})
    assert {col for col, _ in errors} == {"姓名", "手机号", "转正日期"}


CHANGES = [
    (dt.date(2025, 3, 1), "activist", "probationary"),
    (dt.date(2026, 3, 1), "probationary", "full"),
]


@pytest.mark.parametrize(
    ("day", "category"),
    [
        (dt.date(2025, 2, 28), "activist"),
        (dt.date(2025, 3, 1), "probationary"),  # the day of the vote counts
        (dt.date(2026, 2, 28), "probationary"),
        (dt.date(2026, 3, 1), "full"),
        (dt.date(2027, 1, 1), "full"),
    ],
)
def test_it_tells_the_category_on_a_day_from_the_changes(day: dt.date, category: str) -> None:
    assert rules.value_on("full", CHANGES, day) == category


def test_it_takes_the_category_now_without_changes() -> None:
    assert rules.value_on("probationary", [], dt.date(2000, 1, 1)) == "probationary"
