"""Who attends, who votes, quorums, resolutions, sign-in windows (RULES.md §3). Pure functions.

Nothing here touches the database: callers pass plain values, so every boundary is tested with
parametrize and hypothesis.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

BRANCH_ASSEMBLY = "branch_assembly"
COMMITTEE_MEETING = "committee_meeting"
GROUP_MEETING = "group_meeting"
LECTURE = "lecture"
THEME_DAY = "theme_day"
LIFE_MEETING = "life_meeting"

KIND_LABELS = {
    BRANCH_ASSEMBLY: "支部党员大会",
    COMMITTEE_MEETING: "支部委员会会议",
    GROUP_MEETING: "党小组会",
    LECTURE: "党课",
    THEME_DAY: "主题党日",
    LIFE_MEETING: "组织生活会",
}
KIND_BY_LABEL = {v: k for k, v in KIND_LABELS.items()}

# Kinds every party member of the branch should attend (RULES.md §3).
WHOLE_BRANCH = frozenset({BRANCH_ASSEMBLY, LECTURE, THEME_DAY, LIFE_MEETING})
PARTY = frozenset({"full", "probationary"})

SIGN_IN_OPENS_BEFORE = dt.timedelta(minutes=30)
# The host's screen shows a new QR code every 60 seconds; a code is accepted for 90 seconds, so a
# scan made just before the change still goes through, and a screenshot sent elsewhere dies.
QR_ROTATE_SECONDS = 60
QR_TOKEN_SECONDS = 90

# Approved exclusions from 应到会有表决权 (RULES.md §3; a setting, off by default: each one is a
# recorded decision with the higher committee's approval, never a default).
EXCLUSION_REASONS = {
    "ill": "因病无法表达意志",
    "abroad": "自费出国半年以上",
    "sentence": "正在服刑",
    "bedridden": "年老体弱卧床不起",
    "should_transfer": "应转走组织关系超过半年而未转走",
}


@dataclass(frozen=True)
class Person:
    """What the rules need to know about a member on the meeting date."""

    id: int
    category: str
    group_id: int | None = None
    on_committee: bool = False  # holds a 支部委员会 position (书记, 委员 …) that day
    suspended: bool = False  # under 留党察看 that day: no vote


def expected(kind: str, people: Iterable[Person], *, group_id: int | None = None) -> list[int]:
    """应到: who should attend a meeting of ``kind`` (observers are added separately, never here).

    支部党员大会, 党课, 主题党日, 组织生活会 → every 正式 and 预备 member of the branch;
    支委会 → the committee members; 党小组会 → the group's members.
    """

    def attends(p: Person) -> bool:
        if kind in WHOLE_BRANCH:
            return True
        if kind == COMMITTEE_MEETING:
            return p.on_committee
        return kind == GROUP_MEETING and group_id is not None and p.group_id == group_id

    return [p.id for p in people if p.category in PARTY and attends(p)]


def has_vote(category: str, *, suspended: bool = False) -> bool:
    """有表决权: 正式党员 only; not 预备党员 (党章 第七条), not a member under 留党察看
    (``suspended``; 党章 第四十条: 留党察看期间没有表决权、选举权和被选举权)."""
    return category == "full" and not suspended


PRESENT, LEAVE, ABSENT = "present", "leave", "absent"


@dataclass(frozen=True)
class Seat:
    """One expected attendee (应到) as the counting rules see them; observers are never seats."""

    status: str  # present, leave or absent
    voting: bool = False  # 有表决权 on the meeting date
    excluded: bool = False  # an approved exclusion from 应到会有表决权
    written: bool = False  # sent a written opinion before the meeting


@dataclass(frozen=True)
class Tally:
    expected: int
    present: int
    leave: int
    absent: int
    voting_expected: int  # 应到会有表决权: voting seats without an approved exclusion
    voting_present: int
    written: int  # written opinions of voting members who were not there


def tally(seats: Iterable[Seat]) -> Tally:
    """应到/实到/请假/缺席 and the voting figures of RULES.md §3 from the attendance rows."""
    seats = list(seats)
    voters = [s for s in seats if s.voting and not s.excluded]
    return Tally(
        expected=len(seats),
        present=sum(1 for s in seats if s.status == PRESENT),
        leave=sum(1 for s in seats if s.status == LEAVE),
        absent=sum(1 for s in seats if s.status == ABSENT),
        voting_expected=len(voters),
        voting_present=sum(1 for s in voters if s.status == PRESENT),
        written=sum(1 for s in voters if s.written and s.status != PRESENT),
    )


def assembly_quorum(*, voting_expected: int, voting_present: int) -> bool:
    """党员大会: present voting members > half of voting members who should attend (strictly)."""
    return voting_expected > 0 and voting_present * 2 > voting_expected


def committee_quorum(*, committee_members: int, present: int) -> bool:
    """支委会: more than half of the committee present."""
    return committee_members > 0 and present * 2 > committee_members


def quorum(kind: str, t: Tally) -> bool | None:
    """Whether a meeting of ``kind`` could decide anything; None for kinds that do not vote."""
    if kind == BRANCH_ASSEMBLY:
        return assembly_quorum(voting_expected=t.voting_expected, voting_present=t.voting_present)
    if kind == COMMITTEE_MEETING:
        return committee_quorum(committee_members=t.expected, present=t.present)
    return None


def resolution_passes(*, yes: int, voting_expected: int) -> bool:
    """A resolution passes with yes > half of the voting members who SHOULD attend.

    Not of those present: 10 voting members, 6 present, 5 yes → 5·2 = 10, not > 10: fails.
    ``yes`` includes written opinions sent before the meeting by absent voting members.
    """
    return voting_expected > 0 and yes * 2 > voting_expected


def resolution_outcome(kind: str, t: Tally, *, yes: int) -> bool | None:
    """Passed or not, for the kinds that vote: never without a quorum, then yes > half of those
    who should attend with a vote (党员大会) or of the committee (支委会)."""
    met = quorum(kind, t)
    if met is None:
        return None
    base = t.voting_expected if kind == BRANCH_ASSEMBLY else t.expected
    return met and resolution_passes(yes=yes, voting_expected=base)


@dataclass(frozen=True)
class Line:
    """One row of a meeting's attendance as the minutes freeze it (plain values)."""

    name: str
    status: str
    observer: bool = False
    voting: bool = False
    excluded: str = ""  # the approved exclusion's reason, as shown
    approval: str = ""
    written: bool = False
    leave_reason: str = ""
    title: str = ""  # an observer's 职务/身份 and 事由

    @property
    def seat(self) -> Seat:
        return Seat(
            status=self.status, voting=self.voting, excluded=bool(self.excluded),
            written=self.written,
        )  # fmt: skip


def attendance_snapshot(kind: str, lines: Iterable[Line]) -> dict[str, Any]:
    """应到/实到/请假/缺席 counts and names, observers, the voting figures and the quorum: what
    a meeting's page shows and what confirmed minutes keep, whatever wrote the rows."""
    lines = list(lines)
    attendees = [x for x in lines if not x.observer]
    t = tally(x.seat for x in attendees)
    out: dict[str, Any] = {
        "expected": t.expected,
        "present": t.present,
        "leave": t.leave,
        "absent": t.absent,
        "present_names": [x.name for x in attendees if x.status == PRESENT],
        "leave_names": [
            {"name": x.name, "reason": x.leave_reason} for x in attendees if x.status == LEAVE
        ],
        "absent_names": [x.name for x in attendees if x.status == ABSENT],
        "observers": [
            {"name": x.name, "title": x.title, "present": x.status == PRESENT}
            for x in lines
            if x.observer
        ],
        "voting_expected": t.voting_expected,
        "voting_present": t.voting_present,
        "written": t.written,
        "excluded": [
            {"name": x.name, "reason": x.excluded, "approval": x.approval}
            for x in attendees
            if x.excluded
        ],
    }
    met = quorum(kind, t)
    if met is not None:
        out["quorum"] = met
    return out


def tally_of(snapshot: Mapping[str, Any]) -> Tally:
    """The figures of a snapshot, back as a Tally."""

    def n(key: str) -> int:
        return int(snapshot.get(key) or 0)

    return Tally(
        expected=n("expected"), present=n("present"), leave=n("leave"), absent=n("absent"),
        voting_expected=n("voting_expected"), voting_present=n("voting_present"),
        written=n("written"),
    )  # fmt: skip


@dataclass(frozen=True)
class VoteCheck:
    ok: bool
    problem: str = ""


def check_votes(
    *,
    yes: int,
    no: int,
    abstain: int,
    written: int,
    voting_present: int,
    written_recorded: int,
) -> VoteCheck:
    """The counts a recorder enters must be possible: nobody votes twice, no negative counts,
    and no more written opinions than the attendance records as sent before the meeting."""
    if min(yes, no, abstain, written) < 0:
        return VoteCheck(False, "票数不能为负数")
    if written > written_recorded:
        return VoteCheck(
            False,
            f"书面意见 {written} 份，多于出席登记中记录的会前书面表决意见 {written_recorded} 份"
            "（请先在出席登记中勾选）",
        )
    if written > yes + no + abstain:
        return VoteCheck(False, "书面意见数不能多于总票数")
    if yes + no + abstain > voting_present + written:
        return VoteCheck(
            False,
            f"赞成、反对、弃权合计 {yes + no + abstain} 票，多于到会有表决权的 {voting_present} 人"
            f"与书面意见 {written} 份之和",
        )
    return VoteCheck(True)


def sign_in_open(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> bool:
    """A member may sign in from 30 minutes before the start until the end."""
    return starts_at - SIGN_IN_OPENS_BEFORE <= now <= ends_at


def sign_in_window_message(
    *, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime
) -> str:
    if now < starts_at - SIGN_IN_OPENS_BEFORE:
        return "签到将于会议开始前30分钟开放"
    if now > ends_at:
        return "会议已结束，签到已关闭"
    return ""


def qr_token(*, key: bytes, meeting_id: int, issued: int) -> str:
    """A sign-in token for ``meeting_id`` issued at Unix second ``issued``: ``issued.mac``."""
    mac = hmac.new(key, f"qr:{meeting_id}:{issued}".encode(), hashlib.sha256).hexdigest()[:16]
    return f"{issued}.{mac}"


def qr_token_valid(*, key: bytes, meeting_id: int, token: str, now: int) -> bool:
    """Valid for 90 seconds after issue (the screen changes it every 60): a screenshot passed on
    stops working within a minute and a half."""
    issued_text, _, mac = token.partition(".")
    if not issued_text.isdigit() or not mac:
        return False
    issued = int(issued_text)
    if not 0 <= now - issued <= QR_TOKEN_SECONDS:
        return False
    expected_token = qr_token(key=key, meeting_id=meeting_id, issued=issued)
    return hmac.compare_digest(expected_token, token)


def monthly_dates(*, start: dt.date, day: int, months: int) -> list[dt.date]:
    """The ``day`` of each month from ``start``'s month on, ``months`` of them, none before start.

    Day 29–31 falls back to the month's last day (a fixed day of 31 is 28 February).
    """
    from zhibu.core.dates import add_months

    out: list[dt.date] = []
    first = start.replace(day=1)
    n = 0
    while len(out) < months:
        month = add_months(first, n)
        n += 1
        last = (add_months(month, 1) - dt.timedelta(days=1)).day
        date = month.replace(day=min(day, last))
        if date >= start:
            out.append(date)
    return out


# The "5" of a 主题党日 "5+X" (FORMS.md: they vary by county; the branch edits its own).
DEFAULT_THEME_DAY_ITEMS = ("集中学习", "重温入党誓词", "交纳党费", "民主议事", "志愿服务")
FIRST_TOPIC = "第一议题：学习习近平总书记最新重要讲话和重要指示批示精神"


def five_plus_x(fixed: Iterable[str], typed: Iterable[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """A 主题党日's agenda: the branch's fixed items (the "5") and what was typed (the "X").

    Nothing typed → the 第一议题 and the five. Otherwise a typed 第一议题 comes first, then any
    fixed item the typed list lacks (in the branch's order), then the typed items as typed.
    """
    typed = list(typed)
    if not typed:
        return [(FIRST_TOPIC, True), *[(t, False) for t in fixed]]
    firsts = [item for item in typed if item[1]]
    rest = [item for item in typed if not item[1]]
    have = {title for title, _ in rest}
    return [*firsts, *[(t, False) for t in fixed if t not in have], *rest]
