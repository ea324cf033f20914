"""Meeting services: who is expected, sign-in, leave and 补学, minutes that lock, series, notices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.meetings import rules, services
from zhibu.meetings.models import Attendance, Meeting, MinutesState
from zhibu.meetings.tests.conftest import hold, plan
from zhibu.members.services import (
    member_category_change,
    member_create,
    member_status_change,
    member_transfer_out,
)
from zhibu.notices.models import Notice
from zhibu.orgs.services import position_assign
from zhibu.testing import member_values

pytestmark = pytest.mark.django_db


def names(meeting: Meeting, **filters: Any) -> set[str]:
    return {a.name for a in meeting.attendances.filter(**filters).select_related("member")}


def test_it_expects_every_party_member_at_an_assembly_and_only_full_ones_vote(cast: Cast) -> None:
    member_create(
        actor=None,
        branch=cast.branch,
        values=member_values(name="卜预备", category="probationary", joined_on=dt.date(2026, 1, 5)),
    )
    meeting = plan(cast, "branch_assembly")
    assert names(meeting) == {"石书记", "梅党员", "裴同志", "卜预备"}  # not the activist
    assert names(meeting, voting=True) == {"石书记", "梅党员", "裴同志"}
    summary = services.attendance_summary(meeting)
    assert (summary["expected"], summary["voting_expected"]) == (4, 3)


def test_it_expects_the_committee_at_a_committee_meeting(cast: Cast) -> None:
    position_assign(
        actor=None,
        member=cast.peer,
        organization=cast.branch,
        role="committee_member",
        started_on=dt.date(2025, 1, 1),
    )
    assert names(plan(cast, "committee_meeting")) == {"石书记", "裴同志"}


def test_it_expects_the_group_at_a_group_meeting(cast: Cast) -> None:
    assert names(plan(cast, "group_meeting", group=cast.group)) == {"梅党员"}
    with pytest.raises(ValidationError, match="党小组会请选择党小组"):
        plan(cast, "group_meeting")
    with pytest.raises(ValidationError, match="只有党小组会属于某个党小组"):
        plan(cast, "theme_day", group=cast.group)


def test_it_starts_a_theme_day_from_the_branch_5_plus_x(cast: Cast) -> None:
    services.branch_settings_update(
        actor=None, branch=cast.branch, theme_day=15, theme_day_items=["诵读党章", "交纳党费"]
    )
    meeting = plan(cast, "theme_day")
    agenda = list(meeting.agenda.values_list("title", "is_first_topic"))
    assert agenda == [(rules.FIRST_TOPIC, True), ("诵读党章", False), ("交纳党费", False)]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": " "}, "title", "请填写会议主题"),
        ({"hours": -1}, "ends_at", "结束时间应晚于开始时间"),
        ({"hours": 30}, "ends_at", "不能超过24小时"),
        ({"online_link": "ftp://x"}, "online_link", "https://"),
    ],
)
def test_it_refuses_a_bad_plan(
    cast: Cast, changes: dict[str, Any], field: str, message: str
) -> None:
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as info:
        plan(cast, **changes)
    assert any(message in m for m in info.value.message_dict[field])
    assert Meeting.objects.count() == before


def test_it_requires_a_lecturer_for_a_lecture(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="党课请填写授课人"):
        plan(cast, "lecture", lecturer_name="")


def test_it_lets_observers_attend_without_counting(cast: Cast) -> None:
    meeting = plan(cast, "branch_assembly")
    activist = cast.activist.member
    services.observer_add(actor=None, meeting=meeting, member=activist)
    services.observer_add(actor=None, meeting=meeting, guest_name="李群众", guest_title="村民代表")
    row = meeting.attendances.get(member=activist)
    services.attendance_mark(actor=None, meeting=meeting, marks={row.pk: "present"})
    summary = services.attendance_summary(meeting)
    assert summary["expected"] == 3 and summary["present"] == 0
    assert {o["name"] for o in summary["observers"]} == {"艾积极", "李群众"}


def test_it_signs_in_only_inside_the_window(cast: Cast) -> None:
    member = cast.member.member
    assert member is not None
    later = plan(cast, start=timezone.now() + dt.timedelta(hours=2))
    with pytest.raises(ValidationError, match="签到将于会议开始前30分钟开放"):
        services.attendance_sign_in(actor=cast.member, meeting=later, member=member)
    past = plan(cast, start=timezone.now() - dt.timedelta(hours=5))
    with pytest.raises(ValidationError, match="会议已结束，签到已关闭"):
        services.attendance_sign_in(actor=cast.member, meeting=past, member=member)
    now = plan(cast)
    row = services.attendance_sign_in(actor=cast.member, meeting=now, member=member)
    assert (row.status, row.sign_method) == ("present", "self")


def test_it_signs_in_by_qr_only_with_a_fresh_token(cast: Cast) -> None:
    member = cast.member.member
    assert member is not None
    meeting = plan(cast)
    issued = int(timezone.now().timestamp())
    token = rules.qr_token(key=services.qr_key(), meeting_id=meeting.pk, issued=issued)
    stale = rules.qr_token(
        key=services.qr_key(), meeting_id=meeting.pk, issued=issued - rules.QR_TOKEN_SECONDS - 5
    )
    with pytest.raises(ValidationError, match="二维码已过期"):
        services.attendance_sign_in(actor=cast.member, meeting=meeting, member=member, token=stale)
    row = services.attendance_sign_in(
        actor=cast.member, meeting=meeting, member=member, token=token
    )
    assert row.sign_method == "qr"


def test_it_refuses_sign_in_to_someone_not_invited(cast: Cast) -> None:
    outsider = cast.other.member
    assert outsider is not None
    with pytest.raises(ValidationError, match="不在本次会议的应到或列席名单中"):
        services.attendance_sign_in(actor=cast.other, meeting=plan(cast), member=outsider)


def test_it_takes_leave_then_makeup(cast: Cast) -> None:
    member = cast.member.member
    assert member is not None
    meeting = plan(cast, start=timezone.now() - dt.timedelta(minutes=20))
    with pytest.raises(ValidationError, match="请写明请假事由"):
        services.leave_request(actor=cast.member, meeting=meeting, member=member, reason=" ")
    row = services.leave_request(actor=cast.member, meeting=meeting, member=member, reason="出差")
    assert Notice.objects.filter(user=cast.secretary, key=f"leave:{row.pk}:requested").exists()
    with pytest.raises(ValidationError, match="不批准时请写明理由"):
        services.leave_decide(actor=cast.secretary, attendance=row, approve=False)
    row = services.leave_decide(actor=cast.secretary, attendance=row, approve=True)
    assert row.status == "leave"
    hold(cast, meeting, present=["石书记"])
    row.refresh_from_db()
    assert row.makeup_due and row.participated_on is None
    assert Notice.objects.filter(user=cast.member, key=f"makeup:{meeting.pk}").exists()
    with pytest.raises(ValidationError, match="补学日期不能早于会议日期"):
        services.makeup_complete(
            actor=cast.member, attendance=row, on=meeting.date - dt.timedelta(days=1), how="自学"
        )
    row = services.makeup_complete(
        actor=cast.member, attendance=row, on=timezone.localdate(), how="自学会议记录"
    )
    assert row.participated_on == meeting.date and not row.makeup_due
    with pytest.raises(ValidationError, match="已登记过"):
        services.makeup_complete(
            actor=cast.member, attendance=row, on=timezone.localdate(), how="再学"
        )


def test_it_computes_quorum_and_resolutions_for_an_assembly(cast: Cast) -> None:
    meeting = plan(cast, "branch_assembly")  # 3 voting members: 石书记, 梅党员, 裴同志
    content = {"items": [{"title": "讨论", "content": "讨论了"}],
               "resolutions": [{"text": "接收某同志为预备党员", "yes": 2, "no": 0, "abstain": 0, "written": 0},
                               {"text": "另一事项", "yes": 1, "no": 1, "abstain": 0, "written": 0}]}  # fmt: skip
    held = hold(cast, meeting, present=["石书记", "梅党员"], content=content)
    minutes = held.minutes.get(state=MinutesState.CONFIRMED)
    assert minutes.attendance["quorum"] is True
    assert [r["passed"] for r in minutes.content["resolutions"]] == [True, False]


def test_it_refuses_exclusions_unless_the_setting_allows_them(cast: Cast, settings: Any) -> None:
    settings.VOTING_EXCLUSIONS = False
    peer = plan(cast, "branch_assembly").attendances.get(member=cast.peer)
    with pytest.raises(ValidationError, match="未启用"):
        services.voting_exclusion_set(actor=None, attendance=peer, reason="ill", approval="批复")
    peer.refresh_from_db()
    assert peer.excluded_reason == "" and peer.counts_for_vote


def test_it_excludes_an_approved_absentee_from_the_voting_count(cast: Cast, settings: Any) -> None:
    settings.VOTING_EXCLUSIONS = True
    meeting = plan(cast, "branch_assembly")
    peer = meeting.attendances.get(member=cast.peer)
    with pytest.raises(ValidationError, match="请填写上级党组织的批准文件"):
        services.voting_exclusion_set(actor=None, attendance=peer, reason="abroad", approval="")
    services.voting_exclusion_set(
        actor=None, attendance=peer, reason="abroad", approval="镇党委〔2026〕3号"
    )
    summary = services.attendance_summary(meeting)
    assert (
        summary["voting_expected"] == 2 and summary["excluded"][0]["reason"] == "自费出国半年以上"
    )


def test_it_refuses_impossible_vote_counts(cast: Cast) -> None:
    meeting = plan(cast, "branch_assembly")
    content = {
        "items": [{"title": "x", "content": "y"}],
        "resolutions": [{"text": "事项", "yes": 3, "no": 1, "abstain": 0, "written": 0}],
    }
    with pytest.raises(ValidationError, match="多于到会有表决权的 0 人"):
        services.minutes_save(actor=None, meeting=meeting, content=content)


def test_it_refuses_written_opinions_the_attendance_does_not_record(cast: Cast) -> None:
    meeting = plan(cast, "branch_assembly")  # 石书记, 梅党员, 裴同志 vote
    rows = {a.name: a for a in meeting.attendances.select_related("member")}
    services.attendance_mark(
        actor=None, meeting=meeting,
        marks={rows["石书记"].pk: "present", rows["梅党员"].pk: "present"},
    )  # fmt: skip
    made_up = {"items": [{"title": "x", "content": "y"}],
               "resolutions": [{"text": "事项", "yes": 3, "no": 0, "abstain": 0, "written": 1}]}  # fmt: skip
    with pytest.raises(ValidationError, match="多于出席登记中记录的会前书面表决意见 0 份"):
        services.minutes_save(actor=None, meeting=meeting, content=made_up)
    # Once the recorder ticks 裴同志's written opinion, the same count is accepted.
    services.attendance_mark(
        actor=None, meeting=meeting, marks={rows["裴同志"].pk: "absent"},
        written=[rows["裴同志"].pk],
    )  # fmt: skip
    draft = services.minutes_save(actor=None, meeting=meeting, content=made_up)
    assert draft.content["resolutions"][0]["passed"] is True


def test_it_passes_nothing_without_a_quorum(cast: Cast) -> None:
    meeting = plan(cast, "branch_assembly")  # 3 voting members, only 石书记 there
    content = {"items": [{"title": "讨论", "content": "讨论了"}],
               "resolutions": [{"text": "事项", "yes": 1, "no": 0, "abstain": 0, "written": 0,
                                "owner": "组织委员", "due": "2026年12月31日前"}]}  # fmt: skip
    held = hold(cast, meeting, present=["石书记"], content=content)
    minutes = held.minutes.get(state=MinutesState.CONFIRMED)
    assert minutes.attendance["quorum"] is False
    resolution = minutes.content["resolutions"][0]
    assert resolution["passed"] is False
    assert (resolution["owner"], resolution["due"]) == ("组织委员", "2026年12月31日前")


def test_it_counts_only_those_expected_for_the_six_month_rule(cast: Cast) -> None:
    meeting = plan(cast, "branch_assembly")
    other = cast.other.member  # of 第二党支部, sitting in
    assert other is not None
    services.observer_add(actor=None, meeting=meeting, member=other, guest_title="兄弟支部党员")
    held = hold(cast, meeting, present=["石书记", "梅党员", other.name])
    rows = {a.name: a for a in held.attendances.select_related("member")}
    assert rows["梅党员"].participated_on == held.date
    assert rows[other.name].status == "present" and rows[other.name].participated_on is None


def test_it_keeps_the_fixed_five_when_the_secretary_types_the_x(cast: Cast) -> None:
    meeting = plan(cast, "theme_day", agenda=[("参观红色教育基地", False)])
    agenda = list(meeting.agenda.values_list("title", flat=True))
    assert agenda == [*rules.DEFAULT_THEME_DAY_ITEMS, "参观红色教育基地"]


def test_it_freezes_host_recorder_and_names_into_each_version(cast: Cast) -> None:
    secretary = cast.secretary.member
    meeting = plan(cast, "branch_assembly", host=secretary, recorder=cast.peer)
    held = hold(cast, meeting, present=["石书记", "梅党员"])
    frozen = held.minutes.get(version=1).attendance
    assert (frozen["host"], frozen["recorder"]) == ("石书记", "裴同志")
    assert frozen["absent_names"] == ["裴同志"] and frozen["quorum"] is True


def test_it_locks_confirmed_minutes_and_keeps_every_version(cast: Cast) -> None:
    meeting = hold(cast, plan(cast), present=["石书记", "梅党员"])
    assert meeting.status == "held"
    with pytest.raises(ValidationError, match="已确认并锁定"):
        services.minutes_save(
            actor=None, meeting=meeting, content={"items": [{"title": "x", "content": "改"}]}
        )
    with pytest.raises(ValidationError, match="会议记录已确认"):
        services.attendance_mark(actor=None, meeting=meeting, marks={})
    with pytest.raises(ValidationError, match="请写明更正的原因"):
        services.minutes_correct(actor=None, meeting=meeting, reason="")
    draft = services.minutes_correct(actor=None, meeting=meeting, reason="漏记一位同志的发言")
    assert draft.version == 2 and draft.content == meeting.minutes.get(version=1).content
    services.minutes_save(
        actor=None, meeting=meeting, content={"items": [{"title": "学习", "content": "补记发言"}]}
    )
    services.minutes_confirm(actor=None, meeting=meeting)
    versions = dict(meeting.minutes.values_list("version", "state"))
    assert versions == {1: "superseded", 2: "confirmed"}
    assert meeting.minutes.get(version=1).content["items"][0]["content"] == "学习了重要讲话精神"


def test_it_marks_participation_for_the_six_month_rule(cast: Cast) -> None:
    meeting = hold(cast, plan(cast), present=["梅党员"])
    rows = {a.name: a.participated_on for a in meeting.attendances.select_related("member")}
    assert rows["梅党员"] == meeting.date and rows["石书记"] is None


def test_it_refuses_to_confirm_before_the_meeting_starts(cast: Cast) -> None:
    meeting = plan(cast, start=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="会议还没有开始"):
        services.minutes_save(
            actor=None, meeting=meeting, content={"items": [{"title": "x", "content": "y"}]}
        )


def test_it_plans_a_series_and_changes_only_what_is_ahead(cast: Cast) -> None:
    start = timezone.localdate() - dt.timedelta(days=62)
    series = services.series_plan(
        actor=cast.secretary, branch=cast.branch, kind="theme_day", title="主题党日", day_of_month=10,
        start_time=dt.time(15, 0), duration_minutes=120, starts_on=start, months=6,
    )  # fmt: skip
    meetings = list(series.meetings.order_by("starts_at"))
    assert len(meetings) == 6 and all(timezone.localtime(m.starts_at).day == 10 for m in meetings)
    past = [m for m in meetings if m.starts_at < timezone.now()]
    assert past, "the plan starts two months ago"
    hold(cast, past[0], present=["石书记"])
    services.series_update(actor=None, series=series, title="主题党日（调整）", day_of_month=20,
                           start_time=dt.time(9, 0), duration_minutes=90, place="党员活动室")  # fmt: skip
    after = {m.pk: m for m in series.meetings.all()}
    for m in past:
        assert after[m.pk].starts_at == m.starts_at and after[m.pk].title == "主题党日"
    ahead = [m for m in after.values() if m.starts_at > timezone.now()]
    assert ahead and all(
        timezone.localtime(m.starts_at).day == 20 and m.title == "主题党日（调整）" for m in ahead
    )
    services.series_stop(actor=None, series=series, reason="换届后重新安排")
    assert all(
        m.status == "cancelled" for m in series.meetings.filter(starts_at__gt=timezone.now())
    )
    assert series.meetings.filter(status="held").count() == 1


def test_it_notifies_invitees_of_plans_changes_and_cancellations(
    cast: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    cast.member.email = "mei@example.org"
    cast.member.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        meeting = plan(cast, start=timezone.now() + dt.timedelta(days=2))
    assert Notice.objects.filter(user=cast.member, key=f"meeting:{meeting.pk}:planned").exists()
    assert any("会议通知" in m.subject for m in mailoutbox)
    services.meeting_update(actor=None, meeting=meeting, place="新会议室")
    assert Notice.objects.filter(
        user=cast.member, key__startswith=f"meeting:{meeting.pk}:changed"
    ).exists()
    services.meeting_cancel(actor=None, meeting=meeting, reason="台风")
    assert Notice.objects.filter(user=cast.member, key=f"meeting:{meeting.pk}:cancelled").exists()
    assert not Notice.objects.filter(user=cast.other).exists()


def test_it_keeps_attendance_in_step_with_a_new_date(cast: Cast) -> None:
    meeting = plan(cast, start=timezone.now() + dt.timedelta(days=3))
    member_create(actor=None, branch=cast.branch, values=member_values(name="新同志"))
    services.meeting_update(actor=None, meeting=meeting, title="改期")
    assert "新同志" in names(meeting)


def test_it_keeps_attachments_optional_and_never_deletes_them(cast: Cast) -> None:
    meeting = plan(cast)
    with pytest.raises(ValidationError, match="只能上传图片"):
        services.attachment_add(
            actor=None, meeting=meeting, file=SimpleUploadedFile("x.exe", b"MZ")
        )
    row = services.attachment_add(
        actor=None, meeting=meeting, file=SimpleUploadedFile("合影.jpg", b"\xff\xd8\xff")
    )
    services.attachment_remove(actor=None, attachment=row)
    row.refresh_from_db()
    assert row.removed_at is not None and row.file.storage.exists(row.file.name)


def test_it_audits_every_step(cast: Cast) -> None:
    meeting = hold(cast, plan(cast), present=["石书记"])
    verbs = set(
        AuditEvent.objects.filter(
            object_type="meetings.meeting", object_id=str(meeting.pk)
        ).values_list("verb", flat=True)
    )
    assert {"meeting.plan", "attendance.mark", "minutes.save", "minutes.confirm"} <= verbs
    assert Attendance.objects.filter(meeting=meeting).exists()


def _probationary(cast: Cast, name: str, joined: dt.date) -> Any:
    return member_create(
        actor=None, branch=cast.branch,
        values=member_values(name=name, category="probationary", joined_on=joined,
                             in_branch_since=joined),
    )  # fmt: skip


def test_it_keeps_a_planned_list_in_step_with_the_roster(cast: Cast) -> None:
    today = timezone.localdate()
    ahead = plan(cast, "branch_assembly", start=timezone.now() + dt.timedelta(days=3))
    newcomer = member_create(actor=None, branch=cast.branch, values=member_values(name="新党员"))
    assert "新党员" in names(ahead, voting=True)
    probationer = _probationary(cast, "卜预备", today - dt.timedelta(days=400))
    assert "卜预备" in names(ahead) and "卜预备" not in names(ahead, voting=True)
    member_category_change(actor=None, member=probationer, to="full", on=today)
    assert "卜预备" in names(ahead, voting=True)  # 转正 recorded after planning: now votes
    member_status_change(actor=None, member=newcomer, to="deceased", on=today)
    assert "新党员" not in names(ahead)


def test_it_lists_a_past_meeting_as_the_roster_stood_that_day(cast: Cast) -> None:
    today = timezone.localdate()
    probationer = _probationary(cast, "卜预备", today - dt.timedelta(days=400))
    member_category_change(
        actor=None, member=probationer, to="full", on=today - dt.timedelta(days=10)
    )
    member_transfer_out(
        actor=None, member=cast.peer, on=today - dt.timedelta(days=5), to_name="外县某支部"
    )
    earlier = plan(cast, "branch_assembly", start=timezone.now() - dt.timedelta(days=20))
    # 20 days ago 裴同志 was still here and 卜预备 had no vote yet.
    assert {"裴同志", "卜预备"} <= names(earlier)
    assert "卜预备" not in names(earlier, voting=True) and "裴同志" in names(earlier, voting=True)
    later = plan(cast, "branch_assembly", start=timezone.now() - dt.timedelta(days=2))
    assert "裴同志" not in names(later) and "卜预备" in names(later, voting=True)


def test_it_counts_someone_who_joined_after_planning_when_the_minutes_are_confirmed(
    cast: Cast,
) -> None:
    meeting = plan(cast, "branch_assembly", start=timezone.now() - dt.timedelta(hours=3))
    member_create(
        actor=None, branch=cast.branch,
        values=member_values(name="迟登记", in_branch_since=timezone.localdate() - dt.timedelta(days=30)),
    )  # fmt: skip
    # The meeting is over, so the roster change left its list alone; confirming catches up.
    assert "迟登记" not in names(meeting)
    held = hold(cast, meeting, present=["石书记", "梅党员"])
    frozen = held.minutes.get(version=1).attendance
    assert "迟登记" in frozen["absent_names"] and frozen["expected"] == 4


def test_it_takes_the_vote_from_a_member_under_party_probation(cast: Cast) -> None:
    from zhibu.members.services import member_party_probation_set

    today = timezone.localdate()
    with pytest.raises(ValidationError, match="文号"):
        member_party_probation_set(actor=None, member=cast.peer, to="party_probation", on=today)
    member_party_probation_set(
        actor=None, member=cast.peer, to="party_probation", on=today - dt.timedelta(days=10),
        note="镇纪委〔2026〕5号",
    )  # fmt: skip
    ahead = plan(cast, "branch_assembly", start=timezone.now() + dt.timedelta(days=2))
    before = plan(cast, "branch_assembly", start=timezone.now() - dt.timedelta(days=20))
    assert "裴同志" in names(ahead) and "裴同志" not in names(ahead, voting=True)
    assert "裴同志" in names(before, voting=True)  # the vote was taken only from that day
    with pytest.raises(ValidationError, match="已在留党察看期间"):
        member_party_probation_set(
            actor=None, member=cast.peer, to="party_probation", on=today, note="x"
        )
    member_party_probation_set(actor=None, member=cast.peer, to="none", on=today, note="期满")
    assert "裴同志" in names(ahead, voting=True)  # rights restored: the list follows
    assert AuditEvent.objects.filter(verb="member.party_probation").count() == 2
