"""An organization's own export templates (FORMS.md: exports are templates)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhibu.orgs.models import Organization
from zhibu.reports import registry
from zhibu.reports.registry import Document


def template_path(instance: ExportTemplate, filename: str) -> str:
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return f"export-templates/{instance.organization_id}/{instance.document}-{stamp}{suffix}"


class ExportTemplateQuerySet(models.QuerySet["ExportTemplate"]):
    def active(self) -> ExportTemplateQuerySet:
        return self.filter(retired_at__isnull=True)


class ExportTemplate(models.Model):
    """One organization's file for one document of the registry (``registry.DOCUMENTS``).

    It applies to the organization and everything below it that has none of its own. Replacing
    or retiring it keeps the row and the file (``retired_at``): nothing is deleted outright.
    ``document`` is a registry key, not a database choice, so a new document needs no migration.
    """

    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name="党组织",
        on_delete=models.PROTECT,
        related_name="export_templates",
    )
    document = models.CharField("文书", max_length=40)
    file = models.FileField("模板文件", upload_to=template_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小", default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now, editable=False)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)
    retired_by = models.ForeignKey(
        "accounts.User",
        verbose_name="停用人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ExportTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "导出模板"
        verbose_name_plural = "导出模板"
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "document"],
                condition=Q(retired_at__isnull=True),
                name="export_template_one_active",
            ),
        ]
        indexes = [
            models.Index(fields=["document", "organization"], name="export_template_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.document_name}：{self.original_name}"

    @property
    def is_active(self) -> bool:
        return self.retired_at is None

    @property
    def document_name(self) -> str:
        doc = registry.get(self.document)
        return doc.name if doc else self.document


@dataclass
class InEffect:
    """The template a given organization uses for one document, and where it comes from."""

    document: Document
    organization: Organization
    template: ExportTemplate | None = None

    @property
    def source(self) -> str:
        """own | ancestor | builtin"""
        if self.template is None:
            return "builtin"
        return "own" if self.template.organization_id == self.organization.pk else "ancestor"

    @property
    def source_label(self) -> str:
        if self.template is None:
            return "系统默认"
        if self.source == "own":
            return "本组织"
        return f"上级「{self.template.organization.name}」"

    def read(self) -> bytes:
        if self.template is None:
            return self.document.default_bytes()
        with self.template.file.open("rb") as fh:
            return fh.read()


def in_effect(organization: Organization, keys: list[str] | None = None) -> dict[str, InEffect]:
    """For each document: the organization's own active template, else its nearest ancestor's,
    else the built-in default. One query for any number of documents."""
    docs = [registry.DOCUMENTS[k] for k in (keys or list(registry.DOCUMENTS))]
    chain = [organization.pk, *reversed(organization.ancestor_ids())]
    rank = {org_id: n for n, org_id in enumerate(chain)}
    rows = (
        ExportTemplate.objects.active()
        .filter(document__in=[d.key for d in docs], organization_id__in=chain)
        .select_related("organization")
    )
    best: dict[str, ExportTemplate] = {}
    for row in rows:
        held = best.get(row.document)
        if held is None or rank[row.organization_id] < rank[held.organization_id]:
            best[row.document] = row
    return {d.key: InEffect(d, organization, best.get(d.key)) for d in docs}
