"""The contexts the export templates receive, read from the database in a fixed number of queries.

Each returns plain dicts, lists, strings and numbers, exactly the fields ``registry`` documents:
a template never sees a model object (it runs in a sandbox, and a field list is a promise).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from zhibu.meetings import rules as meeting_rules
from zhibu.meetings.models import (
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
from zhibu.members.models import Member
from zhibu.orgs.models import COMMITTEE_ROLES, Organization, Position, Role
from zhibu.rectification import rules as rect_rules
from zhibu.rectification.models import (
    Measure,
    MeasureStatus,
    OwnerKind,
    Problem,
    ProblemCategory,
    Source,
)
from zhibu.rectification.queries import OVERDUE, LedgerFilter, annotate, ledger
from zhibu.reports import rules

if TYPE_CHECKING:
    from zhibu.dues.ledger import YearLedger
    from zhibu.dues.models import DuesReport
    from zhibu.dues.sheets import Sheet
    from zhibu.lifemeetings.models import LifeMeeting

KIND_SHORT = {
    meeting_rules.BRANCH_ASSEMBLY: "党员大会",
    meeting_rules.COMMITTEE_MEETING: "支委会",
    meeting_rules.GROUP_MEETING: "党小组会",
    meeting_rules.LECTURE: "党课",
    meeting_rules.THEME_DAY: "主题党日",
    meeting_rules.LIFE_MEETING: "组织生活会",
}
ROLE_LABELS = dict(Role.choices)


def _org(org: Organization) -> dict[str, Any]:
    return {"name": org.name, "short_name": org.display_name, "code": org.code}


def _today() -> str:
    return rules.zh_long_date(timezone.localdate())


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def held_meetings(branch: Organization, year: int) -> Any:
    start, end = year_bounds(year)
    return Meeting.objects.filter(
        branch=branch, status=MeetingStatus.HELD, starts_at__gte=start, starts_at__lt=end
    ).order_by("starts_at", "pk")


def _times(meeting: Meeting) -> dict[str, str]:
    start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return {
        "date": rules.zh_long_date(start.date()),
        "weekday": rules.zh_weekday(start.date()),
        "period": rules.period_of_day(start.time()),
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "start_zh": rules.zh_clock(start.time()),
        "end_zh": rules.zh_clock(end.time()),
    }


def _place(meeting: Meeting) -> str:
    if meeting.place and meeting.online_link:
        return f"{meeting.place}（同时线上）"
    return meeting.place or ("线上" if meeting.online_link else "")


class _Offices:
    """Who held which office in the branch (or its groups) on a day: the 主持人's 职务."""

    def __init__(self, branch: Organization) -> None:
        self.rows: dict[int, list[Position]] = defaultdict(list)
        positions = Position.objects.filter(
            Q(organization=branch) | Q(organization__parent=branch),
            role__in=[*COMMITTEE_ROLES, Role.GROUP_LEADER],
        ).only("member_id", "role", "started_on", "ended_on", "organization_id")
        for p in positions:
            self.rows[p.member_id].append(p)
        self.branch_id = branch.pk

    def title(self, member_id: int | None, on: dt.date) -> str:
        held = [
            p
            for p in self.rows.get(member_id or 0, [])
            if p.started_on <= on and (p.ended_on is None or p.ended_on > on)
        ]
        held.sort(
            key=lambda p: (p.organization_id != self.branch_id, list(Role.values).index(p.role))
        )
        return ROLE_LABELS.get(held[0].role, "") if held else ""


# --- 会议记录本 --------------------------------------------------------------------------------


def _meeting_record(
    meeting: Meeting, minutes: Minutes, number: int, sequence: int, offices: _Offices
) -> dict[str, Any]:
    att: dict[str, Any] = minutes.attendance or {}
    content: dict[str, Any] = minutes.content or {}
    year = timezone.localtime(meeting.starts_at).year
    kind = meeting.get_kind_display()
    group = meeting.group.name if meeting.group_id and meeting.group else ""
    absentees = [
        {"name": a.get("name", ""), "reason": f"请假：{a['reason']}" if a.get("reason") else "请假"}
        for a in att.get("leave_names", [])
    ] + [{"name": n, "reason": "缺席"} for n in att.get("absent_names", [])]
    observers = [
        {"name": o.get("name", ""), "title": o.get("title", "")} for o in att.get("observers", [])
    ]
    items = [
        {
            "number": n,
            "number_zh": rules.zh_number(n),
            "title": i.get("title", ""),
            "is_first_topic": bool(i.get("is_first_topic")),
            "content": i.get("content", ""),
        }
        for n, i in enumerate(content.get("items", []), start=1)
    ]
    agenda = [i["title"] for i in items] or [a.title for a in meeting.agenda.all()]
    resolutions = [
        {
            "number": n,
            "text": r.get("text", ""),
            "yes": r.get("yes", 0),
            "no": r.get("no", 0),
            "abstain": r.get("abstain", 0),
            "written": r.get("written", 0),
            "owner": r.get("owner", ""),
            "due": r.get("due", ""),
            "result": rules.result_text(r.get("passed")),
        }
        for n, r in enumerate(content.get("resolutions", []), start=1)
    ]
    quorum = att.get("quorum")
    present = int(att.get("present", 0))
    expected = int(att.get("expected", 0))
    confirmed = minutes.confirmed_at or minutes.created_at
    return {
        "number": number,
        "kind": kind,
        "title": meeting.title,
        "name": f"{group}{year}年第{sequence}次{kind}",
        "group": group,
        **_times(meeting),
        "place": _place(meeting),
        "host": meeting.host.name if meeting.host_id and meeting.host else "",
        "host_title": offices.title(meeting.host_id, meeting.date),
        "recorder": meeting.recorder.name if meeting.recorder_id and meeting.recorder else "",
        "lecturer": meeting.lecturer_label,
        "is_assembly": meeting.is_assembly,
        "is_lecture": meeting.kind == meeting_rules.LECTURE,
        "is_committee": meeting.kind == meeting_rules.COMMITTEE_MEETING,
        "title_label": "党课题目" if meeting.kind == meeting_rules.LECTURE else "会议主题",
        "present_label": {
            meeting_rules.COMMITTEE_MEETING: "出席委员",
            meeting_rules.LECTURE: "听课人员",
        }.get(meeting.kind, "出席人员"),
        "absent_label": "缺席委员"
        if meeting.kind == meeting_rules.COMMITTEE_MEETING
        else "缺席人员",
        "expected": expected,
        "present": present,
        "leave": int(att.get("leave", 0)),
        "absent": int(att.get("absent", 0)),
        "not_present": max(expected - present, 0),
        "present_names": list(att.get("present_names", [])),
        "present_text": rules.joined(att.get("present_names", [])),
        "absent_text": rules.joined(rules.with_note(a["name"], a["reason"]) for a in absentees),
        "absentees": absentees,
        "observers_text": rules.joined(rules.with_note(o["name"], o["title"]) for o in observers),
        "observers": observers,
        "agenda": agenda,
        "topics": items,
        "resolutions": resolutions,
        "voting_expected": int(att.get("voting_expected", 0)),
        "voting_present": int(att.get("voting_present", 0)),
        "quorum": quorum,
        "quorum_text": rules.quorum_text(kind_is_assembly=meeting.is_assembly, quorum=quorum),
        "summary": content.get("summary", ""),
        "version": minutes.version,
        "correction": minutes.reason,
        "confirmed_on": rules.zh_long_date(timezone.localtime(confirmed).date()),
    }


def meeting_book_context(branch: Organization, year: int) -> dict[str, Any]:
    """One branch's year of held meetings, each from its confirmed minutes (4 queries)."""
    confirmed = Prefetch(
        "minutes",
        queryset=Minutes.objects.filter(state=MinutesState.CONFIRMED).order_by("-version"),
        to_attr="confirmed_minutes",
    )
    meetings = list(
        held_meetings(branch, year)
        .select_related("group", "host", "recorder", "lecturer")
        .prefetch_related(confirmed, "agenda")
    )
    offices = _Offices(branch)
    records: list[dict[str, Any]] = []
    seen: Counter[tuple[str, int | None]] = Counter()
    for meeting in meetings:
        minutes_rows: list[Minutes] = getattr(meeting, "confirmed_minutes", [])
        if not minutes_rows:
            continue  # held without confirmed minutes cannot happen; nothing to print if it did
        seen[(meeting.kind, meeting.group_id)] += 1
        records.append(
            _meeting_record(
                meeting,
                minutes_rows[0],
                len(records) + 1,
                seen[(meeting.kind, meeting.group_id)],
                offices,
            )
        )
    return {
        "org": _org(branch),
        "year": year,
        "generated_on": _today(),
        "count": len(records),
        "meetings": records,
    }


# --- 签到表 -------------------------------------------------------------------------------------


def _sign_in_note(a: Attendance) -> str:
    notes = []
    if a.role == AttendanceRole.OBSERVER:
        notes.append(rules.with_note("列席", a.guest_title))
    if a.leave_state == LeaveState.APPROVED or a.status == AttendanceStatus.LEAVE:
        notes.append(f"请假：{a.leave_reason}" if a.leave_reason else "请假")
    elif a.leave_state == LeaveState.REQUESTED:
        notes.append(f"请假待批准：{a.leave_reason}")
    if a.member_id and a.member and a.member.is_mobile:
        notes.append(rules.with_note("流动党员", a.member.mobile_location))
    if a.written_opinion:
        notes.append("会前提交书面表决意见")
    return "；".join(notes)


def _signature(a: Attendance) -> str:
    """Signed in zhibu by the person (button or QR): the time; otherwise left for a pen."""
    if (
        a.status == AttendanceStatus.PRESENT
        and a.signed_at is not None
        and a.sign_method in (SignMethod.SELF, SignMethod.QR)
    ):
        return f"已签到 {timezone.localtime(a.signed_at):%H:%M}"
    return ""


def sign_in_context(meeting: Meeting) -> dict[str, Any]:
    """One meeting's sign-in sheet from its attendance as it stands (one query)."""
    rows = list(meeting.attendances.select_related("member").order_by("role", "member__name", "pk"))
    attendees = [a for a in rows if a.role == AttendanceRole.ATTENDEE]
    observers = [a for a in rows if a.role == AttendanceRole.OBSERVER]
    started = meeting.status == MeetingStatus.HELD or meeting.starts_at <= timezone.now()
    present = sum(1 for a in attendees if a.status == AttendanceStatus.PRESENT)
    leave = sum(1 for a in attendees if a.status == AttendanceStatus.LEAVE)
    times = _times(meeting)
    return {
        "org": _org(meeting.branch),
        "generated_on": _today(),
        "meeting": {
            "kind": meeting.get_kind_display(),
            "title": meeting.title,
            **{k: times[k] for k in ("date", "weekday", "period", "start", "end")},
            "when": f"{times['date']}（{times['weekday']}）{times['period']} "
            f"{times['start']}—{times['end']}",
            "place": _place(meeting),
            "host": meeting.host.name if meeting.host_id and meeting.host else "",
            "recorder": meeting.recorder.name if meeting.recorder_id and meeting.recorder else "",
        },
        "expected": len(attendees),
        "present": present if started else "",
        "leave": leave if started else "",
        "absent": len(attendees) - present if started else "",
        "rows": [
            {
                "number": n,
                "name": a.name,
                "signature": _signature(a),
                "note": _sign_in_note(a),
                "role": a.get_role_display(),
            }
            for n, a in enumerate([*attendees, *observers], start=1)
        ],
    }


# --- 出席情况统计表 ------------------------------------------------------------------------------


def _mark(a: Attendance) -> str:
    if a.status == AttendanceStatus.PRESENT:
        return "出席"
    if a.made_up_on is not None:
        return "补学"
    return "请假" if a.status == AttendanceStatus.LEAVE else "缺席"


def attendance_context(branch: Organization, year: int) -> dict[str, Any]:
    """Members × the year's held meetings (3 queries): who was there, on leave, absent, made up.

    Rows are the branch's current party members and anyone else expected at one of the
    meetings (since moved or passed away), so the year's record stays whole.
    """
    meetings = list(held_meetings(branch, year).only("pk", "kind", "title", "starts_at"))
    index = {m.pk: n for n, m in enumerate(meetings)}
    rows = (
        Attendance.objects.filter(meeting_id__in=list(index), role=AttendanceRole.ATTENDEE)
        .select_related("member")
        .only(
            "meeting_id", "status", "made_up_on", "member__name", "member__category",
            "member__status", "member_id",
        )
    )  # fmt: skip
    people: dict[int, Member] = {}
    marks: dict[int, list[str]] = defaultdict(lambda: ["—"] * len(meetings))
    for a in rows:
        if a.member is None or a.member_id is None:
            continue
        people[a.member_id] = a.member
        marks[a.member_id][index[a.meeting_id]] = _mark(a)
    for m in (
        Member.objects.current()
        .party_members()
        .filter(branch=branch)
        .only("name", "category", "status")
    ):
        people.setdefault(m.pk, m)
    ordered = sorted(people.values(), key=lambda m: (m.name, m.pk))
    out_rows: list[dict[str, Any]] = []
    for n, member in enumerate(ordered, start=1):
        row_marks = marks[member.pk]
        counts = Counter(row_marks)
        expected = len(row_marks) - counts["—"]
        out_rows.append(
            {
                "number": n,
                "name": member.name,
                "category": member.get_category_display(),
                "marks": row_marks,
                "expected": expected,
                "present": counts["出席"],
                "leave": counts["请假"],
                "absent": counts["缺席"],
                "made_up": counts["补学"],
                "rate": rules.rate(counts["出席"], expected),
            }
        )
    columns = []
    for n, meeting in enumerate(meetings):
        col_marks = [marks[m.pk][n] for m in ordered]
        day = timezone.localtime(meeting.starts_at).date()
        columns.append(
            {
                "index": n,
                "number": n + 1,
                "date": f"{day:%m-%d}",
                "date_full": day.isoformat(),
                "kind": meeting.get_kind_display(),
                "kind_short": KIND_SHORT.get(meeting.kind, meeting.get_kind_display()),
                "title": meeting.title,
                "expected": sum(1 for x in col_marks if x != "—"),
                "present": col_marks.count("出席"),
            }
        )
    totals: dict[str, int] = {
        key: sum(int(r[key]) for r in out_rows)
        for key in ("expected", "present", "leave", "absent", "made_up")
    }
    return {
        "org": _org(branch),
        "year": year,
        "generated_on": _today(),
        "columns": columns,
        "rows": out_rows,
        "totals": {
            "meetings": len(meetings),
            **totals,
            "rate": rules.rate(totals["present"], totals["expected"]),
        },
    }


# --- 整改台账 ------------------------------------------------------------------------------------

LEDGER_STATUS = {
    rect_rules.OPEN: "待整改",
    rect_rules.IN_PROGRESS: "整改中",
    rect_rules.RECTIFIED: "已完成",
    rect_rules.CLOSED: "已销号",
}


def _zh(day: dt.date | None) -> str:
    return rules.zh_long_date(day) if day else ""


def _late(days: int) -> str:
    return f"逾期{days}天" if days > 0 else ""


def _ledger_measure(m: Measure, number: int, problem: Problem, today: dt.date) -> dict[str, Any]:
    late = 0
    if m.status == MeasureStatus.OPEN and not problem.is_closed:
        late = max((today - m.deadline).days, 0)
    if m.status == MeasureStatus.OPEN:
        progress = "未完成" + (f"，{_late(late)}" if late else "")
    else:
        checked = "（已核实）" if m.status == MeasureStatus.VERIFIED else ""
        progress = f"{_zh(m.done_on)}完成{checked}：{m.evidence}"
    return {
        "number": number,
        "text": m.text,
        "responsible": m.responsible.name,
        "deadline": _zh(m.deadline),
        "status": m.get_status_display(),
        "done_on": _zh(m.done_on),
        "evidence": m.evidence,
        "files": rules.joined(f.name for f in m.files.all()),
        "late": _late(late),
        "progress": progress,
    }


def _ledger_problem(p: Problem, number: int, today: dt.date) -> dict[str, Any]:
    """One problem of an annotated ledger (``queries.annotate``): plain values only."""
    rows = list(p.measures.all())
    measures = [_ledger_measure(m, n, p, today) for n, m in enumerate(rows, start=1)]
    done = [m for m, row in zip(measures, rows, strict=True) if row.status != MeasureStatus.OPEN]
    progress: str = p.progress.text  # type: ignore[attr-defined]
    return {
        "number": number,
        "organization": p.organization.display_name,
        "owner": p.owner_label,
        "owner_kind": p.get_owner_kind_display(),
        "is_personal": p.owner_kind == rect_rules.OWNER_MEMBER,
        "year": p.year,
        "source": p.get_source_display(),
        "source_note": p.source_note,
        "category": p.category.name,
        "description": p.description,
        "target": p.target,
        "causes": "\n".join(f"{label}：{text}" for label, text in p.causes),
        "cause_thinking": p.cause_thinking,
        "cause_ability": p.cause_ability,
        "cause_family": p.cause_family,
        "cause_other": p.cause_other,
        "measures": measures,
        "measures_text": "\n".join(
            f"{m['number']}. {m['text']}（责任人：{m['responsible']}；时限：{m['deadline']}）"
            for m in measures
        ),
        "responsible": rules.joined(dict.fromkeys(m["responsible"] for m in measures)),
        "deadline": _zh(max((m.deadline for m in rows), default=None)),
        "progress": progress,
        "progress_text": "\n".join([progress] + [f"{m['number']}. {m['progress']}" for m in done]),
        "status": LEDGER_STATUS.get(p.status, p.get_status_display()),
        "late": _late(p.days_late),  # type: ignore[attr-defined]
        "closed": "是" if p.is_closed else "否",
        "closed_on": _zh(p.closed_on),
        "evidence": rules.joined(f.name for m in rows for f in m.files.all()),
        "remark": p.remark,
        "recurs": f"{p.recurs.year}年曾查摆" if p.recurs_id and p.recurs else "",
    }


def _ledger_filters(flt: LedgerFilter) -> dict[str, str]:
    category = ""
    if flt.category:
        found = ProblemCategory.objects.filter(pk=flt.category).first()
        category = found.name if found else f"#{flt.category}"
    status = "已逾期" if flt.status == OVERDUE else LEDGER_STATUS.get(flt.status, "")
    chosen = {
        "year": ("年度", f"{flt.year}年" if flt.year else ""),
        "category": ("问题类别", category),
        "owner_kind": ("问题主体", dict(OwnerKind.choices).get(flt.owner_kind, "")),
        "source": ("问题来源", dict(Source.choices).get(flt.source, "")),
        "status": ("状态", status),
    }
    out = {key: value or "全部" for key, (_, value) in chosen.items()}
    applied = [f"{label}：{value}" for label, value in chosen.values() if value]
    out["text"] = "；".join(applied) if applied else "全部问题（未筛选）"
    return out


def _ledger_header(
    org: Organization, flt: LedgerFilter, today: dt.date, problems: list[Problem]
) -> dict[str, Any]:
    statuses = Counter(p.status for p in problems)
    return {
        "org": _org(org),
        "generated_on": rules.zh_long_date(today),
        "year": flt.year or "",
        "title": f"{org.name}{f'{flt.year}年度' if flt.year else ''}整改台账",
        "subtree": any(p.organization_id != org.pk for p in problems),
        "filters": _ledger_filters(flt),
        "totals": {
            "problems": len(problems),
            "open": statuses[rect_rules.OPEN],
            "in_progress": statuses[rect_rules.IN_PROGRESS],
            "rectified": statuses[rect_rules.RECTIFIED],
            "closed": statuses[rect_rules.CLOSED],
            "overdue": sum(1 for p in problems if getattr(p, "days_late", 0) > 0),
            "measures": sum(len(p.measures.all()) for p in problems),
        },
    }


def _ledger_problems(org: Organization, flt: LedgerFilter, today: dt.date) -> list[Problem]:
    """The organization's subtree's problems as the ledger page lists them (3 queries: problems,
    their measures, the measures' files)."""
    return annotate(ledger(org, flt, today), today)


def rectification_ledger_context(
    org: Organization, flt: LedgerFilter, today: dt.date
) -> dict[str, Any]:
    """整改台账 (.xlsx): one record per problem, in the ledger's order."""
    problems = _ledger_problems(org, flt, today)
    return {
        **_ledger_header(org, flt, today, problems),
        "rows": [_ledger_problem(p, n, today) for n, p in enumerate(problems, start=1)],
    }


def rectification_ledger_docx_context(
    org: Organization, flt: LedgerFilter, today: dt.date
) -> dict[str, Any]:
    """整改台账 (.docx): the collective's problems (支部委员会, 党支部) and the members' own,
    each list numbered from 1; a member's problems together, in the ledger's order."""
    problems = _ledger_problems(org, flt, today)
    order = {p.pk: n for n, p in enumerate(problems)}
    collective = [p for p in problems if p.owner_kind != rect_rules.OWNER_MEMBER]
    individual = sorted(
        (p for p in problems if p.owner_kind == rect_rules.OWNER_MEMBER),
        key=lambda p: (p.organization.path, p.owner_label, order[p.pk]),
    )
    return {
        **_ledger_header(org, flt, today, problems),
        "collective": [_ledger_problem(p, n, today) for n, p in enumerate(collective, start=1)],
        "individual": [_ledger_problem(p, n, today) for n, p in enumerate(individual, start=1)],
    }


# --- 组织生活会 ----------------------------------------------------------------------------------
# Built where the cycle's records are read (``lifemeetings.documents``); named here like every
# other document's context.


def lifemeeting_feedback_context(
    lm: LifeMeeting, member: Member, today: dt.date | None = None
) -> dict[str, Any]:
    """组织生活会书面反馈 to one member (``lifemeetings.documents.feedback_context``)."""
    from zhibu.lifemeetings.documents import feedback_context

    return feedback_context(lm, member, today)


def lifemeeting_report_context(lm: LifeMeeting, today: dt.date | None = None) -> dict[str, Any]:
    """组织生活会情况报告 (``lifemeetings.documents.report_context``)."""
    from zhibu.lifemeetings.documents import report_context

    return report_context(lm, today)


# --- 党费 ----------------------------------------------------------------------------------------
# Read where the dues are kept (``dues.sheets.year_sheet``, ``dues.ledger.year_ledger``);
# money goes to the .xlsx as numbers (sums and formats work) and to the .docx as text.


def _yuan(value: Any) -> str:
    return f"{value:,.2f}"


def _number(value: Any) -> Any:
    """A sum for an .xlsx cell: computed in ``Decimal``, handed over as a number (the template
    engine writes only int/float as numbers; Excel holds a float either way, exact to the fen)."""
    if value is None or value == "":
        return ""
    return int(value) if value == value.to_integral_value() else float(value)


def _dues_header(branch: Organization, year: int, what: str) -> dict[str, Any]:
    return {
        "org": _org(branch),
        "generated_on": _today(),
        "year": year,
        "title": f"{branch.display_name}{year}年度{what}",
    }


def dues_sheet_context(
    branch: Organization, year: int, today: dt.date | None = None
) -> dict[str, Any]:
    """党费收缴登记表 (.xlsx): one row per member, 1—12月实交 as lists (2 queries)."""
    from zhibu.dues.sheets import year_sheet

    sheet = year_sheet(branch, year, today)
    rows = [
        {
            "number": r.number,
            "name": r.name,
            "category": r.category,
            "base": _number(r.base),
            "rate": r.rate_text,
            "monthly": _number(r.monthly),
            "paid": [_number(p) if p else "" for p in r.paid],
            "due": [_number(d) for d in r.due],
            "due_total": _number(r.due_total),
            "paid_total": _number(r.paid_total),
            "status": r.status_label,
            "remark": r.remark,
        }
        for r in sheet.rows
    ]
    return {
        **_dues_header(branch, year, "党费收缴登记表"),
        "rows": rows,
        "totals": {
            "members": len(rows),
            "paid": [_number(p) for p in sheet.months_paid],
            "due_total": _number(sheet.due_total),
            "paid_total": _number(sheet.paid_total),
        },
    }


def dues_ledger_context(branch: Organization, year: int) -> dict[str, Any]:
    """党费收支台账 (.xlsx): each line with the balance after it, and each month (6 queries)."""
    from zhibu.dues.ledger import year_ledger

    book = year_ledger(branch, year)
    return {
        **_dues_header(branch, year, "党费收支台账"),
        "opening": _number(book.opening),
        "closing": _number(book.closing),
        "totals": {
            **{kind: _number(value) for kind, value in book.totals.items()},
            "income": _number(book.totals["collected"] + book.totals["returned"]),
            "outgoing": _number(book.totals["handed_up"] + book.totals["spent"]),
        },
        "rows": [
            {
                "number": n,
                "date": line.on.isoformat(),
                "kind": line.kind_label,
                "summary": line.summary,
                "income": _number(line.income),
                "outgoing": _number(line.outgoing),
                "balance": _number(line.balance),
                "use": line.use_label,
                "decision": line.decision,
                "voucher": line.voucher,
                "note": line.note,
            }
            for n, line in enumerate(book.lines, start=1)
        ],
        "columns": [
            {
                "index": i,
                "month": m.label,
                "collected": _number(m.collected),
                "handed_up": _number(m.handed_up),
                "returned": _number(m.returned),
                "spent": _number(m.spent),
                "balance": _number(m.balance),
            }
            for i, m in enumerate(book.months)
        ],
    }


def dues_report_context(
    branch: Organization,
    year: int,
    report: DuesReport | None = None,
    today: dt.date | None = None,
    *,
    book: YearLedger | None = None,
    sheet: Sheet | None = None,
) -> dict[str, Any]:
    """党费收缴使用情况公示 (.docx, and the page): the ledger's totals and lines, the members'
    counts, and by name only those who paid in full (8 queries, or none given the ledger and
    the sheet)."""
    from zhibu.dues.ledger import year_ledger
    from zhibu.dues.sheets import EXEMPT, IN_ARREARS, PAID_IN_FULL, year_sheet

    today = today or timezone.localdate()
    book = book or year_ledger(branch, year)
    sheet = sheet or year_sheet(branch, year, today)
    spent = book.totals["spent"]
    paid = [r for r in sheet.rows if r.status == PAID_IN_FULL]
    period = ""
    if report is not None:
        period = f"{rules.zh_long_date(report.starts_on)}至{rules.zh_long_date(report.ends_on)}"
    return {
        **_dues_header(branch, year, "党费收缴使用情况公示"),
        "through": f"{year}年{sheet.through}月" if sheet.through else "",
        "members": {
            "total": len(sheet.counted()),
            "paid_in_full": len(paid),
            "in_arrears": sheet.count(IN_ARREARS),
            "exempt": sheet.count(EXEMPT),
        },
        "due_total": _yuan(sheet.due_so_far),
        "paid_total": _yuan(sheet.paid_so_far),
        "opening": _yuan(book.opening),
        "collected": _yuan(book.totals["collected"]),
        "handed_up": _yuan(book.totals["handed_up"]),
        "returned": _yuan(book.totals["returned"]),
        "spent": _yuan(spent),
        "closing": _yuan(book.closing),
        "paid_members": [
            {
                "number": n,
                "name": r.name,
                "monthly": _yuan(r.monthly or 0),
                "paid_total": _yuan(r.paid_total),
            }
            for n, r in enumerate(paid, start=1)
        ],
        "handed_up_lines": [
            {
                "number": n,
                "date": rules.zh_long_date(x.on),
                "amount": _yuan(x.amount),
                "voucher": x.voucher,
            }
            for n, x in enumerate(book.handed_up_lines, start=1)
        ],  # fmt: skip
        "returned_lines": [
            {"number": n, "date": rules.zh_long_date(x.on), "amount": _yuan(x.amount)}
            for n, x in enumerate(book.returned_lines, start=1)
        ],
        "uses": [
            {
                "name": label,
                "amount": _yuan(amount),
                "share": rules.rate(int(amount * 100), int(spent * 100)) if spent else "—",
            }
            for _, label, amount in book.by_use
        ],  # fmt: skip
        "spendings": [
            {
                "number": n,
                "date": rules.zh_long_date(x.on),
                "use": x.use_label,
                "amount": _yuan(x.amount),
                "decision": x.decision,
                "note": ("冲销：" if x.is_correction else "") + x.note,
            }
            for n, x in enumerate(book.spent_lines, start=1)
        ],  # fmt: skip
        "months": [
            {
                "month": m.label,
                "collected": _yuan(m.collected),
                "spent": _yuan(m.spent),
                "balance": _yuan(m.balance),
            }
            for m in book.months
        ],  # fmt: skip
        "period": period,
        "contact": report.contact if report is not None else "",
        "note": report.note if report is not None else "",
    }
