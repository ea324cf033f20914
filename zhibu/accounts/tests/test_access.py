"""visible_to / managed_by per role: what each member of the cast can reach."""

from __future__ import annotations

import datetime as dt

import pytest

from zhibu.accounts.access import scope_for
from zhibu.conftest import Cast
from zhibu.members.models import Member
from zhibu.orgs.models import Organization
from zhibu.orgs.services import position_assign

pytestmark = pytest.mark.django_db


def names(qs: object) -> set[str]:
    return set(qs.values_list("name", flat=True))  # type: ignore[attr-defined]


def test_it_scopes_members_by_role(cast: Cast) -> None:
    b1 = {"石书记", "梅党员", "裴同志", "艾积极"}
    assert names(Member.objects.visible_to(cast.secretary)) == b1
    assert names(Member.objects.managed_by(cast.secretary)) == b1
    everyone_below = b1 | {"程组织", "欧邻支", "童调动"}
    assert names(Member.objects.visible_to(cast.committee_officer)) == everyone_below
    # A party member knows who is in the branch; an activist only themselves.
    assert names(Member.objects.visible_to(cast.member)) == b1
    assert names(Member.objects.managed_by(cast.member)) == set()
    assert names(Member.objects.visible_to(cast.activist)) == {"艾积极"}
    assert names(Member.objects.visible_to(cast.outsider)) == {"吴外人"}


def test_it_scopes_organizations_by_role(cast: Cast) -> None:
    assert names(Organization.objects.visible_to(cast.committee_officer)) >= {
        "测试镇党委",
        "第一党支部",
        "第一党小组",
        "第二党支部",
        "镇机关党支部",
    }
    assert "别处党委" not in names(Organization.objects.visible_to(cast.committee_officer))
    assert names(Organization.objects.managed_by(cast.secretary)) == {"第一党支部", "第一党小组"}
    assert names(Organization.objects.visible_to(cast.member)) == {"第一党支部", "第一党小组"}
    assert names(Organization.objects.managed_by(cast.member)) == set()


def test_it_gives_a_group_leader_the_group(cast: Cast) -> None:
    leader = cast.member.member
    assert leader is not None
    position_assign(
        actor=None,
        member=leader,
        organization=cast.group,
        role="group_leader",
        started_on=dt.date(2025, 1, 1),
    )
    scope = scope_for(cast.member)  # fresh: the cast's user object has no cached scope yet
    assert scope.led_group_ids == [cast.group.pk]
    assert scope.role == "member"  # a group leader does not manage the branch


def test_it_derives_roles(cast: Cast) -> None:
    roles = {
        name: scope_for(getattr(cast, name)).role
        for name in ("committee_officer", "secretary", "member", "activist", "other", "outsider")
    }
    assert roles == {
        "committee_officer": "committee",
        "secretary": "branch",
        "member": "member",
        "activist": "activist",
        "other": "member",
        "outsider": "branch",
    }


def test_it_drops_access_when_a_position_ends(cast: Cast) -> None:
    from zhibu.orgs.services import position_end

    position_end(actor=None, position=cast.secretary_position, ended_on=dt.date.today())  # noqa: DTZ011
    cast.secretary.refresh_from_db()
    fresh = type(cast.secretary).objects.get(pk=cast.secretary.pk)
    assert scope_for(fresh).role == "member"
    assert names(Member.objects.managed_by(fresh)) == set()
