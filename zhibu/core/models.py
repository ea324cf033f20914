"""The audit trail: one hash-chained event per service call."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhibu.core import labels


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, object_type: str, object_id: object) -> AuditEventQuerySet:
        return self.filter(object_type=object_type, object_id=str(object_id))


class AuditEvent(models.Model):
    """Who did what, when, to which object, with the fields' before/after values.

    Events form a hash chain: ``hash`` is SHA-256 over the event's content and ``prev_hash``
    (the previous event's ``hash``), so editing or deleting a row breaks the chain at that point
    (``zhibu audit verify``). Personal fields are stored masked in ``changes``.
    """

    seq = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField("操作人名称", max_length=150)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verb = models.CharField("操作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更", default=dict, blank=True)
    prev_hash = models.CharField("前一事件哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx"),
            models.Index(fields=["organization", "seq"], name="audit_org_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.object_label}"

    @property
    def verb_label(self) -> str:
        return labels.verb_label(self.verb)

    @property
    def change_rows(self) -> list[tuple[str, object, object]]:
        rows = []
        for name, pair in (self.changes or {}).items():
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            label = labels.field_label(name, self.object_type)
            rows.append((label, labels.show(old), labels.show(new)))
        return rows


class AuditChainHead(models.Model):
    """The single row holding the chain's last sequence number and hash.

    Writers lock this row (SELECT … FOR UPDATE) before appending, which serialises appends on
    PostgreSQL; SQLite serialises writers anyway. It also lets ``verify`` notice a cut-off tail.
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="audit_head_single")]

    def __str__(self) -> str:
        return f"head #{self.seq}"
