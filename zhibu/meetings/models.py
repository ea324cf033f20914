"""三会一课 and 主题党日: meetings, their agenda, who attended, and the minutes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhibu.meetings import rules

if TYPE_CHECKING:
    from zhibu.accounts.models import User


class MeetingKind(models.TextChoices):
    BRANCH_ASSEMBLY = rules.BRANCH_ASSEMBLY, "支部党员大会"
    COMMITTEE_MEETING = rules.COMMITTEE_MEETING, "支部委员会会议"
    GROUP_MEETING = rules.GROUP_MEETING, "党小组会"
    LECTURE = rules.LECTURE, "党课"
    THEME_DAY = rules.THEME_DAY, "主题党日"
    LIFE_MEETING = rules.LIFE_MEETING, "组织生活会"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "已安排"
    HELD = "held", "已召开"
    CANCELLED = "cancelled", "已取消"


class ActivityForm(models.TextChoices):
    """活动形式 (PRODUCT.md capability 2)."""

    STUDY = "study", "学习研讨"
    SIMULATION = "simulation", "情景模拟/角色扮演"
    VISIT = "visit", "参观教育基地"
    VOLUNTEER = "volunteer", "志愿服务"
    EVENING_TALK = "evening_talk", "屋场夜话"
    OTHER = "other", "其他"


class BranchSettings(models.Model):
    """A branch's own meeting habits: its fixed 主题党日 and the "5" of its "5+X"."""

    branch = models.OneToOneField(
        "orgs.Organization",
        verbose_name="党支部",
        on_delete=models.PROTECT,
        related_name="meeting_settings",
    )
    theme_day = models.PositiveSmallIntegerField(
        "主题党日固定日", default=10, help_text="每月几号（1–31；没有这一天的月份取月末）"
    )
    theme_day_items = models.JSONField("主题党日固定议程", default=list, blank=True)

    class Meta:
        verbose_name = "党支部会议设置"
        verbose_name_plural = "党支部会议设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(theme_day__gte=1, theme_day__lte=31), name="settings_theme_day_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch} 会议设置"

    @property
    def items(self) -> list[str]:
        return list(self.theme_day_items or rules.DEFAULT_THEME_DAY_ITEMS)


class MeetingSeries(models.Model):
    """A repeating plan (e.g. 主题党日 every month on the 10th). Editing it changes only the
    meetings still ahead; what was held stays as it was."""

    branch = models.ForeignKey(
        "orgs.Organization", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "orgs.Organization",
        verbose_name="党小组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("会议类型", max_length=30, choices=MeetingKind.choices)
    title = models.CharField("主题", max_length=200)
    day_of_month = models.PositiveSmallIntegerField("每月几号")
    start_time = models.TimeField("开始时间")
    duration_minutes = models.PositiveSmallIntegerField("时长（分钟）", default=120)
    place = models.CharField("地点", max_length=200, blank=True)
    starts_on = models.DateField("开始日期")
    months = models.PositiveSmallIntegerField("安排几个月", default=12)
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "会议计划"
        verbose_name_plural = "会议计划"
        constraints = [
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=31), name="series_day_range"
            ),
            models.CheckConstraint(
                condition=Q(months__gte=1, months__lte=24), name="series_months_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（每月{self.day_of_month}日）"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def held(self) -> MeetingQuerySet:
        return self.filter(status=MeetingStatus.HELD)

    def visible_to(self, user: User) -> MeetingQuerySet:
        """Meetings of branches the user manages, and meetings the user is invited to."""
        from zhibu.accounts.access import scope_for

        scope = scope_for(user)
        if scope.is_superuser:
            return self
        q = Q(branch__in=_managed_branches(scope))
        if scope.member is not None:
            q |= Q(attendances__member=scope.member)
            if scope.led_group_ids:
                q |= Q(group_id__in=scope.led_group_ids)
        return self.filter(q).distinct()


def _managed_branches(scope: Any) -> Any:
    from zhibu.orgs.models import Organization

    return Organization.objects.filter(scope.managed_org_q()).values("pk")


class Meeting(models.Model):
    """One meeting or activity of a branch (or of one of its groups)."""

    branch = models.ForeignKey(
        "orgs.Organization",
        verbose_name="党支部",
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    group = models.ForeignKey(
        "orgs.Organization",
        verbose_name="党小组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_meetings",
    )
    kind = models.CharField("会议类型", max_length=30, choices=MeetingKind.choices)
    title = models.CharField("主题", max_length=200)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=200, blank=True)
    online_link = models.URLField("线上会议链接", max_length=500, blank=True)
    host = models.ForeignKey(
        "members.Member",
        verbose_name="主持人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorder = models.ForeignKey(
        "members.Member",
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lecturer = models.ForeignKey(
        "members.Member",
        verbose_name="授课人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lecturer_name = models.CharField(
        "授课人（系统外）", max_length=100, blank=True, help_text="如上级党委书记、专家"
    )
    activity_form = models.CharField(
        "活动形式", max_length=20, choices=ActivityForm.choices, blank=True
    )
    tags = models.JSONField("党建+标签", default=list, blank=True)
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name="会议计划",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    status = models.CharField(
        "状态", max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    cancelled_reason = models.CharField("取消原因", max_length=300, blank=True)
    imported = models.BooleanField("从纸质台账导入", default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(kind=rules.GROUP_MEETING) | Q(group__isnull=False),
                name="meeting_group_meeting_has_group",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "starts_at"], name="meeting_branch_idx"),
            models.Index(fields=["status", "kind", "starts_at"], name="meeting_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def date(self) -> dt.date:
        return timezone.localdate(self.starts_at)

    @property
    def is_assembly(self) -> bool:
        return self.kind == rules.BRANCH_ASSEMBLY

    @property
    def is_open(self) -> bool:
        """Still plannable and editable: not held, not cancelled."""
        return self.status == MeetingStatus.PLANNED

    @property
    def lecturer_label(self) -> str:
        return self.lecturer.name if self.lecturer_id and self.lecturer else self.lecturer_name

    def audit_values(self) -> dict[str, Any]:
        return {
            "kind": self.get_kind_display(),
            "title": self.title,
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "place": self.place,
            "online_link": self.online_link,
            "host": self.host.name if self.host_id and self.host else None,
            "recorder": self.recorder.name if self.recorder_id and self.recorder else None,
            "lecturer": self.lecturer_label or None,
            "group": self.group.name if self.group_id and self.group else None,
            "activity_form": self.get_activity_form_display() if self.activity_form else "",
            "tags": list(self.tags or []),
            "status": self.get_status_display(),
        }


class AgendaItem(models.Model):
    """议题. The first may be the 第一议题 (study of the latest important speech)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="agenda"
    )
    position = models.PositiveSmallIntegerField("顺序")
    title = models.CharField("议题", max_length=300)
    is_first_topic = models.BooleanField("第一议题", default=False)

    class Meta:
        verbose_name = "议题"
        verbose_name_plural = "议题"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class AttendanceRole(models.TextChoices):
    ATTENDEE = "attendee", "应到"
    OBSERVER = "observer", "列席"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"


class LeaveState(models.TextChoices):
    NONE = "", "—"
    REQUESTED = "requested", "待批准"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未批准"


class SignMethod(models.TextChoices):
    SELF = "self", "本人签到"
    QR = "qr", "扫码签到"
    RECORDER = "recorder", "记录人登记"
    IMPORT = "import", "台账导入"


class AttendanceQuerySet(models.QuerySet["Attendance"]):
    def expected(self) -> AttendanceQuerySet:
        return self.filter(role=AttendanceRole.ATTENDEE)

    def makeup_due(self) -> AttendanceQuerySet:
        """补学 still to do: missed a meeting that was held, not yet made up.

        Meetings imported from a paper ledger are history, not a to-do list: no 补学 for them.
        """
        return self.filter(
            role=AttendanceRole.ATTENDEE,
            status__in=[AttendanceStatus.LEAVE, AttendanceStatus.ABSENT],
            meeting__status=MeetingStatus.HELD,
            meeting__imported=False,
            made_up_on__isnull=True,
        )


class Attendance(models.Model):
    """One person at one meeting: an expected attendee (应到) or an observer (列席, never counted).

    ``participated_on`` is the meeting's date once the person was there (minutes confirmed) or
    has made up for it (补学); the six-month rule reads it (rulebook/compliance).
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    guest_name = models.CharField("列席人员姓名", max_length=50, blank=True)
    guest_title = models.CharField("职务/身份", max_length=100, blank=True)
    role = models.CharField(
        "身份", max_length=20, choices=AttendanceRole.choices, default=AttendanceRole.ATTENDEE
    )
    voting = models.BooleanField("有表决权", default=False)
    excluded_reason = models.CharField(
        "不计入应到会有表决权的原因",
        max_length=30,
        blank=True,
        choices=[("", "—"), *rules.EXCLUSION_REASONS.items()],
    )
    excluded_approval = models.CharField("上级批准文件", max_length=200, blank=True)
    status = models.CharField(
        "出席情况", max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.ABSENT
    )
    signed_at = models.DateTimeField("签到时间", null=True, blank=True)
    sign_method = models.CharField(
        "签到方式", max_length=20, choices=SignMethod.choices, blank=True
    )
    leave_reason = models.CharField("请假事由", max_length=300, blank=True)
    leave_state = models.CharField(
        "请假审批", max_length=20, choices=LeaveState.choices, blank=True, default=""
    )
    leave_decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name="审批人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leave_note = models.CharField("审批意见", max_length=300, blank=True)
    written_opinion = models.BooleanField("会前提交书面表决意见", default=False)
    made_up_on = models.DateField("补学日期", null=True, blank=True)
    made_up_how = models.CharField("补学方式", max_length=300, blank=True)
    participated_on = models.DateField("参加组织生活日期", null=True, blank=True, editable=False)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = "出席记录"
        verbose_name_plural = "出席记录"
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(member__isnull=False),
                name="attendance_one_per_member",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(guest_name=""),
                name="attendance_has_person",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | Q(role=AttendanceRole.OBSERVER),
                name="attendance_guests_observe",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "participated_on"], name="attendance_life_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.meeting}"

    @property
    def name(self) -> str:
        return self.member.name if self.member_id and self.member else self.guest_name

    @property
    def counts_for_vote(self) -> bool:
        """In 应到会有表决权: a voting attendee without an approved exclusion."""
        return self.role == AttendanceRole.ATTENDEE and self.voting and not self.excluded_reason

    @property
    def makeup_due(self) -> bool:
        return (
            self.role == AttendanceRole.ATTENDEE
            and self.status in (AttendanceStatus.LEAVE, AttendanceStatus.ABSENT)
            and self.made_up_on is None
        )


class MinutesState(models.TextChoices):
    DRAFT = "draft", "草稿"
    CONFIRMED = "confirmed", "已确认"
    SUPERSEDED = "superseded", "已更正"


class Minutes(models.Model):
    """会议记录, one row per version. Confirming locks a version; a correction is a new version
    with a reason, and every version stays readable.

    ``content``: ``{"items": [{"title", "is_first_topic", "content"}], "resolutions": [{"text",
    "yes", "no", "abstain", "written", "passed"}], "summary": str}``. ``attendance`` is the
    attendance as it stood when the version was confirmed (counts and names), so an old version
    reads as it was written.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="minutes"
    )
    version = models.PositiveSmallIntegerField("版本")
    state = models.CharField(
        "状态", max_length=20, choices=MinutesState.choices, default=MinutesState.DRAFT
    )
    reason = models.CharField("更正原因", max_length=300, blank=True)
    content = models.JSONField("内容", default=dict, blank=True)
    attendance = models.JSONField("出席情况", default=dict, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "会议记录"
        verbose_name_plural = "会议记录"
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="minutes_version_unique"),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(state="draft"),
                name="minutes_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(state__in=MinutesState.values), name="minutes_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} 记录 第{self.version}版"

    @property
    def is_locked(self) -> bool:
        return self.state != MinutesState.DRAFT


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"meetings/{instance.meeting_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Attachment(models.Model):
    """A photo or file kept with a meeting. Optional: nothing demands one."""

    meeting = models.ForeignKey(
        Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=300)
    name = models.CharField("名称", max_length=200)
    size = models.PositiveIntegerField("大小", default=0)
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class CalendarFeed(models.Model):
    """A member's personal iCal feed: a secret URL, revocable (only the token's hash is kept)."""

    user = models.ForeignKey(
        "accounts.User",
        verbose_name="账号",
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = "日历订阅"
        verbose_name_plural = "日历订阅"

    def __str__(self) -> str:
        return f"{self.user} 日历订阅"
