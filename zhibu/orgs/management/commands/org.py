"""`zhibu org add …`: create an organization from the command line, with the UI's validation."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from zhibu.core.commands import ZhibuCommand
from zhibu.orgs import services
from zhibu.orgs.models import Organization, OrgKind, UnitType

UNIT_TYPES = {label: value for value, label in UnitType.choices} | {v: v for v in UnitType.values}


class Command(ZhibuCommand):
    help = "管理党组织：zhibu org add --code CODE --name NAME --kind KIND [--parent CODE] [--unit-type 村]"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="建立党组织")
        add.add_argument("--code", required=True, help="唯一的组织编码")
        add.add_argument("--name", required=True, help="组织名称")
        add.add_argument(
            "--kind", required=True, help="committee | general_branch | branch | group"
        )
        add.add_argument("--parent", help="上级组织编码")
        add.add_argument("--short-name", default="", help="简称")
        add.add_argument("--unit-type", default="", help="村 | 社区 | 机关 | 企业 | 学校 | 其他")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "add":
            self.add(opts)

    def add(self, opts: dict[str, Any]) -> None:
        kind = opts["kind"]
        if kind not in OrgKind.values:
            kinds = {label: value for value, label in OrgKind.choices}
            kind = kinds.get(kind, kind)
        if kind not in OrgKind.values:
            raise CommandError(f"--kind 应为 {' | '.join(OrgKind.values)}，不能是“{opts['kind']}”")
        unit_type = ""
        if opts["unit_type"]:
            unit_type = UNIT_TYPES.get(opts["unit_type"], "")
            if not unit_type:
                raise CommandError(
                    f"--unit-type 应为 村、社区、机关、企业、学校、其他 之一，不能是“{opts['unit_type']}”"
                )
        parent = None
        if opts["parent"]:
            parent = Organization.objects.filter(code=opts["parent"]).first()
            if parent is None:
                raise CommandError(f"找不到编码为“{opts['parent']}”的上级组织")
        try:
            org = services.organization_create(
                actor=None,
                code=opts["code"],
                name=opts["name"],
                kind=kind,
                parent=parent,
                short_name=opts["short_name"],
                unit_type=unit_type,
            )
        except ValidationError as exc:
            raise CommandError("；".join(_messages(exc))) from None
        self.stdout.write(
            f"已建立{org.get_kind_display()}：{org.name}（编码 {org.code}，路径 {org.path}）"
        )


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)
