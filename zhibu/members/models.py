"""Member records: everyone on a branch's roster, whatever the category."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhibu.core import crypto
from zhibu.core.fields import EncryptedTextField
from zhibu.members import rules

if TYPE_CHECKING:
    from zhibu.accounts.models import User


class Category(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"
    CANDIDATE = "candidate", "发展对象"
    ACTIVIST = "activist", "入党积极分子"
    APPLICANT = "applicant", "入党申请人"


PARTY_CATEGORIES = (Category.FULL, Category.PROBATIONARY)


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Status(models.TextChoices):
    ACTIVE = "active", "在册"
    TRANSFERRED_OUT = "transferred_out", "已转出"
    DECEASED = "deceased", "已去世"
    REMOVED = "removed", "已出党"


class MemberQuerySet(models.QuerySet["Member"]):
    def current(self) -> MemberQuerySet:
        return self.filter(status=Status.ACTIVE)

    def party_members(self) -> MemberQuerySet:
        return self.filter(category__in=PARTY_CATEGORIES)

    def visible_to(self, user: User) -> MemberQuerySet:
        from zhibu.accounts.access import scope_for

        return self.filter(scope_for(user).member_q())

    def managed_by(self, user: User) -> MemberQuerySet:
        from zhibu.accounts.access import scope_for

        return self.filter(scope_for(user).managed_member_q())

    def with_id_number(self, id_number: str) -> MemberQuerySet:
        """By 身份证号, written any way (a lower-case x, spaces): the stored hash is of the
        normalized number."""
        normalized = rules.normalize_id(id_number)
        return self.filter(id_number_hash=crypto.keyed_hash(normalized, purpose="id_number"))


class Member(models.Model):
    """A person on a roster. ``id_number`` and ``phone`` are encrypted at rest."""

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    birth_date = models.DateField("出生日期")
    id_number = EncryptedTextField("身份证号")
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_tail = models.CharField("身份证后四位", max_length=4, editable=False)
    phone = EncryptedTextField("手机号", blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    education = models.CharField("学历", max_length=20, blank=True)
    category = models.CharField("人员类别", max_length=20, choices=Category.choices)
    joined_on = models.DateField("入党日期", null=True, blank=True)
    full_on = models.DateField("转正日期", null=True, blank=True)
    branch = models.ForeignKey(
        "orgs.Organization",
        verbose_name="所在党支部",
        on_delete=models.PROTECT,
        related_name="members",
    )
    group = models.ForeignKey(
        "orgs.Organization",
        verbose_name="党小组",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_members",
    )
    in_branch_since = models.DateField("转入本支部日期")
    work_unit = models.CharField("工作单位及职务", max_length=200, blank=True)
    is_mobile = models.BooleanField("流动党员", default=False)
    mobile_location = models.CharField("流动去向", max_length=200, blank=True)
    is_retired = models.BooleanField("离退休", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    party_probation = models.BooleanField(
        "留党察看", default=False, help_text="察看期间没有表决权、选举权和被选举权（党章第四十条）"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=Category.values), name="member_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="member_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=PARTY_CATEGORIES, joined_on__isnull=False)
                | ~Q(category__in=PARTY_CATEGORIES),
                name="member_party_has_joined_on",
            ),
            models.CheckConstraint(
                condition=Q(full_on__isnull=True) | Q(category=Category.FULL),
                name="member_full_on_only_full",
            ),
            models.CheckConstraint(
                condition=Q(full_on__isnull=True) | Q(full_on__gt=models.F("joined_on")),
                name="member_full_after_joined",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "status", "name"], name="member_branch_idx"),
            models.Index(fields=["name", "id"], name="member_name_idx"),
            models.Index(fields=["group", "status"], name="member_group_idx"),
            # Name search over a county (LIKE '%王%' can use no index order): scanning this
            # narrow index instead of the wide rows (encrypted fields) is 3× faster on PostgreSQL.
            models.Index(fields=["status", "name", "branch", "id"], name="member_search_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def set_id_number(self, value: str) -> None:
        self.id_number = value
        self.id_number_hash = crypto.keyed_hash(value, purpose="id_number")
        self.id_number_tail = value[-4:]

    def set_phone(self, value: str) -> None:
        self.phone = value
        self.phone_hash = crypto.keyed_hash(value, purpose="phone")

    @property
    def id_number_masked(self) -> str:
        return rules.mask_id(self.id_number)

    @property
    def phone_masked(self) -> str:
        return rules.mask_phone(self.phone)

    @property
    def is_party_member(self) -> bool:
        return self.category in PARTY_CATEGORIES

    @property
    def is_current(self) -> bool:
        return self.status == Status.ACTIVE

    @property
    def label(self) -> str:
        """Name with the ID's last four characters, to tell namesakes apart: 张伟(123X)."""
        return f"{self.name}({self.id_number_tail})"

    def audit_values(self) -> dict[str, Any]:
        """Field values as the audit trail stores them: personal data masked."""
        return {
            "name": self.name,
            "gender": self.get_gender_display(),
            "ethnicity": self.ethnicity,
            "birth_date": self.birth_date,
            "id_number": self.id_number_masked,
            "phone": self.phone_masked,
            "education": self.education,
            "category": self.get_category_display(),
            "joined_on": self.joined_on,
            "full_on": self.full_on,
            "branch": self.branch.name if self.branch_id else None,
            "group": self.group.name if self.group_id and self.group else None,
            "in_branch_since": self.in_branch_since,
            "work_unit": self.work_unit,
            "is_mobile": self.is_mobile,
            "mobile_location": self.mobile_location,
            "is_retired": self.is_retired,
            "status": self.get_status_display(),
        }


class TransferDirection(models.TextChoices):
    IN = "in", "转入"
    OUT = "out", "转出"


class TransferState(models.TextChoices):
    PENDING = "pending", "待接收"
    COMPLETED = "completed", "已完成"
    REJECTED = "rejected", "已退回"
    CANCELLED = "cancelled", "已撤回"


class TransferQuerySet(models.QuerySet["Transfer"]):
    def pending(self) -> TransferQuerySet:
        return self.filter(state=TransferState.PENDING)


class Transfer(models.Model):
    """组织关系转接: one letter moving a member into or out of a branch.

    A transfer to a branch in zhibu waits (``pending``) until the receiving branch accepts it;
    until then the member stays with the old branch, which remains responsible (RULES.md §9).
    """

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="transfers"
    )
    direction = models.CharField("方向", max_length=3, choices=TransferDirection.choices)
    on = models.DateField("转接日期")
    from_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="转出组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_name = models.CharField("转出组织名称", max_length=200, blank=True)
    to_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name="转入组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_name = models.CharField("转入组织名称", max_length=200, blank=True)
    letter_number = models.CharField("介绍信编号", max_length=60, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)
    state = models.CharField(
        "状态", max_length=20, choices=TransferState.choices, default=TransferState.COMPLETED
    )
    decided_on = models.DateField("接收/退回日期", null=True, blank=True)
    decision_note = models.CharField("退回理由", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=TransferDirection.values), name="transfer_direction_valid"
            ),
            models.CheckConstraint(
                condition=~Q(from_org__isnull=True, from_name=""), name="transfer_has_from"
            ),
            models.CheckConstraint(
                condition=~Q(to_org__isnull=True, to_name=""), name="transfer_has_to"
            ),
            models.CheckConstraint(
                condition=Q(state__in=TransferState.values), name="transfer_state_valid"
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state="pending"),
                name="transfer_one_pending_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_direction_display()} {self.on}"

    @property
    def from_label(self) -> str:
        return self.from_org.name if self.from_org else self.from_name

    @property
    def to_label(self) -> str:
        return self.to_org.name if self.to_org else self.to_name


class EventKind(models.TextChoices):
    CATEGORY = "category", "人员类别变更"
    STATUS = "status", "党籍状态变更"
    DISCIPLINE = "discipline", "留党察看"


# The values of a discipline event (from → to).
PARTY_PROBATION = "party_probation"
NO_DISCIPLINE = "none"
DISCIPLINE_LABELS = {PARTY_PROBATION: "留党察看", NO_DISCIPLINE: "恢复党员权利"}


class MemberEvent(models.Model):
    """A dated change of category (预备 → 正式) or status (去世, 出党) kept as history."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("类型", max_length=20, choices=EventKind.choices)
    from_value = models.CharField("变更前", max_length=30)
    to_value = models.CharField("变更后", max_length=30)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "党员变动"
        verbose_name_plural = "党员变动"
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.on}"

    def _label(self, value: str) -> str:
        if self.kind == EventKind.DISCIPLINE:
            return DISCIPLINE_LABELS.get(value, value)
        choices = Category if self.kind == EventKind.CATEGORY else Status
        return str(dict(choices.choices).get(value, value))

    @property
    def from_label(self) -> str:
        return self._label(self.from_value)

    @property
    def to_label(self) -> str:
        return self._label(self.to_value)
