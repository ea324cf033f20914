"""Organization services: placement rules, subtree moves, closing, positions — all audited."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.members.services import member_create
from zhibu.orgs import services
from zhibu.orgs.models import Organization, Position
from zhibu.testing import member_values

pytestmark = pytest.mark.django_db


def org(code: str, kind: str, parent: Organization | None = None, **kw: Any) -> Organization:
    return services.organization_create(
        actor=None, code=code, name=f"组织{code}", kind=kind, parent=parent, **kw
    )


def test_it_creates_with_a_path_and_an_audit_event() -> None:
    root = org("R", "committee")
    branch = org("B", "branch", root, unit_type="village")
    assert (root.path, branch.path) == (f"/{root.pk}/", f"/{root.pk}/{branch.pk}/")
    event = AuditEvent.objects.get(verb="org.create", object_id=str(branch.pk))
    assert event.organization_id == branch.pk
    assert event.changes["parent"] == [None, "组织R"]


@pytest.mark.parametrize(
    ("kind", "parent_kind", "message"),
    [
        ("group", "committee", "党小组只能设在党支部之下"),
        ("branch", "branch", "党支部只能设在党委或党总支之下"),
        ("branch", None, "党支部必须有上级组织"),
    ],
)
def test_it_refuses_a_wrong_placement(kind: str, parent_kind: str | None, message: str) -> None:
    root = org("R", "committee")
    parent = (
        {None: None, "committee": root}.get(parent_kind)
        if parent_kind != "branch"
        else org("B", "branch", root)
    )
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match=message):
        org("X", kind, parent)
    assert not Organization.objects.filter(code="X").exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("code", "message"), [("R", "已被使用"), ("bad code", "组织编码只能由"), ("", "组织编码只能由")]
)
def test_it_checks_the_code(code: str, message: str) -> None:
    org("R", "committee")
    with pytest.raises(ValidationError, match=message):
        org(code, "committee")


def test_it_defaults_a_branch_unit_type_to_other() -> None:
    assert org("B", "branch", org("R", "committee")).unit_type == "other"


def test_it_moves_a_whole_subtree_in_one_go() -> None:
    root = org("R", "committee")
    a, b = org("A", "committee", root), org("B", "committee", root)
    gb = org("GB", "general_branch", a)
    br = org("BR", "branch", gb)
    grp = org("G", "group", br)
    services.organization_move(actor=None, organization=gb, new_parent=b)
    for o in Organization.objects.all():
        expected = (
            Organization.objects.get(pk=o.parent_id).path if o.parent_id else "/"
        ) + f"{o.pk}/"
        assert o.path == expected
    grp.refresh_from_db()
    assert grp.path == f"/{root.pk}/{b.pk}/{gb.pk}/{br.pk}/{grp.pk}/"
    assert AuditEvent.objects.get(verb="org.move").changes["subtree_size"] == [None, 3]


def test_it_refuses_to_move_under_itself() -> None:
    root = org("R", "committee")
    a = org("A", "committee", root)
    b = org("B", "committee", a)
    with pytest.raises(ValidationError, match="不能把组织移到它自己或它的下级组织之下"):
        services.organization_move(actor=None, organization=a, new_parent=b)
    with pytest.raises(ValidationError, match="不能把组织移到它自己"):
        services.organization_move(actor=None, organization=a, new_parent=a)


def test_it_refuses_to_move_a_group_out_of_its_branch() -> None:
    root = org("R", "committee")
    grp = org("G", "group", org("B", "branch", root))
    with pytest.raises(ValidationError, match="党小组不能调到其他党支部"):
        services.organization_move(actor=None, organization=grp, new_parent=root)
    with pytest.raises(ValidationError, match="党小组不能调到其他党支部"):
        services.organization_move(
            actor=None, organization=grp, new_parent=org("B2", "branch", root)
        )


_examples = iter(range(10**6))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=12))
def test_it_keeps_paths_true_under_random_moves(moves: list[tuple[int, int]]) -> None:
    n = next(_examples)  # each example builds its own tree beside the earlier ones
    root = org(f"R{n}", "committee")
    nodes = [root]
    for i in range(9):
        parent = nodes[i // 2]
        kind = "general_branch" if parent.kind == "general_branch" or i % 3 == 0 else "committee"
        nodes.append(org(f"N{n}-{i}", kind, parent))
    for a, b in moves:
        node, target = nodes[a], nodes[b]
        if node.pk == root.pk:
            continue
        node.refresh_from_db()
        target.refresh_from_db()
        with contextlib.suppress(ValidationError):  # refused moves leave the tree as it was
            services.organization_move(actor=None, organization=node, new_parent=target)
    by_pk = {o.pk: o for o in Organization.objects.all()}
    for o in by_pk.values():
        expected = (by_pk[o.parent_id].path if o.parent_id else "/") + f"{o.pk}/"
        assert o.path == expected


def test_it_closes_only_an_empty_organization(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="还有 1 个下级组织未撤销"):
        services.organization_close(
            actor=None, organization=cast.branch, closed_on=dt.date(2026, 1, 1)
        )
    with pytest.raises(ValidationError, match="名在册人员"):
        services.organization_close(
            actor=None, organization=cast.group, closed_on=dt.date(2026, 1, 1)
        )
    empty = org("E", "branch", cast.committee)
    services.organization_close(
        actor=None, organization=empty, closed_on=dt.date(2026, 1, 1), reason="合并"
    )
    assert not Organization.objects.current().filter(code="E").exists()
    assert Organization.objects.filter(code="E", closed_on=dt.date(2026, 1, 1)).exists()


def test_it_assigns_positions_by_the_rules(cast: Cast) -> None:
    day = dt.date(2025, 1, 1)
    peer = cast.peer
    with pytest.raises(ValidationError, match="已有书记"):
        services.position_assign(
            actor=None, member=peer, organization=cast.branch, role="secretary", started_on=day
        )
    with pytest.raises(ValidationError, match="党小组长只能在党小组中任职"):
        services.position_assign(
            actor=None, member=peer, organization=cast.branch, role="group_leader", started_on=day
        )
    with pytest.raises(ValidationError, match="不是第一党小组的成员"):
        services.position_assign(
            actor=None, member=peer, organization=cast.group, role="group_leader", started_on=day
        )
    activist = member_create(
        actor=None, branch=cast.branch, values=member_values(category="applicant")
    )
    with pytest.raises(ValidationError, match="不是正式党员"):
        services.position_assign(
            actor=None,
            member=activist,
            organization=cast.branch,
            role="committee_member",
            started_on=day,
        )
    p = services.position_assign(
        actor=None, member=peer, organization=cast.branch, role="committee_member", started_on=day
    )
    with pytest.raises(ValidationError, match="已有职务"):
        services.position_assign(
            actor=None,
            member=peer,
            organization=cast.branch,
            role="publicity_officer",
            started_on=day,
        )
    services.position_end(actor=None, position=p, ended_on=dt.date(2026, 1, 1))
    assert not Position.objects.active(dt.date(2026, 1, 1)).filter(pk=p.pk).exists()
    assert Position.objects.active(dt.date(2025, 12, 31)).filter(pk=p.pk).exists()


def test_it_adds_organizations_from_the_command_line(db: Any, capsys: Any) -> None:
    call_command("org", "add", "--code", "SFZ", "--name", "示范镇党委", "--kind", "committee")
    call_command(
        "org",
        "add",
        "--code",
        "C1",
        "--name",
        "村支部",
        "--kind",
        "branch",
        "--parent",
        "SFZ",
        "--unit-type",
        "村",
    )
    assert Organization.objects.get(code="C1").unit_type == "village"
    assert "已建立党支部：村支部" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--code", "G", "--name", "组", "--kind", "group", "--parent", "SFZ"],
            "党小组只能设在党支部之下",
        ),
        (["--code", "X", "--name", "x", "--kind", "party"], "--kind 应为"),
        (
            ["--code", "X", "--name", "x", "--kind", "branch", "--parent", "NOPE"],
            "找不到编码为“NOPE”的上级组织",
        ),
        (
            [
                "--code",
                "X",
                "--name",
                "x",
                "--kind",
                "branch",
                "--parent",
                "SFZ",
                "--unit-type",
                "工厂",
            ],
            "--unit-type 应为",
        ),
        (["--code", "SFZ", "--name", "x", "--kind", "committee"], "已被使用"),
    ],
)
def test_it_exits_1_with_a_message_when_the_cli_breaks_a_rule(
    argv: list[str], message: str
) -> None:
    import subprocess
    import sys

    call_command("org", "add", "--code", "SFZ", "--name", "示范镇党委", "--kind", "committee")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("org", "add", *argv)
    assert subprocess and sys  # the exit status 1 is CommandError's; checked end to end in test_cli


def test_it_keeps_sibling_names_apart() -> None:
    root = org("R", "committee")
    branch = org("B", "branch", root)
    services.organization_create(
        actor=None, code="G1", name="第一党小组", kind="group", parent=branch
    )
    with pytest.raises(ValidationError, match="“组织B”下已有名为“第一党小组”的组织"):
        services.organization_create(
            actor=None, code="G2", name="第一党小组", kind="group", parent=branch
        )
