"""Every write to meetings: planning, series, attendance, leave, make-up, minutes, attachments.

Each service checks the domain's rules, writes in one transaction and records one audit event;
whether the actor may do it is the view's check (meetings/access.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.core import audit
from zhibu.core.dates import zh_date
from zhibu.meetings import rules
from zhibu.meetings.models import (
    ActivityForm,
    AgendaItem,
    Attachment,
    Attendance,
    AttendanceRole,
    AttendanceStatus,
    BranchSettings,
    LeaveState,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    Minutes,
    MinutesState,
    SignMethod,
)
from zhibu.members import rules as member_rules
from zhibu.members.models import (
    NO_DISCIPLINE,
    PARTY_PROBATION,
    EventKind,
    Member,
    MemberEvent,
    Status,
    Transfer,
    TransferDirection,
    TransferState,
)
from zhibu.notices.services import notify
from zhibu.orgs.models import COMMITTEE_ROLES, Organization, OrgKind, Position
from zhibu.orgs.queries import officer_users

MAX_DURATION = dt.timedelta(hours=24)
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".pdf", ".doc", ".docx", ".xls", ".xlsx",
    ".ppt", ".pptx", ".txt",
}  # fmt: skip


# --- who is expected ------------------------------------------------------------------------


def people_on(branch: Organization, on: dt.date) -> list[rules.Person]:
    """The branch's roster as it stood on ``on``, as the attendance rules see it (three
    queries): who was in the branch that day (those who have since died, left or transferred
    out included, those who came later not), in the category they had that day, and who sat on
    its committee then."""
    later_gone = Q(status=Status.ACTIVE) | Q(status_changed_on__gt=on)
    here = Q(branch=branch, in_branch_since__lte=on) & later_gone
    moved_on = (
        Transfer.objects.filter(
            direction=TransferDirection.OUT, from_org=branch, state=TransferState.COMPLETED
        )
        .annotate(left_on=Coalesce("decided_on", "on"))
        .filter(left_on__gt=on)
        .values("member_id")
    )
    came_after = Transfer.objects.filter(
        direction=TransferDirection.IN, to_org=branch, on__gt=on
    ).values("member_id")
    members = list(
        Member.objects.filter(here | (Q(pk__in=moved_on) & ~Q(pk__in=came_after))).only(
            "pk", "category", "group_id", "branch_id", "party_probation"
        )
    )
    changes: dict[tuple[int, str], list[tuple[dt.date, str, str]]] = {}
    for member_id, kind, day, was, became in (
        MemberEvent.objects.filter(
            member__in=[m.pk for m in members],
            kind__in=[EventKind.CATEGORY, EventKind.DISCIPLINE],
        )
        .order_by("on", "pk")
        .values_list("member_id", "kind", "on", "from_value", "to_value")
    ):
        changes.setdefault((member_id, kind), []).append((day, was, became))
    committee = set(
        Position.objects.active(on)
        .filter(organization=branch, role__in=COMMITTEE_ROLES)
        .values_list("member_id", flat=True)
    )
    return [
        rules.Person(
            id=m.pk,
            category=member_rules.value_on(
                m.category, changes.get((m.pk, EventKind.CATEGORY), []), on
            ),
            suspended=member_rules.value_on(
                PARTY_PROBATION if m.party_probation else NO_DISCIPLINE,
                changes.get((m.pk, EventKind.DISCIPLINE), []),
                on,
            )
            == PARTY_PROBATION,
            group_id=m.group_id if m.branch_id == branch.pk else None,
            on_committee=m.pk in committee,
        )
        for m in members
    ]


def _expected_rows(meeting: Meeting) -> dict[int, bool]:
    """member id → has a vote, for the people who should attend ``meeting``."""
    people = people_on(meeting.branch, meeting.date)
    ids = set(rules.expected(meeting.kind, people, group_id=meeting.group_id))
    return {p.id: rules.has_vote(p.category, suspended=p.suspended) for p in people if p.id in ids}


def _sync_attendance(meeting: Meeting) -> tuple[int, int]:
    """Bring the list in step with the roster on the meeting's date: add the newly expected,
    correct who has a vote, drop those no longer expected who have not signed in or asked for
    leave. Returns (added, removed)."""
    wanted = _expected_rows(meeting)
    rows = {a.member_id: a for a in meeting.attendances.filter(member__isnull=False)}
    added = [
        Attendance(meeting=meeting, member_id=mid, role=AttendanceRole.ATTENDEE, voting=vote)
        for mid, vote in wanted.items()
        if mid not in rows
    ]
    Attendance.objects.bulk_create(added)
    for mid, a in rows.items():
        if mid not in wanted:
            continue
        if a.role == AttendanceRole.OBSERVER:  # an observer who is now expected counts
            a.role, a.voting = AttendanceRole.ATTENDEE, wanted[mid]
            a.save(update_fields=["role", "voting"])
        elif a.voting != wanted[mid]:  # e.g. 转正 recorded after the meeting was planned
            a.voting = wanted[mid]
            a.save(update_fields=["voting"])
    gone = [
        a.pk
        for mid, a in rows.items()
        if mid not in wanted
        and a.role == AttendanceRole.ATTENDEE
        and a.signed_at is None
        and not a.leave_state
        and a.made_up_on is None
    ]
    Attendance.objects.filter(pk__in=gone).delete()
    return len(added), len(gone)


def attendance_refresh(*, branch: Organization) -> int:
    """After a roster change (someone joins, leaves, transfers, changes category): bring the
    lists of the branch's meetings still ahead in step. Part of the roster service's own
    transaction and audit event. Returns how many meetings changed."""
    changed = 0
    upcoming = Meeting.objects.filter(
        branch=branch, status=MeetingStatus.PLANNED, ends_at__gte=timezone.now()
    ).select_related("branch")
    for meeting in upcoming:
        added, removed = _sync_attendance(meeting)
        changed += bool(added or removed)
    return changed


def _check_member(branch: Organization, member: Member | None, field: str, label: str) -> None:
    if member is not None and (member.branch_id != branch.pk or not member.is_current):
        raise ValidationError({field: f"{label}应是本支部的在册人员"})


def _clean_plan(
    branch: Organization,
    *,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    group: Organization | None,
    host: Member | None,
    recorder: Member | None,
    lecturer: Member | None,
    lecturer_name: str,
    activity_form: str,
    online_link: str,
) -> None:
    errors: dict[str, str] = {}
    if branch.kind != OrgKind.BRANCH or branch.is_closed:
        raise ValidationError({"branch": "会议只能由在册的党支部安排"})
    if kind not in MeetingKind.values:
        errors["kind"] = "会议类型不正确"
    if not title.strip():
        errors["title"] = "请填写会议主题"
    if ends_at <= starts_at:
        errors["ends_at"] = "结束时间应晚于开始时间"
    elif ends_at - starts_at > MAX_DURATION:
        errors["ends_at"] = "一次会议不能超过24小时"
    if kind == rules.GROUP_MEETING and group is None:
        errors["group"] = "党小组会请选择党小组"
    if group is not None:
        if kind != rules.GROUP_MEETING:
            errors["group"] = "只有党小组会属于某个党小组"
        elif group.parent_id != branch.pk or group.kind != OrgKind.GROUP or group.is_closed:
            errors["group"] = "请选择本支部的党小组"
    if kind == rules.LECTURE and lecturer is None and not lecturer_name.strip():
        errors["lecturer"] = "党课请填写授课人"
    if activity_form and activity_form not in ActivityForm.values:
        errors["activity_form"] = "活动形式不正确"
    if online_link and not online_link.startswith(("https://", "http://")):
        errors["online_link"] = "线上会议链接应以 https:// 开头"
    if errors:
        raise ValidationError(errors)
    _check_member(branch, host, "host", "主持人")
    _check_member(branch, recorder, "recorder", "记录人")
    if lecturer is not None and not lecturer.is_current:
        raise ValidationError({"lecturer": "授课人不是在册人员"})


def _agenda_for(
    branch: Organization, kind: str, agenda: Sequence[tuple[str, bool]] | None
) -> list[tuple[str, bool]]:
    items = [(t.strip(), bool(first)) for t, first in (agenda or []) if t and t.strip()]
    if kind != rules.THEME_DAY:
        return items
    # A 主题党日 is the branch's "5" of its "5+X" plus what is typed (the X): the five are
    # kept when missing from what was typed, in their order, after a 第一议题 if there is one.
    settings_row = BranchSettings.objects.filter(branch=branch).first()
    fixed = settings_row.items if settings_row else list(rules.DEFAULT_THEME_DAY_ITEMS)
    return rules.five_plus_x(fixed, items)


def _invitees(meeting: Meeting) -> list[User]:
    return list(
        User.objects.filter(member__attendances__meeting=meeting, is_active=True).distinct()
    )


def _when(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.starts_at)
    return f"{zh_date(local.date())} {local:%H:%M}"


def _tell(meeting: Meeting, what: str, key_suffix: str) -> None:
    """Notify the invitees of a meeting still ahead; past meetings need no notice."""
    if meeting.ends_at < timezone.now():
        return
    url = reverse("meetings:detail", args=[meeting.pk])
    place = meeting.place or ("线上" if meeting.online_link else "")
    notify(
        users=_invitees(meeting),
        key=f"meeting:{meeting.pk}:{key_suffix}",
        title=f"{what}：{meeting.get_kind_display()}「{meeting.title}」",
        body=f"{_when(meeting)}{(' · ' + place) if place else ''}",
        url=url,
    )


@transaction.atomic
def meeting_plan(
    *,
    actor: User | None,
    branch: Organization,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    group: Organization | None = None,
    place: str = "",
    online_link: str = "",
    host: Member | None = None,
    recorder: Member | None = None,
    lecturer: Member | None = None,
    lecturer_name: str = "",
    agenda: Sequence[tuple[str, bool]] | None = None,
    activity_form: str = "",
    tags: Iterable[str] = (),
    series: MeetingSeries | None = None,
    send_notice: bool = True,
) -> Meeting:
    """Plan a meeting: its 应到 attendance rows are derived from the kind (RULES.md §3)."""
    _clean_plan(
        branch, kind=kind, title=title, starts_at=starts_at, ends_at=ends_at, group=group,
        host=host, recorder=recorder, lecturer=lecturer, lecturer_name=lecturer_name,
        activity_form=activity_form, online_link=online_link,
    )  # fmt: skip
    meeting = Meeting.objects.create(
        branch=branch,
        group=group,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_link=online_link.strip(),
        host=host,
        recorder=recorder,
        lecturer=lecturer,
        lecturer_name=lecturer_name.strip(),
        activity_form=activity_form,
        tags=sorted({t.strip() for t in tags if t and t.strip()}),
        series=series,
    )
    items = _agenda_for(branch, kind, agenda)
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=i, title=t[:300], is_first_topic=first and i == 0)
        for i, (t, first) in enumerate(items)
    )
    added, _ = _sync_attendance(meeting)
    audit.record(
        actor,
        "meeting.plan",
        meeting,
        organization=branch,
        changes=audit.created(
            {**meeting.audit_values(), "agenda": [t for t, _ in items], "expected": added}
        ),
    )
    if send_notice:
        _tell(meeting, "会议通知", "planned")
    return meeting


def _open(meeting: Meeting) -> Meeting:
    locked = (
        Meeting.objects.select_for_update(of=("self",)).select_related("branch").get(pk=meeting.pk)
    )
    if locked.status == MeetingStatus.CANCELLED:
        raise ValidationError({"status": "会议已取消"})
    return locked


EDITABLE = (
    "title", "starts_at", "ends_at", "place", "online_link", "host", "recorder", "lecturer",
    "lecturer_name", "activity_form", "tags", "group",
)  # fmt: skip


@transaction.atomic
def meeting_update(
    *,
    actor: User | None,
    meeting: Meeting,
    agenda: Sequence[tuple[str, bool]] | None = None,
    send_notice: bool = True,
    **values: Any,
) -> Meeting:
    """Change a planned meeting; the expected attendees follow a new date or group."""
    meeting = _open(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError({"status": "会议已召开：请通过更正会议记录修改"})
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    before = meeting.audit_values()
    for key, value in values.items():
        if key == "tags":
            value = sorted({t.strip() for t in value if t and t.strip()})
        elif isinstance(value, str):
            value = value.strip()
        setattr(meeting, key, value)
    _clean_plan(
        meeting.branch, kind=meeting.kind, title=meeting.title, starts_at=meeting.starts_at,
        ends_at=meeting.ends_at, group=meeting.group, host=meeting.host, recorder=meeting.recorder,
        lecturer=meeting.lecturer, lecturer_name=meeting.lecturer_name,
        activity_form=meeting.activity_form, online_link=meeting.online_link,
    )  # fmt: skip
    meeting.save(update_fields=list(values))
    changes: dict[str, Any] = audit.diff(before, meeting.audit_values())
    if agenda is not None:
        old = list(meeting.agenda.values_list("title", flat=True))
        items = [(t.strip(), bool(f)) for t, f in agenda if t and t.strip()]
        meeting.agenda.all().delete()
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, position=i, title=t[:300], is_first_topic=f and i == 0)
            for i, (t, f) in enumerate(items)
        )
        if old != [t for t, _ in items]:
            changes["agenda"] = [old, [t for t, _ in items]]
    added, removed = _sync_attendance(meeting)
    if added or removed:
        changes["expected"] = [f"-{removed}", f"+{added}"]
    if changes:
        audit.record(actor, "meeting.update", meeting, organization=meeting.branch, changes=changes)
        if send_notice and {"starts_at", "ends_at", "place", "online_link"} & set(changes):
            stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
            _tell(meeting, "会议变更", f"changed:{stamp}")
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User | None, meeting: Meeting, reason: str) -> Meeting:
    meeting = _open(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError({"reason": "会议已召开，不能取消"})
    if not reason.strip():
        raise ValidationError({"reason": "请写明取消的原因"})
    meeting.status, meeting.cancelled_reason = MeetingStatus.CANCELLED, reason.strip()
    meeting.save(update_fields=["status", "cancelled_reason"])
    audit.record(
        actor, "meeting.cancel", meeting, organization=meeting.branch,
        changes={"status": ["已安排", "已取消"], "reason": [None, reason.strip()]},
    )  # fmt: skip
    _tell(meeting, "会议取消", "cancelled")
    return meeting


# --- series ---------------------------------------------------------------------------------


def _series_times(series: MeetingSeries, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, series.start_time, tzinfo=tz)
    return start, start + dt.timedelta(minutes=series.duration_minutes)


@transaction.atomic
def series_plan(
    *,
    actor: User | None,
    branch: Organization,
    kind: str,
    title: str,
    day_of_month: int,
    start_time: dt.time,
    duration_minutes: int,
    starts_on: dt.date,
    months: int = 12,
    place: str = "",
    group: Organization | None = None,
) -> MeetingSeries:
    """A monthly plan: one meeting per month on ``day_of_month`` for ``months`` months."""
    if not 1 <= day_of_month <= 31:
        raise ValidationError({"day_of_month": "每月几号应在1到31之间"})
    if not 1 <= months <= 24:
        raise ValidationError({"months": "一次最多安排24个月"})
    if not 15 <= duration_minutes <= 24 * 60:
        raise ValidationError({"duration_minutes": "时长应在15分钟到24小时之间"})
    series = MeetingSeries.objects.create(
        branch=branch, group=group, kind=kind, title=title.strip(), day_of_month=day_of_month,
        start_time=start_time, duration_minutes=duration_minutes, place=place.strip(),
        starts_on=starts_on, months=months,
    )  # fmt: skip
    dates = rules.monthly_dates(start=starts_on, day=day_of_month, months=months)
    for day in dates:
        starts_at, ends_at = _series_times(series, day)
        meeting_plan(
            actor=actor, branch=branch, kind=kind, title=series.title, starts_at=starts_at,
            ends_at=ends_at, group=group, place=series.place, series=series, send_notice=False,
        )  # fmt: skip
    audit.record(
        actor, "series.plan", series, organization=branch,
        changes=audit.created({
            "kind": series.get_kind_display(), "title": series.title,
            "day_of_month": day_of_month, "start_time": start_time.isoformat(),
            "months": months, "first": dates[0] if dates else None,
        }),
    )  # fmt: skip
    users = User.objects.filter(
        member__attendances__meeting__series=series, is_active=True
    ).distinct()
    if dates:
        notify(
            users=users, key=f"series:{series.pk}:planned",
            title=f"会议安排：{series.get_kind_display()}「{series.title}」",
            body=f"自{zh_date(dates[0])}起，每月{day_of_month}日 {start_time:%H:%M}，共{len(dates)}次",
            url=reverse("meetings:mine"),
        )  # fmt: skip
    return series


@transaction.atomic
def series_update(
    *,
    actor: User | None,
    series: MeetingSeries,
    title: str,
    day_of_month: int,
    start_time: dt.time,
    duration_minutes: int,
    place: str = "",
) -> MeetingSeries:
    """Change the plan and the meetings still ahead; held and past meetings stay as they were."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    if not 1 <= day_of_month <= 31:
        raise ValidationError({"day_of_month": "每月几号应在1到31之间"})
    before = {"title": series.title, "day_of_month": series.day_of_month,
              "start_time": series.start_time.isoformat(), "place": series.place}  # fmt: skip
    series.title, series.day_of_month, series.start_time = title.strip(), day_of_month, start_time
    series.duration_minutes, series.place = duration_minutes, place.strip()
    series.save(update_fields=["title", "day_of_month", "start_time", "duration_minutes", "place"])
    now = timezone.now()
    changed = 0
    for meeting in series.meetings.filter(status=MeetingStatus.PLANNED, starts_at__gt=now):
        day = rules.monthly_dates(start=meeting.date.replace(day=1), day=day_of_month, months=1)[0]
        starts_at, ends_at = _series_times(series, day)
        meeting_update(
            actor=actor, meeting=meeting, title=series.title, starts_at=starts_at,
            ends_at=ends_at, place=series.place,
        )  # fmt: skip
        changed += 1
    after = {"title": series.title, "day_of_month": day_of_month,
             "start_time": start_time.isoformat(), "place": series.place}  # fmt: skip
    audit.record(
        actor, "series.update", series, organization=series.branch,
        changes={**audit.diff(before, after), "meetings_changed": [None, changed]},
    )  # fmt: skip
    return series


@transaction.atomic
def series_stop(*, actor: User | None, series: MeetingSeries, reason: str) -> MeetingSeries:
    """End the plan: the meetings still ahead are cancelled, the past ones stay."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    if not reason.strip():
        raise ValidationError({"reason": "请写明停止的原因"})
    series.active = False
    series.save(update_fields=["active"])
    ahead = series.meetings.filter(status=MeetingStatus.PLANNED, starts_at__gt=timezone.now())
    count = 0
    for meeting in ahead:
        meeting_cancel(actor=actor, meeting=meeting, reason=reason)
        count += 1
    audit.record(
        actor, "series.stop", series, organization=series.branch,
        changes={"active": [True, False], "cancelled": [None, count], "reason": [None, reason]},
    )  # fmt: skip
    return series


@transaction.atomic
def branch_settings_update(
    *, actor: User | None, branch: Organization, theme_day: int, theme_day_items: Sequence[str]
) -> BranchSettings:
    if not 1 <= theme_day <= 31:
        raise ValidationError({"theme_day": "主题党日固定日应在1到31之间"})
    items = [t.strip() for t in theme_day_items if t and t.strip()]
    if len(items) > 10:
        raise ValidationError({"theme_day_items": "固定议程最多10项"})
    row, _ = BranchSettings.objects.select_for_update().get_or_create(branch=branch)
    before = {"theme_day": row.theme_day, "theme_day_items": row.items}
    row.theme_day, row.theme_day_items = theme_day, items
    row.save()
    changes = audit.diff(before, {"theme_day": theme_day, "theme_day_items": row.items})
    if changes:
        audit.record(actor, "meeting_settings.update", row, organization=branch, changes=changes)
    return row


# --- attendance -----------------------------------------------------------------------------


def _attendance_editable(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError({"status": "会议已取消"})
    if (
        meeting.status == MeetingStatus.HELD
        and not meeting.minutes.filter(state=MinutesState.DRAFT).exists()
    ):
        raise ValidationError({"status": "会议记录已确认：如需改正出席情况，请先提出更正"})


@transaction.atomic
def observer_add(
    *,
    actor: User | None,
    meeting: Meeting,
    member: Member | None = None,
    guest_name: str = "",
    guest_title: str = "",
) -> Attendance:
    """列席: activists, a contact-point leader, 群众 by name. Observers never count."""
    meeting = _open(meeting)
    _attendance_editable(meeting)
    if member is None and not guest_name.strip():
        raise ValidationError({"guest_name": "请选择人员或填写列席人员姓名"})
    if member is not None and meeting.attendances.filter(member=member).exists():
        raise ValidationError({"member": f"{member.name}已在本次会议名单中"})
    row = Attendance.objects.create(
        meeting=meeting, member=member, guest_name="" if member else guest_name.strip(),
        guest_title=guest_title.strip(), role=AttendanceRole.OBSERVER,
    )  # fmt: skip
    audit.record(
        actor, "attendance.observer_add", meeting, organization=meeting.branch,
        changes={"observer": [None, f"{row.name}（{row.guest_title}）" if row.guest_title else row.name]},
    )  # fmt: skip
    return row


def qr_key() -> bytes:
    return f"zhibu-qr:{settings.SECRET_KEY}".encode()


@transaction.atomic
def attendance_sign_in(
    *,
    actor: User | None,
    meeting: Meeting,
    member: Member,
    token: str = "",
    now: dt.datetime | None = None,
) -> Attendance:
    """A member signs in on the phone, by the button or by scanning the host's QR code."""
    now = now or timezone.now()
    meeting = _open(meeting)
    row = meeting.attendances.select_for_update().filter(member=member).first()
    if row is None:
        raise ValidationError({"meeting": "您不在本次会议的应到或列席名单中"})
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError({"meeting": "会议记录已确认，不能再签到"})
    problem = rules.sign_in_window_message(
        starts_at=meeting.starts_at, ends_at=meeting.ends_at, now=now
    )
    if problem:
        raise ValidationError({"meeting": problem})
    if token and not rules.qr_token_valid(
        key=qr_key(), meeting_id=meeting.pk, token=token, now=int(now.timestamp())
    ):
        raise ValidationError({"token": "二维码已过期（每60秒更新一次），请重新扫描会场的二维码"})
    if row.status == AttendanceStatus.PRESENT:
        return row
    row.status, row.signed_at = AttendanceStatus.PRESENT, now
    row.sign_method = SignMethod.QR if token else SignMethod.SELF
    row.save(update_fields=["status", "signed_at", "sign_method"])
    audit.record(
        actor, "attendance.sign_in", meeting, organization=meeting.branch,
        changes={"present": [None, member.name], "method": [None, row.get_sign_method_display()]},
    )  # fmt: skip
    return row


@transaction.atomic
def attendance_mark(
    *,
    actor: User | None,
    meeting: Meeting,
    marks: Mapping[int, str],
    written: Iterable[int] = (),
) -> int:
    """The recorder sets everyone's attendance in one screen (sign-in is never required)."""
    meeting = _open(meeting)
    _attendance_editable(meeting)
    if meeting.starts_at - rules.SIGN_IN_OPENS_BEFORE > timezone.now():
        raise ValidationError({"meeting": "会议还没有开始，不能登记出席情况"})
    rows = {
        a.pk: a
        for a in meeting.attendances.select_for_update(of=("self",)).select_related("member")
    }
    written = set(written)
    changes: dict[str, list[Any]] = {}
    now = timezone.now()
    for pk, status in marks.items():
        row = rows.get(int(pk))
        if row is None:
            raise ValidationError({"marks": "名单中没有这个人，请刷新页面"})
        if status not in AttendanceStatus.values:
            raise ValidationError({"marks": "出席情况不正确"})
        want_written = row.pk in written and status != AttendanceStatus.PRESENT and row.voting
        if row.status == status and row.written_opinion == want_written:
            continue
        old = row.get_status_display()
        row.status, row.written_opinion = status, want_written
        if status == AttendanceStatus.PRESENT and row.signed_at is None:
            row.signed_at, row.sign_method = now, SignMethod.RECORDER
        if status != AttendanceStatus.PRESENT:
            row.signed_at, row.sign_method = None, ""
        row.save(update_fields=["status", "written_opinion", "signed_at", "sign_method"])
        changes[row.name] = [
            old,
            row.get_status_display() + ("（书面意见）" if want_written else ""),
        ]
    if changes:
        audit.record(
            actor, "attendance.mark", meeting, organization=meeting.branch, changes=changes
        )
    return len(changes)


def _branch_officers(branch: Organization) -> list[User]:
    return officer_users(branch, secretaries_only=True)


@transaction.atomic
def leave_request(
    *, actor: User | None, meeting: Meeting, member: Member, reason: str
) -> Attendance:
    """请假 with a reason; the secretary approves it."""
    meeting = _open(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError({"reason": "会议记录已确认，不能再请假"})
    if timezone.now() > meeting.ends_at:
        raise ValidationError({"reason": "会议已结束，不能再请假；可在会后补学"})
    if not reason.strip():
        raise ValidationError({"reason": "请写明请假事由"})
    row = (
        meeting.attendances.select_for_update()
        .filter(member=member, role=AttendanceRole.ATTENDEE)
        .first()
    )
    if row is None:
        raise ValidationError({"reason": "您不在本次会议的应到名单中"})
    if row.status == AttendanceStatus.PRESENT:
        raise ValidationError({"reason": "您已签到"})
    row.leave_reason, row.leave_state = reason.strip(), LeaveState.REQUESTED
    row.save(update_fields=["leave_reason", "leave_state"])
    audit.record(
        actor, "attendance.leave_request", meeting, organization=meeting.branch,
        changes={"leave": [None, f"{member.name}：{reason.strip()}"]},
    )  # fmt: skip
    notify(
        users=_branch_officers(meeting.branch), key=f"leave:{row.pk}:requested",
        title=f"请假申请：{member.name}", body=f"{meeting.title}（{_when(meeting)}）：{reason.strip()}",
        url=reverse("meetings:attendance", args=[meeting.pk]),
    )  # fmt: skip
    return row


@transaction.atomic
def leave_decide(
    *, actor: User | None, attendance: Attendance, approve: bool, note: str = ""
) -> Attendance:
    row = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("meeting", "member")
        .get(pk=attendance.pk)
    )
    if row.leave_state != LeaveState.REQUESTED:
        raise ValidationError({"approve": "这条请假申请已处理"})
    if not approve and not note.strip():
        raise ValidationError({"note": "不批准时请写明理由"})
    row.leave_state = LeaveState.APPROVED if approve else LeaveState.REJECTED
    row.leave_note, row.leave_decided_by = note.strip(), actor
    if approve:
        row.status = AttendanceStatus.LEAVE
    row.save(update_fields=["leave_state", "leave_note", "leave_decided_by", "status"])
    audit.record(
        actor, "attendance.leave_decide", row.meeting, organization=row.meeting.branch,
        changes={"leave": [row.name, row.get_leave_state_display()], "note": [None, note.strip()]},
    )  # fmt: skip
    if row.member_id:
        notify(
            users=User.objects.filter(member_id=row.member_id), key=f"leave:{row.pk}:decided",
            title=f"请假{row.get_leave_state_display()}：{row.meeting.title}", body=note.strip(),
            url=reverse("meetings:detail", args=[row.meeting_id]),
        )  # fmt: skip
    return row


@transaction.atomic
def voting_exclusion_set(
    *, actor: User | None, attendance: Attendance, reason: str, approval: str
) -> Attendance:
    """Record an approved exclusion from 应到会有表决权 (RULES.md §3), or clear it (reason "")."""
    row = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=attendance.pk)
    )
    _attendance_editable(row.meeting)
    if row.meeting.kind != rules.BRANCH_ASSEMBLY or not row.voting:
        raise ValidationError({"reason": "只有党员大会上有表决权的党员才涉及此项"})
    if reason and not settings.VOTING_EXCLUSIONS:
        raise ValidationError(
            {
                "reason": "本系统未启用“不计入应到会有表决权”（设置 ZHIBU_VOTING_EXCLUSIONS，默认关闭）"
            }
        )
    if reason and reason not in rules.EXCLUSION_REASONS:
        raise ValidationError({"reason": "原因不正确"})
    if reason and not approval.strip():
        raise ValidationError({"approval": "请填写上级党组织的批准文件或批复"})
    before = row.get_excluded_reason_display() if row.excluded_reason else ""
    row.excluded_reason, row.excluded_approval = reason, approval.strip() if reason else ""
    row.save(update_fields=["excluded_reason", "excluded_approval"])
    audit.record(
        actor, "attendance.voting_exclusion", row.meeting, organization=row.meeting.branch,
        changes={row.name: [before, rules.EXCLUSION_REASONS.get(reason, "")], "approval": [None, row.excluded_approval]},
    )  # fmt: skip
    return row


@transaction.atomic
def makeup_complete(
    *, actor: User | None, attendance: Attendance, on: dt.date, how: str
) -> Attendance:
    """补学 done: it counts as taking part in that meeting, dated by the meeting."""
    row = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=attendance.pk)
    )
    if row.meeting.status != MeetingStatus.HELD:
        raise ValidationError({"on": "会议召开并确认记录后才能登记补学"})
    if not row.makeup_due:
        raise ValidationError({"on": "这次会议不需要补学，或已登记过"})
    if on > timezone.localdate():
        raise ValidationError({"on": "补学日期不能晚于今天"})
    if on < row.meeting.date:
        raise ValidationError({"on": "补学日期不能早于会议日期"})
    if not how.strip():
        raise ValidationError({"how": "请写明补学的方式（如自学会议记录、书记当面传达）"})
    row.made_up_on, row.made_up_how = on, how.strip()
    row.participated_on = row.meeting.date
    row.save(update_fields=["made_up_on", "made_up_how", "participated_on"])
    audit.record(
        actor, "attendance.makeup", row.meeting, organization=row.meeting.branch,
        changes={"makeup": [None, f"{row.name}：{on.isoformat()} {how.strip()}"]},
    )  # fmt: skip
    return row


# --- minutes --------------------------------------------------------------------------------


def attendance_summary(meeting: Meeting) -> dict[str, Any]:
    """应到/实到/请假/缺席 counts and names, the voting figures and the quorum (RULES.md §3),
    with the host and recorder: what the minutes freeze when they are confirmed."""
    rows = list(meeting.attendances.select_related("member").order_by("pk"))
    lines = [
        rules.Line(
            name=a.name,
            status=a.status,
            observer=a.role == AttendanceRole.OBSERVER,
            voting=a.voting,
            excluded=a.get_excluded_reason_display() if a.excluded_reason else "",
            approval=a.excluded_approval,
            written=a.written_opinion,
            leave_reason=a.leave_reason,
            title=a.guest_title,
        )  # fmt: skip
        for a in rows
    ]
    summary = rules.attendance_snapshot(meeting.kind, lines)
    summary["host"] = meeting.host.name if meeting.host_id and meeting.host else ""
    summary["recorder"] = meeting.recorder.name if meeting.recorder_id and meeting.recorder else ""
    return summary


def _clean_content(
    meeting: Meeting, content: Mapping[str, Any], summary: Mapping[str, Any]
) -> dict[str, Any]:
    items = [
        {"title": str(i.get("title", "")).strip()[:300], "is_first_topic": bool(i.get("is_first_topic")),
         "content": str(i.get("content", "")).strip()}
        for i in content.get("items", [])
        if str(i.get("title", "")).strip()
    ]  # fmt: skip
    resolutions = []
    for n, r in enumerate(content.get("resolutions", []), start=1):
        text = str(r.get("text", "")).strip()
        if not text:
            continue
        try:
            yes, no, abstain, written = (
                int(r.get(k) or 0) for k in ("yes", "no", "abstain", "written")
            )
        except (TypeError, ValueError):
            raise ValidationError({"resolutions": f"第{n}项决议的票数应为整数"}) from None
        t = rules.tally_of(summary)
        check = rules.check_votes(
            yes=yes, no=no, abstain=abstain, written=written, written_recorded=t.written,
            voting_present=t.voting_present if meeting.is_assembly else t.present,
        )  # fmt: skip
        if not check.ok:
            raise ValidationError({"resolutions": f"第{n}项决议：{check.problem}"})
        resolution: dict[str, Any] = {
            "text": text,
            "yes": yes,
            "no": no,
            "abstain": abstain,
            "written": written,
            "owner": str(r.get("owner", "")).strip()[:100],
            "due": str(r.get("due", "")).strip()[:100],
        }
        passed = rules.resolution_outcome(meeting.kind, t, yes=yes)
        if passed is not None:
            resolution["passed"] = passed
        resolutions.append(resolution)
    return {
        "items": items,
        "resolutions": resolutions,
        "summary": str(content.get("summary", "")).strip(),
    }


@transaction.atomic
def minutes_save(*, actor: User | None, meeting: Meeting, content: Mapping[str, Any]) -> Minutes:
    """Save the draft minutes (content per agenda item, resolutions, the chair's summary)."""
    meeting = _open(meeting)
    if meeting.starts_at - rules.SIGN_IN_OPENS_BEFORE > timezone.now():
        raise ValidationError({"content": "会议还没有开始，不能填写会议记录"})
    draft = meeting.minutes.select_for_update().filter(state=MinutesState.DRAFT).first()
    if draft is None:
        if meeting.minutes.filter(state=MinutesState.CONFIRMED).exists():
            raise ValidationError({"content": "会议记录已确认并锁定：如需修改，请提出更正"})
        draft = Minutes(meeting=meeting, version=1, created_by=actor)
    summary = attendance_summary(meeting)
    clean = _clean_content(meeting, content, summary)
    before = draft.content
    draft.content = clean
    draft.save()
    audit.record(
        actor, "minutes.save", meeting, organization=meeting.branch,
        changes={"version": [None, draft.version], **audit.diff({"content": before}, {"content": clean})},
    )  # fmt: skip
    return draft


@transaction.atomic
def minutes_confirm(*, actor: User | None, meeting: Meeting) -> Minutes:
    """Confirm and lock the draft: the meeting is held, attendance is frozen into the minutes,
    those who missed it get their 补学, and the six-month rule sees who took part."""
    meeting = _open(meeting)
    draft = meeting.minutes.select_for_update().filter(state=MinutesState.DRAFT).first()
    if draft is None:
        raise ValidationError({"content": "还没有会议记录草稿"})
    if meeting.starts_at > timezone.now():
        raise ValidationError({"content": "会议还没有开始，不能确认会议记录"})
    if not draft.content.get("items") and not draft.content.get("summary"):
        raise ValidationError({"content": "会议记录还是空的：请至少记录一个议题的内容"})
    # The list as the roster stood on the day: someone who joined or was confirmed (转正)
    # since the meeting was planned is counted as the rules say.
    _sync_attendance(meeting)
    summary = attendance_summary(meeting)
    # Re-check the counts against the attendance as it now stands.
    draft.content = _clean_content(meeting, draft.content, summary)
    previous = meeting.minutes.filter(state=MinutesState.CONFIRMED).first()
    if previous is not None:
        previous.state = MinutesState.SUPERSEDED
        previous.save(update_fields=["state"])
    draft.state, draft.attendance = MinutesState.CONFIRMED, summary
    draft.confirmed_by, draft.confirmed_at = actor, timezone.now()
    draft.save()
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status"])
    day = meeting.date
    # Only those expected take part in the sense of the six-month rule: an observer (列席)
    # attends someone else's organizational life.
    expected = meeting.attendances.filter(role=AttendanceRole.ATTENDEE)
    expected.filter(status=AttendanceStatus.PRESENT).update(participated_on=day)
    expected.exclude(status=AttendanceStatus.PRESENT).filter(made_up_on__isnull=True).update(
        participated_on=None
    )
    meeting.attendances.filter(role=AttendanceRole.OBSERVER).update(participated_on=None)
    audit.record(
        actor, "minutes.confirm", meeting, organization=meeting.branch,
        changes={
            "version": [None, draft.version],
            "attendance": [None, f"应到{summary['expected']} 实到{summary['present']} "
                                 f"请假{summary['leave']} 缺席{summary['absent']}"],
            **({"quorum": [None, "达到" if summary["quorum"] else "未达到"]} if "quorum" in summary else {}),
        },
    )  # fmt: skip
    missed = User.objects.filter(
        member__attendances__in=meeting.attendances.makeup_due(), is_active=True
    ).distinct()
    notify(
        users=missed, key=f"makeup:{meeting.pk}",
        title=f"请补学：{meeting.get_kind_display()}「{meeting.title}」",
        body=f"您没有参加{_when(meeting)}的会议，请阅读会议记录补学，完成后登记。",
        url=reverse("meetings:detail", args=[meeting.pk]),
    )  # fmt: skip
    return draft


@transaction.atomic
def minutes_correct(*, actor: User | None, meeting: Meeting, reason: str) -> Minutes:
    """Open a correction: a new draft version copied from the confirmed one, with a reason."""
    meeting = _open(meeting)
    if not reason.strip():
        raise ValidationError({"reason": "请写明更正的原因"})
    if meeting.minutes.filter(state=MinutesState.DRAFT).exists():
        raise ValidationError({"reason": "已有一份未确认的更正，请先完成它"})
    current = meeting.minutes.filter(state=MinutesState.CONFIRMED).first()
    if current is None:
        raise ValidationError({"reason": "会议记录还没有确认，直接修改草稿即可"})
    draft = Minutes.objects.create(
        meeting=meeting, version=current.version + 1, reason=reason.strip(),
        content=current.content, created_by=actor,
    )  # fmt: skip
    audit.record(
        actor, "minutes.correct", meeting, organization=meeting.branch,
        changes={"version": [current.version, draft.version], "reason": [None, reason.strip()]},
    )  # fmt: skip
    return draft


# --- attachments ----------------------------------------------------------------------------


@transaction.atomic
def attachment_add(
    *, actor: User | None, meeting: Meeting, file: UploadedFile, name: str = ""
) -> Attachment:
    meeting = _open(meeting)
    filename = (file.name or "").rsplit("/", 1)[-1]
    suffix = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError({"file": "只能上传图片、PDF、Word、Excel、PowerPoint 或文本文件"})
    if (file.size or 0) > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": "文件不能超过20MB"})
    row = Attachment(
        meeting=meeting,
        name=(name.strip() or filename)[:200],
        size=file.size or 0,
        uploaded_by=actor,
    )
    row.file.save(filename, file, save=False)
    row.save()
    audit.record(
        actor, "attachment.add", meeting, organization=meeting.branch,
        changes={"attachment": [None, row.name]},
    )  # fmt: skip
    return row


@transaction.atomic
def attachment_remove(*, actor: User | None, attachment: Attachment) -> Attachment:
    """Taken off the meeting's page; the file is kept (nothing is deleted outright)."""
    row = (
        Attachment.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=attachment.pk)
    )
    if row.removed_at is not None:
        return row
    row.removed_at = timezone.now()
    row.save(update_fields=["removed_at"])
    audit.record(
        actor, "attachment.remove", row.meeting, organization=row.meeting.branch,
        changes={"attachment": [row.name, None]},
    )  # fmt: skip
    return row
