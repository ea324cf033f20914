"""Writes of the reports app: uploading and retiring export templates, and taking exports out
(each export is an audit event: who took which records out)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from zhibu.accounts.models import User
from zhibu.core import audit
from zhibu.orgs.models import Organization
from zhibu.reports import engine, registry
from zhibu.reports.models import ExportTemplate, in_effect

TEMPLATE_MAX_BYTES = 5 * 1024 * 1024


def _document(key: str) -> registry.Document:
    doc = registry.get(key)
    if doc is None:
        raise ValidationError({"document": "没有这种导出文书"})
    return doc


def export_template_upload(
    *, actor: User | None, organization: Organization, document: str, file: UploadedFile
) -> ExportTemplate:
    """Use an organization's own file for ``document`` from now on, for it and everything below
    it without one of its own. The file is checked and test-rendered first (outside the write
    transaction: rendering takes a moment); a template already in use is retired, not deleted."""
    doc = _document(document)
    filename = (file.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    if not filename.lower().endswith(doc.suffix):
        raise ValidationError({"file": f"{doc.name}的模板应为 {doc.format_label}"})
    if (file.size or 0) > TEMPLATE_MAX_BYTES:
        raise ValidationError({"file": "模板文件不能超过 5 MB"})
    if organization.is_closed:
        raise ValidationError({"file": "该组织已撤销，不能再上传模板"})
    data = file.read()
    try:
        engine.validate(doc, data)
    except engine.TemplateProblem as exc:
        raise ValidationError({"file": str(exc)}) from None
    return _template_save(
        actor=actor, organization=organization, doc=doc, filename=filename, data=data
    )


@transaction.atomic
def _template_save(
    *,
    actor: User | None,
    organization: Organization,
    doc: registry.Document,
    filename: str,
    data: bytes,
) -> ExportTemplate:
    now = timezone.now()
    current = (
        ExportTemplate.objects.select_for_update()
        .active()
        .filter(organization=organization, document=doc.key)
        .first()
    )
    if current is not None:
        current.retired_at, current.retired_by = now, actor
        current.save(update_fields=["retired_at", "retired_by"])
    row = ExportTemplate(
        organization=organization,
        document=doc.key,
        original_name=filename[:200],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
        uploaded_at=now,
    )
    row.file.save(filename, ContentFile(data), save=False)
    row.save()
    audit.record(
        actor,
        "export_template.upload",
        row,
        organization=organization,
        label=f"{doc.name}模板",
        changes={
            "document": [None, doc.name],
            "file": [current.original_name if current else None, row.original_name],
            "sha256": [current.sha256 if current else None, row.sha256],
        },
    )
    return row


@transaction.atomic
def export_template_retire(
    *, actor: User | None, organization: Organization, document: str
) -> ExportTemplate:
    """Stop using the organization's own template: the ancestor's or the built-in one applies
    again. The file stays."""
    doc = _document(document)
    row = (
        ExportTemplate.objects.select_for_update()
        .active()
        .filter(organization=organization, document=doc.key)
        .first()
    )
    if row is None:
        raise ValidationError({"document": f"本组织没有在用的{doc.name}模板"})
    row.retired_at, row.retired_by = timezone.now(), actor
    row.save(update_fields=["retired_at", "retired_by"])
    now_used = in_effect(organization, [doc.key])[doc.key]
    audit.record(
        actor,
        "export_template.retire",
        row,
        organization=organization,
        label=f"{doc.name}模板",
        changes={"file": [row.original_name, None], "now_used": [None, now_used.source_label]},
    )
    return row


def document_export(
    *,
    actor: User | None,
    organization: Organization,
    document: str,
    context: Mapping[str, Any],
    obj: models.Model | None = None,
    details: Mapping[str, Any] | None = None,
) -> bytes:
    """Fill the template in effect for ``organization`` and record who took what out.

    Raises ``engine.TemplateProblem`` (nothing recorded) when the template cannot be filled.
    Only the audit event is written, in a transaction of its own after the rendering: a year's
    book takes a moment to fill, and SQLite's write lock must not wait for it.
    """
    doc = _document(document)
    used = in_effect(organization, [doc.key])[doc.key]
    try:
        data = engine.render(doc, used.read(), context)
    except engine.TemplateProblem as exc:
        owner = "系统默认" if used.template is None else f"「{used.template.organization.name}」"
        raise engine.TemplateProblem(f"{owner}的{doc.name}模板无法生成文件：{exc}") from None
    audit.record_now(
        actor,
        f"export.{doc.key}",
        obj=obj if obj is not None else organization,
        organization=organization,
        changes={
            "document": [None, doc.name],
            "template": [None, used.source_label],
            **{k: [None, v] for k, v in (details or {}).items()},
        },
    )
    return data
