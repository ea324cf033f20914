"""Who may see and do what with a meeting (the meetings' part of accounts/access.py).

A meeting is visible to the officers of its branch, to the leader of its group, and to everyone
on its list (应到 or 列席). Managing it (plan, change, cancel, leave approval) is for the branch's
officers and, for a 党小组会, the group leader. The host and the recorder may also record
attendance and write the minutes.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from zhibu.accounts.access import Scope, scope_for
from zhibu.meetings.models import Attachment, Attendance, Meeting, MeetingSeries


def can_manage(scope: Scope, meeting: Meeting) -> bool:
    if scope.can_manage_org(meeting.branch):
        return True
    return meeting.group_id is not None and meeting.group_id in scope.led_group_ids


def can_record(scope: Scope, meeting: Meeting) -> bool:
    if can_manage(scope, meeting):
        return True
    me = scope.member
    return me is not None and me.pk in (meeting.host_id, meeting.recorder_id)


def my_attendance(scope: Scope, meeting: Meeting) -> Attendance | None:
    if scope.member is None:
        return None
    return meeting.attendances.filter(member=scope.member).first()


def get_meeting_or_404(
    user: Any, pk: int, *, manage: bool = False, record: bool = False
) -> Meeting:
    meeting = (
        Meeting.objects.select_related("branch", "group", "host", "recorder", "lecturer", "series")
        .filter(pk=pk)
        .first()
    )
    scope = scope_for(user)
    if meeting is None:
        raise Http404("没有这次会议")
    invited = scope.member is not None and meeting.attendances.filter(member=scope.member).exists()
    if not (can_manage(scope, meeting) or invited):
        raise Http404("没有这次会议")
    if manage and not can_manage(scope, meeting):
        raise PermissionDenied("只有党支部负责人（党小组会为党小组长）可以办理")
    if record and not can_record(scope, meeting):
        raise PermissionDenied("只有主持人、记录人和党支部负责人可以登记会议情况")
    return meeting


def get_attendance_or_404(
    user: Any, pk: int, *, manage: bool = False, own_or_manage: bool = False
) -> Attendance:
    row = (
        Attendance.objects.select_related("meeting__branch", "meeting__group", "member")
        .filter(pk=pk)
        .first()
    )
    scope = scope_for(user)
    if row is None:
        raise Http404("没有这条出席记录")
    own = scope.member is not None and row.member_id == scope.member.pk
    managed = can_manage(scope, row.meeting)
    if not (own or managed):
        raise Http404("没有这条出席记录")
    if manage and not managed:
        raise PermissionDenied("只有党支部负责人可以办理")
    if own_or_manage and not (own or managed):
        raise PermissionDenied("只有本人和党支部负责人可以办理")
    return row


def get_series_or_404(user: Any, pk: int) -> MeetingSeries:
    series = MeetingSeries.objects.select_related("branch", "group").filter(pk=pk).first()
    scope = scope_for(user)
    if series is None or not scope.can_view_org(series.branch):
        raise Http404("没有这个会议计划")
    if not scope.can_manage_org(series.branch):
        raise PermissionDenied("只有党支部负责人可以管理会议计划")
    return series


def get_attachment_or_404(user: Any, pk: int) -> Attachment:
    row = (
        Attachment.objects.select_related("meeting").filter(pk=pk, removed_at__isnull=True).first()
    )
    if row is None:
        raise Http404("没有这个附件")
    get_meeting_or_404(user, row.meeting_id)
    return row
