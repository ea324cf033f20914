"""Historical meeting ledgers (纸质会议台账): read the .xlsx, check every row, import it.

A branch moving from paper types its old 会议记录本 into one sheet, one meeting a row. The
import follows the roster import (members/roster.py, members/rules.py, members/services.py):
python-calamine reads the sheet, pure functions check each row, every problem is reported as
``第N行 列名: 原因``, and the file is written all together or not at all.

This module has three parts: reading and the template (.xlsx), pure rules (plain values in and
out, no ORM: parsing cells, splitting and matching names against a snapshot of the roster), and
the import service ``meeting_ledger_import``, the only part that touches the database.

Two decisions about history, both for old paper records:

* **Who may be named.** Names match the branch's roster *including people who have since left*:
  transferred out (to a branch outside zhibu, or to another branch in zhibu), died, or left the
  party. A ledger is history, and someone who moved away in 2022 was at the 2019 meetings. We do
  not require that the person was in the branch on the meeting date (转入本支部日期): old rosters
  seldom have that date right, and a wrong one would reject a true record. We do require that a
  person named in 出席/请假/缺席 was a party member (正式 or 预备) that day, by the 入党日期 on the
  roster; anyone else present belongs in 列席.
* **Who was expected.** Only the people named in 出席, 请假 and 缺席 become attendees (应到). Members
  the rules would have expected (RULES.md §3) but the ledger does not name are *not* added: paper
  ledgers often record only who came, and adding everyone else as absent would invent absences
  (and 补学 tasks) that nobody recorded. So an imported meeting's 应到 is what the ledger says.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhibu.accounts.models import User
from zhibu.core import audit
from zhibu.core.bulk import insert_many
from zhibu.core.xlsx import Row, read_table
from zhibu.meetings import rules
from zhibu.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceRole,
    AttendanceStatus,
    LeaveState,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesState,
    SignMethod,
)
from zhibu.members.models import (
    NO_DISCIPLINE,
    PARTY_PROBATION,
    EventKind,
    Member,
    MemberEvent,
    Transfer,
    TransferDirection,
    TransferState,
)
from zhibu.members.rules import RuleError, parse_date, value_on
from zhibu.members.services import ImportResult
from zhibu.orgs.models import Organization, OrgKind

# --- columns --------------------------------------------------------------------------------

COLUMNS = (
    "会议类型",
    "党小组",
    "日期",
    "开始时间",
    "主题",
    "主持人",
    "记录人",
    "出席",
    "请假",
    "缺席",
    "列席",
    "内容摘要",
)
REQUIRED_COLUMNS = ("会议类型", "日期", "主题")
# The columns that make someone an attendee (应到), and the status each one records.
STATUS_BY_COLUMN = {
    "出席": AttendanceStatus.PRESENT.value,
    "请假": AttendanceStatus.LEAVE.value,
    "缺席": AttendanceStatus.ABSENT.value,
}
OBSERVER_COLUMN = "列席"
PEOPLE_COLUMNS = (*STATUS_BY_COLUMN, OBSERVER_COLUMN)

# The six names of the form, plus the short names secretaries write on paper.
KIND_BY_TEXT = {
    **rules.KIND_BY_LABEL,
    "党员大会": rules.BRANCH_ASSEMBLY,
    "支部大会": rules.BRANCH_ASSEMBLY,
    "支委会": rules.COMMITTEE_MEETING,
    "支部委员会": rules.COMMITTEE_MEETING,
    "党小组会议": rules.GROUP_MEETING,
    "主题党日活动": rules.THEME_DAY,
}
DEFAULT_START = dt.time(9, 0)
DURATION = dt.timedelta(hours=2)  # a ledger gives no end time
FOUNDED = dt.date(1921, 7, 1)  # no branch met before the party was founded: a typo
TITLE_MAX = 200
NAME_MAX = 50
NOTE_MAX = 100
# What a secretary writes in an empty 请假/缺席 cell.
NOBODY = frozenset({"无", "没有", "暂无", "—", "-", "－", "/", "／", "\\"})
SOURCE = "纸质台账导入"

EXAMPLE_ROWS = (
    {
        "会议类型": "主题党日",
        "日期": "2024-03-10",
        "开始时间": "09:00",
        "主题": "学习贯彻全国两会精神",
        "主持人": "张卫国",
        "记录人": "李红",
        "出席": "张卫国、李红、王建军、张伟(123X)",
        "请假": "赵强（外出务工）",
        "缺席": "",
        "列席": "陈明（入党积极分子）",
        "内容摘要": "集中学习全国两会精神；重温入党誓词；交纳党费；讨论春耕互助安排。",
    },
    {
        "会议类型": "党小组会",
        "党小组": "第一党小组",
        "日期": "2024-03-15",
        "开始时间": "14:30",
        "主题": "学习党章第一章",
        "主持人": "王建军",
        "记录人": "张伟(123X)",
        "出席": "王建军，张伟(123X)",
        "缺席": "赵强",
        "内容摘要": "逐条学习党章第一章，每人交流一条体会。",
    },
)
NOTES = (
    "一行登记一次会议。第1行为列名，列的顺序可以调整；带 * 的列必填：会议类型*、日期*、主题*。",
    "会议类型填：" + "、".join(rules.KIND_LABELS.values()) + "。党小组会必须填写党小组。",
    "日期写成 2024-03-10；开始时间写成 14:30，不填按 09:00 计；会议时长按2小时计。",
    "出席、请假、缺席、列席：多个姓名用顿号或逗号隔开，如 张卫国、李红。",
    "姓名须与本支部花名册一致（已转出、去世的人员也可填写）。本支部有同名人员时，请在姓名后加"
    "身份证号后四位，如 张伟(123X)。",
    "同一人只能填在出席、请假、缺席、列席中的一列；出席、请假、缺席只填当时的党员（正式、预备党员），"
    "入党积极分子、群众和上级领导填在列席。",
    "请假可在姓名后用括号写事由，如 赵强（外出务工）；列席可写职务或身份，如 陈明（村委会主任）。",
    "只登记表格中写明的人：未填写的党员不会被记为缺席。",
    "导入的会议视为已召开、会议记录已确认；同一次会议（类型、党小组、日期、主题都相同）不能重复导入。",
    "有任何一行不符合要求时，整个文件都不会导入，请按提示修改后重新上传。",
)


# --- reading and the template ---------------------------------------------------------------


class LedgerFileError(ValueError):
    """The upload is not a readable .xlsx ledger."""


def read_ledger(fileobj: IO[bytes]) -> tuple[list[tuple[int, str, str]], Iterator[Row]]:
    """Header problems (as ``(1, column, reason)``) and the data rows keyed by column name
    (``core.xlsx.read_table``)."""
    return read_table(fileobj, columns=COLUMNS, required=REQUIRED_COLUMNS, error=LedgerFileError)


WIDTHS = {"主题": 28, "出席": 40, "请假": 20, "缺席": 16, "列席": 20, "内容摘要": 50}


def template_workbook() -> bytes:
    """The ledger template: the columns, two example rows and a sheet of instructions."""
    wb = Workbook()
    ws = wb.active
    if ws is None:  # a new Workbook always has one sheet; this satisfies the type checker
        ws = wb.create_sheet()
    ws.title = "会议台账"
    ws.append(list(COLUMNS))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F3F4F6")
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(horizontal="center")
    for i, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = WIDTHS.get(name, 14)
        # Text, so Excel keeps 2024-03-10 and 14:30 as typed.
        ws.column_dimensions[letter].number_format = "@"
    for example in EXAMPLE_ROWS:
        ws.append([example.get(c, "") for c in COLUMNS])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 110
    for line in NOTES:
        notes.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- pure rules: cells ----------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_TIME_RE = re.compile(r"^(\d{1,2})\s*[:：时点]\s*(?:(\d{1,2})\s*分?)?(?:\s*[:：]\s*(\d{1,2}))?$")


def parse_time(value: Any) -> dt.time:
    """A start time from a cell: an Excel time, or text like 14:30, 14:30:00, 14：30, 14点30分."""
    if isinstance(value, dt.datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:  # a time typed into a number cell
        seconds = round(value * 86400)
        return dt.time(seconds // 3600, seconds % 3600 // 60)
    text = _text(value)
    m = _TIME_RE.match(text)
    if m:
        try:
            return dt.time(int(m[1]), int(m[2] or 0), int(m[3] or 0))
        except ValueError:
            pass
    raise RuleError(f"“{text}”不是时间，请写成 14:30 的格式")


def parse_kind(text: str) -> str:
    """The meeting kind's code from its Chinese name (or a common short name)."""
    kind = KIND_BY_TEXT.get(re.sub(r"\s+", "", text))
    if kind is None:
        raise RuleError("应为 " + "、".join(rules.KIND_LABELS.values()) + " 之一")
    return kind


@dataclass(frozen=True)
class NameRef:
    """A name as written in the ledger: 张伟, 张伟(123X), 赵强（外出务工）."""

    text: str  # as written, for messages
    name: str
    tail: str = ""  # the ID number's last four characters, to tell namesakes apart
    note: str = ""  # other text in brackets: a leave reason, an observer's title


_SPLIT = frozenset("、，,；;\n\r")
_OPEN, _CLOSE = "(（[【", ")）]】"
_TAIL_RE = re.compile(r"^\d{3}[\dXx]$")


def split_names(value: Any) -> list[str]:
    """Names separated by 、 or commas (also ; and line breaks); brackets may hold commas.

    Spaces inside a name are dropped: paper ledgers pad two-character names (张　伟) to line
    them up with three-character ones.
    """
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in _text(value):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        if ch in _SPLIT and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    out = []
    for piece in pieces:
        piece = re.sub(r"\s+", "", piece)
        if piece and piece not in NOBODY:
            out.append(piece)
    return out


def parse_name(text: str) -> NameRef:
    """Split 张伟(123X)（病假） into the name, the ID tail and a note; either bracket is optional."""
    m = re.match(r"^([^()（）\[\]【】]+)(.*)$", text)
    if m is None:
        raise RuleError(f"“{text}”不是姓名")
    name, rest = m[1], m[2]
    groups = re.findall(r"[(（\[【]([^()（）\[\]【】]*)[)）\]】]", rest)
    if re.sub(r"[(（\[【][^()（）\[\]【】]*[)）\]】]", "", rest):
        raise RuleError(f"“{text}”的括号不完整")
    tail, note = "", ""
    for inner in groups:
        inner = inner.strip()
        if _TAIL_RE.match(inner) and not tail:
            tail = inner.upper()
        elif inner and not note:
            note = inner
        elif inner:
            raise RuleError(f"“{text}”的括号太多：请只写身份证号后四位和一项说明")
    return NameRef(text=text, name=name, tail=tail, note=note)


# --- pure rules: rows -----------------------------------------------------------------------


@dataclass
class LedgerRow:
    """A ledger row after the cell checks: the values read, and the problems as (column, reason).

    The row is clean when ``errors`` is empty; the values are kept either way so that the names
    are checked too and every problem of the row is reported at once.
    """

    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, column: str, reason: str) -> None:
        self.errors.append((column, reason))


def validate_row(raw: Mapping[str, Any], *, now: dt.datetime, groups: frozenset[str]) -> LedgerRow:
    """Parse one row's cells and check what needs no roster (names are matched afterwards).

    ``now`` is the local wall-clock time (naive); ``groups`` the names of the branch's open
    groups. Duplicates across rows and in the database are the importer's.
    """
    row = LedgerRow()
    text = {col: _text(raw.get(col)) for col in COLUMNS}
    v: dict[str, Any] = {"summary": text["内容摘要"], "group": text["党小组"]}

    v["kind"] = None
    if not text["会议类型"]:
        row.error("会议类型", "必填")
    else:
        try:
            v["kind"] = parse_kind(text["会议类型"])
        except RuleError as exc:
            row.error("会议类型", str(exc))

    if v["kind"] == rules.GROUP_MEETING and not v["group"]:
        row.error("党小组", "党小组会必须填写党小组")
    elif v["group"] and v["kind"] is not None and v["kind"] != rules.GROUP_MEETING:
        row.error("党小组", "只有党小组会填写党小组，其他会议请留空")
    elif v["group"] and v["group"] not in groups:
        row.error("党小组", f"本支部没有名为“{v['group']}”的党小组")

    v["date"] = None
    if not text["日期"]:
        row.error("日期", "必填")
    else:
        try:
            v["date"] = parse_date(raw.get("日期"))
        except RuleError as exc:
            row.error("日期", str(exc))
    if v["date"] is not None and v["date"] > now.date():
        row.error("日期", f"{v['date'].isoformat()} 晚于今天，不能是将来的日期")
        v["date"] = None  # so the names are not checked against a date that is wrong
    elif v["date"] is not None and v["date"] < FOUNDED:
        row.error("日期", f"{v['date'].isoformat()} 早于建党日期，请核对")
        v["date"] = None

    v["start"] = DEFAULT_START
    day_cell = raw.get("日期")
    if text["开始时间"]:
        try:
            v["start"] = parse_time(raw.get("开始时间"))
        except RuleError as exc:
            row.error("开始时间", str(exc))
    elif isinstance(day_cell, dt.datetime) and day_cell.time() != dt.time(0, 0):
        v["start"] = day_cell.time().replace(microsecond=0)  # a date cell that carries the time
    if v["date"] is not None and v["date"] == now.date() and v["start"] > now.time():
        row.error("开始时间", f"{v['start']:%H:%M} 还没有到，不能导入尚未召开的会议")

    v["title"] = re.sub(r"\s+", " ", text["主题"])
    if not v["title"]:
        row.error("主题", "必填")
    elif len(v["title"]) > TITLE_MAX:
        row.error("主题", f"不能超过{TITLE_MAX}个字")

    for column, key in (("主持人", "host"), ("记录人", "recorder")):
        v[key] = None
        names = split_names(text[column])
        if len(names) > 1:
            row.error(column, "只能填写一人")
        elif names:
            try:
                v[key] = parse_name(names[0])
            except RuleError as exc:
                row.error(column, str(exc))

    v["people"] = {}
    for column in PEOPLE_COLUMNS:
        refs: list[NameRef] = []
        for piece in split_names(text[column]):
            try:
                ref = parse_name(piece)
            except RuleError as exc:
                row.error(column, str(exc))
                continue
            if column in ("出席", "缺席") and ref.note:
                row.error(column, f"“{ref.text}”括号中应为身份证号后四位，如 张伟(123X)")
                continue
            if len(ref.name) > NAME_MAX or len(ref.note) > NOTE_MAX:
                row.error(column, f"“{ref.text[:20]}…”太长：姓名不超过{NAME_MAX}个字")
                continue
            refs.append(ref)
        v["people"][column] = refs
    row.values = v  # kept with errors too, so the names are still checked (all problems at once)
    return row


# --- pure rules: matching names ------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """What matching needs to know about someone on the branch's roster (past or present)."""

    id: int
    name: str
    tail: str
    category: str
    joined_on: dt.date | None = None
    full_on: dt.date | None = None
    # 留党察看: the state now and its dated changes (on, from, to), oldest first
    party_probation: bool = False
    discipline: tuple[tuple[dt.date, str, str], ...] = ()


Roster = Mapping[str, Sequence[Person]]  # name → the people of that name


def roster_index(people: Iterable[Person]) -> dict[str, list[Person]]:
    index: dict[str, list[Person]] = {}
    for p in people:
        index.setdefault(p.name, []).append(p)
    return index


def find_person(ref: NameRef, roster: Roster) -> Person | None:
    """The one person ``ref`` names, or None when nobody on the roster has that name.

    Raises RuleError when the name is shared and no (or a wrong) ID tail tells them apart.
    """
    people = roster.get(ref.name, ())
    if ref.tail:
        matched = [p for p in people if p.tail.upper() == ref.tail]
        if not matched and people:
            raise RuleError(f"本支部花名册中没有身份证号后四位为{ref.tail}的“{ref.name}”")
        if not matched:
            return None
        people = matched
    if len(people) > 1:
        if ref.tail:
            raise RuleError(
                f"本支部有{len(people)}人名为“{ref.name}”且身份证号后四位相同，无法区分"
            )
        raise RuleError(
            f"本支部有{len(people)}人名为“{ref.name}”，请在姓名后写明身份证号后四位，"
            f"如 {ref.name}(123X)"
        )
    return people[0] if people else None


def party_member_on(person: Person, day: dt.date) -> bool:
    """正式 or 预备党员 that day, by the roster's 入党日期."""
    return (
        person.category in rules.PARTY and person.joined_on is not None and person.joined_on <= day
    )


def had_vote_on(person: Person, day: dt.date) -> bool:
    """有表决权 that day: a 正式党员 already (not still 预备) by the roster's 转正日期, and not
    under 留党察看 that day (as ``services.people_on`` judges a planned meeting)."""
    now = PARTY_PROBATION if person.party_probation else NO_DISCIPLINE
    return (
        party_member_on(person, day)
        and person.category == "full"
        and (person.full_on is None or person.full_on <= day)
        and value_on(now, list(person.discipline), day) != PARTY_PROBATION
    )


@dataclass(frozen=True)
class Entry:
    """One attendance row to write: a member, or a guest by name (observers only)."""

    member_id: int | None
    guest_name: str
    guest_title: str
    role: str
    status: str
    voting: bool = False
    leave_reason: str = ""


def match_people(
    values: Mapping[str, Any], roster: Roster
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Match the row's names against the roster: host and recorder ids, attendance entries.

    Returns ``({"host", "recorder", "entries"}, errors)``; errors as (column, reason). Without
    a valid date (already reported) the names are matched but not checked against it.
    """
    day: dt.date | None = values["date"]
    errors: list[tuple[str, str]] = []
    out: dict[str, Any] = {"host": None, "recorder": None, "entries": []}
    for column, slot in (("主持人", "host"), ("记录人", "recorder")):
        ref: NameRef | None = values[slot]
        if ref is None:
            continue
        try:
            person = find_person(ref, roster)
        except RuleError as exc:
            errors.append((column, str(exc)))
            continue
        if person is None:
            errors.append(
                (column, f"本支部花名册中没有“{ref.name}”；{column}须是本支部人员（含已转出的）")
            )
        else:
            out[slot] = person.id

    seen: dict[int | str, str] = {}  # member id, or a guest's name → the column it is in
    for column in PEOPLE_COLUMNS:
        for ref in values["people"][column]:
            try:
                person = find_person(ref, roster)
            except RuleError as exc:
                errors.append((column, str(exc)))
                continue
            who: int | str = person.id if person else ref.name
            if who in seen:
                where = seen[who]
                errors.append(
                    (column, f"“{ref.text}”填写了两次")
                    if where == column
                    else (
                        column,
                        f"“{ref.text}”已填在“{where}”列：同一人只能填在出席、请假、缺席、"
                        "列席中的一列",
                    )
                )
                continue
            seen[who] = column
            if column == OBSERVER_COLUMN:
                out["entries"].append(
                    Entry(
                        member_id=person.id if person else None,
                        guest_name="" if person else ref.name,
                        guest_title=ref.note,
                        role=AttendanceRole.OBSERVER.value,
                        status=AttendanceStatus.PRESENT.value,
                    )
                )
                continue
            if person is None:
                errors.append(
                    (
                        column,
                        f"本支部花名册中没有“{ref.name}”（已转出、去世的人员也已核对）；"
                        "非本支部人员请填在“列席”列",
                    )
                )
            elif day is not None and not party_member_on(person, day):
                errors.append(
                    (column, f"{ref.text}在会议当天还不是党员，请填在“列席”列")
                    if person.joined_on and person.category in rules.PARTY
                    else (column, f"{ref.text}不是党员，请填在“列席”列")
                )
            else:
                out["entries"].append(
                    Entry(
                        member_id=person.id,
                        guest_name="",
                        guest_title="",
                        role=AttendanceRole.ATTENDEE.value,
                        status=STATUS_BY_COLUMN[column],
                        voting=day is not None and had_vote_on(person, day),
                        leave_reason=ref.note if column == "请假" else "",
                    )
                )
    return out, errors


def attendance_snapshot(
    kind: str,
    entries: Sequence[Entry],
    names: Mapping[int, str],
    *,
    host: int | None = None,
    recorder: int | None = None,
) -> dict[str, Any]:
    """The attendance as the minutes freeze it, from the entries before they are written.

    The same dictionary ``services.attendance_summary`` builds from the database (a test pins
    the two together for every kind); computed here because querying it back costs a query and
    a decryption of every member's personal data per meeting, most of a 10-year import's time.
    Imported rows carry no exclusions and no written opinions.
    """

    def name(e: Entry) -> str:
        return names[e.member_id] if e.member_id is not None else e.guest_name

    lines = [
        rules.Line(
            name=name(e),
            status=e.status,
            observer=e.role == AttendanceRole.OBSERVER,
            voting=e.voting,
            leave_reason=e.leave_reason,
            title=e.guest_title,
        )  # fmt: skip
        for e in entries
    ]
    summary = rules.attendance_snapshot(kind, lines)
    summary["host"] = names.get(host, "") if host else ""
    summary["recorder"] = names.get(recorder, "") if recorder else ""
    return summary


def meeting_key(values: Mapping[str, Any]) -> tuple[str, str, dt.date, str]:
    """What makes two rows the same meeting: kind, group, date and 主题."""
    return (values["kind"], values["group"] or "", values["date"], values["title"])


# --- the import service ---------------------------------------------------------------------


@dataclass
class LedgerResult(ImportResult):
    """The roster import's result, counting meetings by kind and the attendance rows."""

    attendance: int = 0

    def summary(self) -> str:
        parts = "，".join(
            f"{label} {self.counts[code]} 次"
            for code, label in rules.KIND_LABELS.items()
            if self.counts[code]
        )
        verb = "已导入" if self.written else "检查通过，可导入"
        total = sum(self.counts.values())
        return (
            f"{verb} {total} 次会议"
            + (f"：{parts}" if parts else "")
            + (f"；出席情况 {self.attendance} 人次" if self.attendance else "")
        )


def _check_branch(branch: Organization) -> None:
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"branch": "会议台账只能导入到党支部"})
    if branch.is_closed:
        raise ValidationError({"branch": f"{branch.name}已撤销"})


def _groups_of(branch: Organization) -> dict[str, Organization]:
    return {
        g.name: g for g in Organization.objects.current().filter(parent=branch, kind=OrgKind.GROUP)
    }


def branch_roster(branch: Organization) -> dict[int, Member]:
    """Everyone who is or was on the branch's roster: its members whatever their status (在册,
    转出 outside zhibu, 去世, 出党), and those who transferred to another branch in zhibu.

    Deliberately wider than "in the branch on the meeting date" (see the module docstring).
    """
    moved = Transfer.objects.filter(
        from_org=branch, direction=TransferDirection.OUT, state=TransferState.COMPLETED
    ).values("member")
    members = Member.objects.filter(Q(branch=branch) | Q(pk__in=moved)).only(
        "pk", "name", "id_number_tail", "category", "joined_on", "full_on", "party_probation"
    )
    return {m.pk: m for m in members}


def _people(members: Mapping[int, Member]) -> dict[str, list[Person]]:
    discipline: dict[int, list[tuple[dt.date, str, str]]] = {}
    for member_id, day, was, became in (
        MemberEvent.objects.filter(member__in=list(members), kind=EventKind.DISCIPLINE)
        .order_by("on", "pk")
        .values_list("member_id", "on", "from_value", "to_value")
    ):
        discipline.setdefault(member_id, []).append((day, was, became))
    return roster_index(
        Person(
            id=m.pk,
            name=m.name,
            tail=m.id_number_tail,
            category=m.category,
            joined_on=m.joined_on,
            full_on=m.full_on,
            party_probation=m.party_probation,
            discipline=tuple(discipline.get(m.pk, ())),
        )
        for m in members.values()
    )


def _existing(
    branch: Organization, clean: Sequence[Mapping[str, Any]], groups: Mapping[str, Organization]
) -> dict[tuple[str, str, dt.date, str], Meeting]:
    """Meetings already in the database (not cancelled) that rows of ``clean`` would repeat."""
    if not clean:
        return {}
    tz = timezone.get_current_timezone()
    first = min(v["date"] for v in clean)
    last = max(v["date"] for v in clean) + dt.timedelta(days=1)
    names = {g.pk: name for name, g in groups.items()}
    wanted = {meeting_key(v) for v in clean}
    found: dict[tuple[str, str, dt.date, str], Meeting] = {}
    rows = (
        Meeting.objects.filter(
            branch=branch,
            starts_at__gte=dt.datetime.combine(first, dt.time(0), tzinfo=tz),
            starts_at__lt=dt.datetime.combine(last, dt.time(0), tzinfo=tz),
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .only("pk", "kind", "group_id", "starts_at", "title")
    )
    for m in rows:
        key = (m.kind, names.get(m.group_id or 0, ""), m.date, m.title)
        if key in wanted:
            found[key] = m
    return found


def _duplicate_reason(m: Meeting) -> str:
    return (
        f"系统中已有这次会议（{m.date.isoformat()} {m.get_kind_display()}「{m.title}」），"
        "不能重复导入"
    )


def ledger_check(
    *,
    branch: Organization,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    header_errors: Sequence[tuple[int, str, str]] = (),
) -> tuple[LedgerResult, list[dict[str, Any]]]:
    """Validate every row: cells, names against the roster, repeats in the file and database.

    With a wrong header row the rows are not checked (each would only repeat its problem).
    """
    result = LedgerResult(errors=list(header_errors))
    if header_errors:
        return result, []
    now = timezone.localtime().replace(tzinfo=None)
    groups = _groups_of(branch)
    roster = _people(branch_roster(branch))
    clean: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, dt.date, str], int] = {}
    for number, raw in rows:
        result.rows += 1
        row = validate_row(raw, now=now, groups=frozenset(groups))
        matched, name_errors = match_people(row.values, roster)
        errors = row.errors + name_errors
        for column, reason in errors:
            result.errors.append((number, column, reason))
        if errors:
            continue
        key = meeting_key(row.values)
        if key in seen:
            result.errors.append(
                (number, "主题", f"与第{seen[key]}行是同一次会议（类型、党小组、日期、主题都相同）")
            )
            continue
        seen[key] = number
        clean.append({**row.values, **matched, "_row": number})
    for key, meeting in _existing(branch, clean, groups).items():
        result.errors.append((seen[key], "主题", _duplicate_reason(meeting)))
    result.errors.sort(key=lambda e: e[0])
    if result.rows == 0 and not result.errors:
        result.errors.append((2, "会议类型", "表格中没有数据行"))
    for v in clean:
        result.counts[v["kind"]] += 1
        result.attendance += len(v["entries"])
    return result, clean


def meeting_ledger_import(
    *,
    actor: User | None,
    branch: Organization,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    header_errors: Sequence[tuple[int, str, str]] = (),
    dry_run: bool = False,
) -> ImportResult:
    """Import a branch's paper ledger: every row valid and all written, or nothing at all.

    Each row becomes a held meeting (``imported``) with confirmed minutes (version 1: one item,
    the 主题 with the 内容摘要; the attendance frozen as ``services.attendance_summary`` would
    compute it) and attendance rows for the people named. One audit event per meeting and one for the
    import. As with the roster, checking runs before the write transaction so a big file does
    not hold the database's write lock; inside it the one thing that can change meanwhile, a
    meeting entered since, is checked again. Nobody is notified and no 补学 is asked for: these
    meetings are history.
    """
    _check_branch(branch)
    result, clean = ledger_check(branch=branch, rows=rows, header_errors=header_errors)
    if not result.ok or dry_run:
        return result
    with transaction.atomic():
        _ledger_write(actor, branch, clean, result)
    return result


def _ledger_write(
    actor: User | None, branch: Organization, clean: list[dict[str, Any]], result: LedgerResult
) -> None:
    groups = _groups_of(branch)
    taken = _existing(branch, clean, groups)
    if taken:  # entered by someone else since the check: report, write nothing
        for v in clean:
            if (m := taken.get(meeting_key(v))) is not None:
                result.errors.append((v["_row"], "主题", _duplicate_reason(m)))
        return
    members = branch_roster(branch)
    tz = timezone.get_current_timezone()
    meetings = []
    for v in clean:
        starts_at = dt.datetime.combine(v["date"], v["start"], tzinfo=tz)
        meetings.append(
            Meeting(
                branch=branch,
                group=groups[v["group"]] if v["group"] else None,
                kind=v["kind"],
                title=v["title"],
                starts_at=starts_at,
                ends_at=starts_at + DURATION,
                host=members.get(v["host"]) if v["host"] else None,
                recorder=members.get(v["recorder"]) if v["recorder"] else None,
                status=MeetingStatus.HELD,
                imported=True,
            )
        )
    Meeting.objects.bulk_create(meetings)  # sets the primary keys (SQLite ≥ 3.35, PostgreSQL)
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=m, position=0, title=m.title) for m in meetings
    )
    insert_many(
        Attendance,
        (
            Attendance(
                meeting_id=m.pk,
                member_id=e.member_id,
                guest_name=e.guest_name,
                guest_title=e.guest_title,
                role=e.role,
                voting=e.voting,
                status=e.status,
                sign_method=SignMethod.IMPORT,
                leave_reason=e.leave_reason,
                # A leave written in the minutes was granted.
                leave_state=LeaveState.APPROVED if e.status == AttendanceStatus.LEAVE else "",
                # As minutes_confirm sets it: everyone present took part that day.
                participated_on=v["date"]
                if e.status == AttendanceStatus.PRESENT and e.role == AttendanceRole.ATTENDEE
                else None,
            )
            for m, v in zip(meetings, clean, strict=True)
            for e in v["entries"]
        ),
    )
    names = {pk: member.name for pk, member in members.items()}
    now = timezone.now()
    minutes = []
    events = []
    for m, v in zip(meetings, clean, strict=True):
        summary = attendance_snapshot(
            m.kind, v["entries"], names, host=v["host"], recorder=v["recorder"]
        )
        minutes.append(
            Minutes(
                meeting=m,
                version=1,
                state=MinutesState.CONFIRMED,
                content={
                    "items": [{"title": m.title, "is_first_topic": False, "content": v["summary"]}],
                    "resolutions": [],
                    "summary": "",
                },
                attendance=summary,
                created_by=actor,
                created_at=now,
                confirmed_by=actor,
                confirmed_at=now,
            )
        )
        events.append(
            audit.event_for(
                "meeting.import",
                m,
                organization=branch,
                changes=audit.created(
                    {
                        **m.audit_values(),
                        "attendance": f"应到{summary['expected']} 实到{summary['present']} "
                        f"请假{summary['leave']} 缺席{summary['absent']}",
                        "source": f"{SOURCE}（第{v['_row']}行）",
                    }
                ),
            )
        )
    Minutes.objects.bulk_create(minutes)
    events.append(
        audit.event_for(
            "ledger.import",
            branch,
            organization=branch,
            changes={
                "rows": [None, result.rows],
                "meetings": [None, {rules.KIND_LABELS[k]: n for k, n in result.counts.items()}],
                "attendance": [None, result.attendance],
            },
        )
    )
    audit.record_many(actor, events)
    result.written = True
