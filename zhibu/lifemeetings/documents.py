"""The two documents a 组织生活会 produces, read from the cycle's records (FORMS.md):

- the 书面反馈 to each member: what they said (自我批评要点, 本人表态), the criticisms they received
  (批评人: 意见), their 民主评议 grade, and the problems and measures confirmed for them, with
  the 支部意见 and 本人意见 boxes;
- the 情况报告 to the committee above: 会前准备, 会议召开情况, 查摆的主要问题, 民主评议结果 and
  整改措施.

Pure reads in a fixed number of queries, whatever the number of members. Each returns plain
values only, exactly the fields ``reports.registry`` documents: the .docx templates and the
HTML pages show the same context, so nothing is typed twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from zhibu.ballots.models import Ballot
from zhibu.evaluations.queries import confirmed_grades
from zhibu.evaluations.rules import GRADE_LABELS, GRADES
from zhibu.lifemeetings import rules
from zhibu.lifemeetings.models import (
    Criticism,
    LifeMeeting,
    LifeMeetingKind,
    ReviewState,
    Speaker,
    Talk,
)
from zhibu.lifemeetings.queries import committee_and_members
from zhibu.lifemeetings.services import cycle_problems
from zhibu.meetings.models import Meeting, Minutes, MinutesState
from zhibu.members.models import Category, Member
from zhibu.rectification import rules as rect_rules
from zhibu.rectification.models import Measure, MeasureStatus, Problem
from zhibu.reports import rules as fmt
from zhibu.reports.contexts import LEDGER_STATUS

PROBATIONARY_TEXT = "预备党员参加评议，不评定等次"
NOT_GRADED_TEXT = "未评定"
EVALUATION_PENDING = "民主评议尚未完成"
PROBLEM_STATUS = LEDGER_STATUS  # as the 整改台账 words it


def meeting_name(lm: LifeMeeting) -> str:
    """2026年度组织生活会, or 学习贯彻党的创新理论专题组织生活会."""
    if lm.kind == LifeMeetingKind.ANNUAL:
        return f"{lm.year}年度组织生活会"
    topic = lm.topic.removesuffix("专题")
    return f"{topic}专题组织生活会"


def _zh(day: dt.date | None) -> str:
    return fmt.zh_long_date(day) if day else ""


def _org(lm: LifeMeeting) -> dict[str, Any]:
    org = lm.branch
    return {"name": org.name, "short_name": org.display_name, "code": org.code}


def _meeting(lm: LifeMeeting) -> dict[str, Any]:
    meeting = lm.meeting
    day = timezone.localtime(meeting.starts_at).date() if meeting else None
    return {
        "name": meeting_name(lm),
        "theme": lm.theme,
        "date": _zh(day),
        "place": (meeting.place or ("线上" if meeting.online_link else "")) if meeting else "",
    }


def _problems(lm: LifeMeeting) -> Any:
    """The cycle's ledger problems with what every line shows (2 queries: problems, measures)."""
    measures = Measure.objects.select_related("responsible").order_by("position", "pk")
    return (
        cycle_problems(lm)
        .select_related("category", "organization", "owner_member")
        .prefetch_related(Prefetch("measures", queryset=measures))
    )


def _measure(m: Measure, number: int, problem: Problem, today: dt.date) -> dict[str, Any]:
    status = m.get_status_display()
    if m.status == MeasureStatus.OPEN and not problem.is_closed and m.deadline < today:
        status += f"（逾期{(today - m.deadline).days}天）"
    return {
        "number": number,
        "text": m.text,
        "responsible": m.responsible.name,
        "deadline": _zh(m.deadline),
        "status": status,
        "done_on": _zh(m.done_on),
    }


# --- 书面反馈 ------------------------------------------------------------------------------------


def grade_text(member: Member, grade: str | None) -> str:
    """优秀/合格/基本合格/不合格 once confirmed; 预备党员 are never graded."""
    if grade:
        return GRADE_LABELS.get(grade, grade)
    if member.category == Category.PROBATIONARY:
        return PROBATIONARY_TEXT
    return NOT_GRADED_TEXT


def feedback_context(
    lm: LifeMeeting, member: Member, today: dt.date | None = None
) -> dict[str, Any]:
    """书面反馈 to one member (5 queries: the speech, the criticisms, the grades, the problems
    and their measures)."""
    today = today or timezone.localdate()
    speaker = Speaker.objects.filter(life_meeting=lm, member=member).first()
    said = list(Criticism.objects.filter(life_meeting=lm, target=member).select_related("critic"))
    own = [c.content for c in said if c.is_self]
    received = [c for c in said if not c.is_self]
    grade = confirmed_grades(lm.branch_id, lm.year).get(member.pk)
    problems = list(_problems(lm).filter(owner_kind=rect_rules.OWNER_MEMBER, owner_member=member))
    if speaker is None or speaker.spoke is None:
        spoke = "未记录"
    else:
        spoke = "已发言" if speaker.spoke else "未发言"
    return {
        "org": _org(lm),
        "generated_on": _zh(today),
        "year": lm.year,
        "title": f"{meeting_name(lm)}评议意见反馈",
        "meeting": _meeting(lm),
        "member": {"name": member.name, "category": member.get_category_display()},
        "spoke": spoke,
        "self_criticism": "\n".join(own),
        "pledge": speaker.pledge if speaker else "",
        "criticisms": [
            {"number": n, "critic": c.critic.name, "content": c.content}
            for n, c in enumerate(received, start=1)
        ],
        "grade": GRADE_LABELS.get(grade, "") if grade else "",
        "grade_text": grade_text(member, grade),
        "is_probationary": member.category == Category.PROBATIONARY,
        "problems": [
            {
                "number": n,
                "category": p.category.name,
                "description": p.description,
                "source": p.source_note or p.get_source_display(),
                "status": PROBLEM_STATUS.get(p.status, p.get_status_display()),
                "deadline": _zh(max((m.deadline for m in p.measures.all()), default=None)),
                "measures": [
                    _measure(m, k, p, today) for k, m in enumerate(p.measures.all(), start=1)
                ],
            }
            for n, p in enumerate(problems, start=1)
        ],
    }


# --- 情况报告 ------------------------------------------------------------------------------------


def _attendance(meeting: Meeting | None) -> dict[str, Any]:
    """What the confirmed minutes froze (one query); the live attendance if there are none."""
    if meeting is None:
        return {}
    minutes = (
        Minutes.objects.filter(meeting=meeting, state=MinutesState.CONFIRMED)
        .order_by("-version")
        .only("attendance")
        .first()
    )
    if minutes is not None and minutes.attendance:
        return dict(minutes.attendance)
    from zhibu.meetings.services import attendance_summary

    return attendance_summary(meeting)


def _preparation(lm: LifeMeeting, committee: list[Member], members: list[Member]) -> dict[str, Any]:
    """会前准备 in numbers (3 queries: study meetings, talks, self-reviews; a 4th counts the
    opinion poll's ballots, if there is one: only their number, nothing of who wrote what)."""
    study = list(lm.study_meetings.order_by("starts_at", "pk").only("title", "starts_at"))
    held = list(Talk.objects.filter(life_meeting=lm).values_list("first_id", "second_id"))
    needs = rules.talk_needs([m.pk for m in committee], [m.pk for m in members])
    coverage = rules.talk_coverage(needs, held, [m.pk for m in committee])
    names = {m.pk: m.name for m in (*committee, *members)}
    missing = [
        "—".join(names.get(i, "?") for i in sorted(need.people)) for need in coverage.missing
    ]
    poll = lm.opinion_poll_id
    opinions = Ballot.objects.filter(poll_id=poll).count() if poll is not None else 0
    states = dict(lm.reviews.order_by().values_list("state").annotate(n=Count("pk")))
    accepted = states.get(ReviewState.ACCEPTED, 0)
    return {
        "study": {"count": len(study)},
        "study_meetings": [
            {
                "number": n,
                "date": _zh(timezone.localtime(s.starts_at).date()),
                "title": s.title,
            }
            for n, s in enumerate(study, start=1)
        ],
        "opinions": {"held": poll is not None, "count": opinions},
        "talks": {
            "held": len(held),
            "required": coverage.total,
            "done": coverage.done,
            "missing": fmt.joined(missing),
        },
        "reviews": {
            "expected": len(committee) + len(members),
            "submitted": states.get(ReviewState.SUBMITTED, 0) + accepted,
            "accepted": accepted,
        },
    }


def _meeting_held(lm: LifeMeeting) -> dict[str, Any]:
    """二、会议召开情况 (2 queries: the minutes' attendance, the speeches)."""
    meeting = lm.meeting
    att = _attendance(meeting)
    leader = lm.contact_leader
    observers = att.get("observers", [])
    leader_present = None
    if leader is not None:
        leader_present = any(o.get("name") == leader.name and o.get("present") for o in observers)
    times: dict[str, str] = {"weekday": "", "start": "", "end": ""}
    if meeting is not None:
        start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        times = {"weekday": fmt.zh_weekday(start.date()), "start": f"{start:%H:%M}",
                 "end": f"{end:%H:%M}"}  # fmt: skip
    speeches = Speaker.objects.filter(life_meeting=lm).aggregate(
        spoke=Count("pk", filter=Q(spoke=True))
    )
    criticisms = Criticism.objects.filter(life_meeting=lm, is_self=False).count()
    leave = [
        fmt.with_note(a.get("name", ""), a.get("reason", "")) for a in att.get("leave_names", [])
    ]
    return {
        "meeting": {
            **_meeting(lm),
            **times,
            "host": att.get("host", ""),
            "recorder": att.get("recorder", ""),
        },
        "attendance": {
            "expected": int(att.get("expected", 0)),
            "present": int(att.get("present", 0)),
            "leave": int(att.get("leave", 0)),
            "absent": int(att.get("absent", 0)),
            "leave_text": fmt.joined(leave),
            "absent_text": fmt.joined(att.get("absent_names", [])),
        },
        "contact_leader": leader.name if leader is not None else "",
        "contact_leader_present": leader_present,
        "observers_text": fmt.joined(
            fmt.with_note(o.get("name", ""), o.get("title", "")) for o in observers
        ),
        "agenda": list(lm.agenda),
        "speeches": {"spoke": speeches["spoke"] or 0, "criticisms": criticisms},
    }


def _evaluation(lm: LifeMeeting, people: list[Member]) -> dict[str, Any]:
    grades = confirmed_grades(lm.branch_id, lm.year)
    counts = Counter(grades.values())
    probationary = sum(1 for m in people if m.category == Category.PROBATIONARY)
    out: dict[str, Any] = {
        "done": bool(grades),
        "participants": len(people),
        "graded": len(grades),
        "probationary": probationary,
        **{g: counts[g] for g in GRADES},
    }
    if not grades:
        out["text"] = EVALUATION_PENDING
        return out
    parts = "、".join(f"{GRADE_LABELS[g]}{counts[g]}名" for g in GRADES)
    text = f"参加评议党员{len(people)}名，评定等次{len(grades)}名：{parts}"
    if probationary:
        text += f"；预备党员{probationary}名参加评议，不评定等次"
    out["text"] = text + "。"
    return out


def _problems_and_measures(lm: LifeMeeting, today: dt.date) -> dict[str, Any]:
    """三、查摆的主要问题 by category, and 五、整改措施 by deadline (2 queries)."""
    problems = list(_problems(lm))
    problems.sort(key=lambda p: (p.category.position, p.category.name,
                                 p.owner_kind == rect_rules.OWNER_MEMBER, p.owner_label, p.pk))  # fmt: skip
    groups: dict[int, list[Problem]] = {}
    for p in problems:
        groups.setdefault(p.category_id, []).append(p)
    categories = [
        {
            "number": n,
            "number_zh": fmt.zh_number(n),
            "name": rows[0].category.name,
            "count": len(rows),
            "problems": [
                {
                    "number": k,
                    "owner": p.owner_label,
                    "description": p.description,
                    "status": PROBLEM_STATUS.get(p.status, p.get_status_display()),
                }  # fmt: skip
                for k, p in enumerate(rows, start=1)
            ],
        }
        for n, rows in enumerate(groups.values(), start=1)
    ]
    lines = sorted(
        ((p, m) for p in problems for m in p.measures.all()),
        key=lambda pm: (pm[0].owner_kind == rect_rules.OWNER_MEMBER, pm[1].deadline, pm[1].pk),
    )
    measures = [
        {**_measure(m, n, p, today), "owner": p.owner_label, "problem": p.description}
        for n, (p, m) in enumerate(lines, start=1)
    ]
    collective = sum(1 for p in problems if p.owner_kind != rect_rules.OWNER_MEMBER)
    return {
        "categories": categories,
        "measures": measures,
        "totals": {
            "problems": len(problems),
            "collective": collective,
            "individual": len(problems) - collective,
            "measures": len(measures),
            "measures_done": sum(1 for _, m in lines if m.status != MeasureStatus.OPEN),
        },
    }


def report_title(lm: LifeMeeting) -> str:
    if lm.kind == LifeMeetingKind.ANNUAL:
        return f"关于召开{lm.year}年度组织生活会和开展民主评议党员情况的报告"
    return f"关于召开{meeting_name(lm)}情况的报告"


def report_context(lm: LifeMeeting, today: dt.date | None = None) -> dict[str, Any]:
    """情况报告 to the committee above, from the records only (11 queries; 12 with an opinion
    poll; one more for a meeting without confirmed minutes)."""
    today = today or timezone.localdate()
    on = timezone.localtime(lm.meeting.starts_at).date() if lm.meeting else today
    committee, members = committee_and_members(lm, on=on)
    parent = lm.branch.parent
    submitted = lm.report_submitted_at
    return {
        "org": _org(lm),
        "generated_on": _zh(today),
        "year": lm.year,
        "title": report_title(lm),
        "addressee": parent.name if parent is not None else "",
        "kind": lm.get_kind_display(),
        "topic": lm.topic,
        "submitted_on": _zh(timezone.localtime(submitted).date()) if submitted else "",
        **_preparation(lm, committee, members),
        **_meeting_held(lm),
        "evaluation": _evaluation(lm, [*committee, *members]),
        **_problems_and_measures(lm, today),
    }
