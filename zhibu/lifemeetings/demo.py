"""The demo's 组织生活会 (called by ``core.demo`` after the accounts exist, before the 民主评议).

demo_secretary's branch (示范村第一党支部) has last year's cycle finished — the plan approved
by demo_committee, talks, an opinion poll closed with enough answers to read, every account's
对照检查材料 accepted, the meeting held with its 批评与自我批评, the 整改清单 confirmed into the
ledger (and since rectified), the 公示 and the 情况报告 — and this year's cycle in preparation:
the plan approved, an opinion poll open (demo_member can answer it on the phone), some talks
held and some still to hold, demo_secretary's material submitted, demo_member's not yet written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.ballots import services as ballots
from zhibu.ballots.models import Poll
from zhibu.lifemeetings import services
from zhibu.lifemeetings.forms import DEFAULT_AGENDA
from zhibu.lifemeetings.models import Criticism, LifeMeeting, SelfReviewItem
from zhibu.lifemeetings.queries import committee_and_members
from zhibu.meetings import services as meetings
from zhibu.members.models import Member
from zhibu.orgs.models import Organization
from zhibu.rectification import services as rectification
from zhibu.rectification.models import ProblemCategory

OPINION_QUESTIONS = [
    {"id": "q1", "type": "text", "label": "支部班子在联系服务群众、发挥作用方面还有哪些不足？"},
    {"id": "q2", "type": "text", "label": "对支部党员（可点名）有什么意见和建议？"},
    {"id": "q3", "type": "choice", "label": "您对今年“三会一课”的质量是否满意",
     "options": ["满意", "基本满意", "不满意"]},
]  # fmt: skip
LAST_YEAR_OPINIONS = [
    ("支委会研究村里的事，群众知道得晚，希望会后及时在村务公开栏公开。", "", "基本满意"),
    ("党员带头参加人居环境整治的不多，有的党员一年只来一两次。", "", "基本满意"),
    ("", "年轻党员发言少，希望多给他们压担子。", "满意"),
    ("主题党日有时候就是读文件，希望多到田间地头、群众家里去。", "", "满意"),
    ("", "", "满意"),
]


def _cat(name: str) -> ProblemCategory:
    return ProblemCategory.objects.get(name=name)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _opinion_poll(actor: User, branch: Organization, title: str, voters: list[Member]) -> Poll:
    poll = ballots.poll_create(
        actor=actor, organization=branch, kind="opinion", title=title,
        description="无记名。请对支部班子和党员提出意见建议，写具体的事。",
        questions=OPINION_QUESTIONS,
    )  # fmt: skip
    return ballots.poll_open(actor=actor, poll=poll, voters=voters)


def build(today: dt.date, users: Mapping[str, User], account_members: Mapping[str, Member]) -> None:
    secretary_user, committee_user = users["demo_secretary"], users["demo_committee"]
    secretary, member = account_members["demo_secretary"], account_members["demo_member"]
    branch = secretary.branch
    leader = account_members.get("demo_committee")
    _last_year(today, secretary_user, committee_user, secretary, member, branch, leader)
    _this_year(today, secretary_user, committee_user, secretary, member, branch, leader)


def _last_year(
    today: dt.date, actor: User, reviewer: User, secretary: Member, member: Member, branch: Organization,
    leader: Member | None,
) -> LifeMeeting:  # fmt: skip
    year = today.year - 1
    held_on = dt.date(year, 12, 18)
    lm = services.lifemeeting_plan(
        actor=actor, branch=branch, year=year, theme="强化理论武装，在乡村振兴中当先锋作表率",
        planned_on=held_on, agenda=list(DEFAULT_AGENDA), today=dt.date(year, 11, 20),
    )  # fmt: skip
    services.lifemeeting_submit(actor=actor, life_meeting=lm)
    services.lifemeeting_review(actor=reviewer, life_meeting=lm, approve=True,
                                comment="主题紧扣乡村振兴，同意召开。", contact_leader=leader)  # fmt: skip
    committee, others = committee_and_members(lm)
    everyone = [*committee, *others]
    poll = _opinion_poll(actor, branch, f"{year}年度组织生活会征求意见", everyone)
    for voter, (a1, a2, a3) in zip(everyone, LAST_YEAR_OPINIONS, strict=False):
        ballots.ballot_cast(actor=None, voter=voter, poll=poll,
                            answers={"q1": a1, "q2": a2, "q3": a3})  # fmt: skip
    ballots.poll_close(actor=actor, poll=poll)
    services.lifemeeting_poll_set(actor=actor, life_meeting=lm, poll=poll)
    for i, other in enumerate(everyone):
        if other.pk == secretary.pk:
            continue
        services.talk_record(
            actor=actor, life_meeting=lm, first=secretary, second=other,
            held_on=dt.date(year, 12, 1 + i % 14), place="村党群服务中心",
            topics="对照党员标准查找的问题；对支部班子的意见；家里有没有困难",
            summary=f"{other.name}谈了自己在学习和发挥作用方面的不足，对支部工作提了建议。",
        )  # fmt: skip
    reviews = {
        secretary.pk: ("带头讲党课不够，上半年没有讲党课。", "组织生活",
                       "明年一季度给全体党员讲一次党课，此后每半年至少讲一次。"),
        member.pk: ("发挥先锋模范作用不够：村里人居环境整治志愿服务全年只参加了2次。", "担当作为",
                    "明年每月至少参加一次村人居环境整治志愿服务，年底前不少于12次。"),
    }  # fmt: skip
    for who, (problem, cat, measure) in reviews.items():
        person = secretary if who == secretary.pk else member
        review = services.self_review_save(
            actor=actor, life_meeting=lm, member=person, today=dt.date(year, 12, 5),
            items=[services.ItemInput(_cat(cat), problem, measure, dt.date(year + 1, 6, 30))],
            last_year="上年度查摆的问题已整改到位。", cause_thinking="对自身要求有所放松。",
        )  # fmt: skip
        services.self_review_submit(actor=actor, review=review)
        services.self_review_decide(actor=reviewer, review=review, accept=True)
    services.lifemeeting_convene(
        actor=actor, life_meeting=lm, starts_at=_at(held_on, 14, 30), ends_at=_at(held_on, 17),
        place="村党群服务中心", host=secretary, send_notice=False,
    )  # fmt: skip
    lm.refresh_from_db()
    assert lm.meeting is not None  # noqa: S101 - set by convene
    rows = {a.pk: "present" for a in lm.meeting.attendances.filter(role="attendee")}
    meetings.attendance_mark(actor=actor, meeting=lm.meeting, marks=rows)
    for person in everyone:
        own = {secretary.pk: "作为书记，带头讲党课不够，对年轻党员的思想状况了解不多。",
               member.pk: "参加志愿服务不主动，觉得是村干部的事。"}.get(person.pk, "")  # fmt: skip
        criticisms = []
        if person.pk == member.pk:
            criticisms = [
                services.CriticismInput(secretary, "支部会上发言少，对村里的事提意见不多。")
            ]
        if person.pk == secretary.pk and len(everyone) > 2:
            criticisms = [services.CriticismInput(everyone[-1], "会后公开不及时，群众知道得晚。")]
        services.speech_record(
            actor=actor, life_meeting=lm, member=person, spoke=True,
            self_criticism=own or "学习不够系统，发挥作用不够主动。",
            pledge="虚心接受大家的批评，对照清单逐条整改。", criticisms=criticisms,
        )  # fmt: skip
    meetings.minutes_save(
        actor=actor, meeting=lm.meeting,
        content={"items": [{"title": t, "content": "按议程进行。"} for t in lm.agenda],
                 "summary": "会议开得严肃认真，批评直截了当，达到了红红脸、出出汗的效果。"},
    )  # fmt: skip
    meetings.minutes_confirm(actor=actor, meeting=lm.meeting)
    services.lifemeeting_conclude(actor=actor, life_meeting=lm)
    day = dt.date(year, 12, 20)
    for person in (secretary, member):
        entries = [
            services.ConfirmInput(services.ITEM, i.pk, i.category, i.problem, i.measure,
                                  i.deadline)  # fmt: skip
            for i in SelfReviewItem.objects.filter(review__life_meeting=lm, review__member=person)
        ] + [
            services.ConfirmInput(services.CRITICISM, c.pk, _cat("组织生活"), c.content,
                                  "每次支部会议至少发言一次，提一条具体建议。",
                                  dt.date(year + 1, 3, 31))  # fmt: skip
            for c in Criticism.objects.filter(life_meeting=lm, target=person, is_self=False)
        ]  # fmt: skip
        services.problems_confirm(actor=actor, life_meeting=lm, member=person, entries=entries,
                                  today=day)  # fmt: skip
    opinion = LAST_YEAR_OPINIONS[0][0]
    services.opinion_take_up(
        actor=actor, life_meeting=lm, text=opinion, owner_kind="committee", owner_member=None,
        category=_cat("服务群众"), measure="支委会决定的事项，会后3天内在村务公开栏公开。",
        responsible=secretary, deadline=dt.date(year + 1, 1, 31), today=day,
    )  # fmt: skip
    services.lifemeeting_publish(actor=actor, life_meeting=lm, starts_on=day,
                                 ends_on=day + dt.timedelta(days=6),
                                 contact=f"{secretary.name}（支部书记）", today=day)  # fmt: skip
    services.lifemeeting_report_submit(actor=actor, life_meeting=lm)
    # By now the list is rectified: measures done and the problems closed (销号).
    for problem in services.cycle_problems(lm):
        for m in problem.measures.all():
            rectification.measure_complete(
                actor=actor, measure=m, evidence="已按措施完成，见支部工作记录。",
                done_on=min(m.deadline, today), today=min(m.deadline, today),
            )  # fmt: skip
        closer = reviewer if problem.owner_kind == "committee" else actor
        rectification.problem_close(actor=closer, problem=problem, today=today)
    return lm


def _this_year(
    today: dt.date, actor: User, reviewer: User, secretary: Member, member: Member, branch: Organization,
    leader: Member | None,
) -> LifeMeeting:  # fmt: skip
    lm = services.lifemeeting_plan(
        actor=actor, branch=branch, year=today.year,
        theme="深入学习贯彻党的创新理论，对照党员标准找差距、抓落实",
        planned_on=today + dt.timedelta(days=20), agenda=list(DEFAULT_AGENDA), today=today,
    )  # fmt: skip
    services.lifemeeting_submit(actor=actor, life_meeting=lm)
    services.lifemeeting_review(actor=reviewer, life_meeting=lm, approve=True,
                                comment="同意。请把征求到的意见逐条回应。", contact_leader=leader)  # fmt: skip
    committee, others = committee_and_members(lm)
    poll = _opinion_poll(
        actor, branch, f"{today.year}年度组织生活会征求意见", [*committee, *others]
    )
    services.lifemeeting_poll_set(actor=actor, life_meeting=lm, poll=poll)
    for other in others[:3]:
        services.talk_record(
            actor=actor, life_meeting=lm, first=secretary, second=other,
            held_on=today - dt.timedelta(days=2), place="村党群服务中心",
            topics="今年参加组织生活和志愿服务的情况；对支部班子的意见",
            summary=f"{other.name}说今年外出务工时间长，参加学习少，下一步用手机补学。",
        )  # fmt: skip
    review = services.self_review_save(
        actor=actor, life_meeting=lm, member=secretary, today=today,
        items=[services.ItemInput(_cat("服务群众"), "走访群众不够深入：联系的6户困难群众今年只走访了4户，其中2户只去过1次。",
                                  "每月至少走访联系户2户，次年3月底前把6户全部走访两遍并记入走访台账。",
                                  today + dt.timedelta(days=110))],
        last_year="上年度“带头讲党课不够”已整改：今年讲党课2次。",
        cause_thinking="宗旨意识有所淡化，把走访当成任务。",
        cause_ability="工作方法简单，走访时听得少、说得多。",
    )  # fmt: skip
    services.self_review_submit(actor=actor, review=review)
    return lm
