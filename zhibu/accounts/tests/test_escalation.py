"""Writes across levels: nobody reaches up the tree or sideways through a form's fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhibu.accounts.services import account_create
from zhibu.conftest import PASSWORD, Cast
from zhibu.members.models import Member, Transfer
from zhibu.members.services import member_create
from zhibu.orgs.services import position_assign
from zhibu.testing import member_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_secretary(cast: Cast) -> Client:
    """The secretary of 镇机关党支部, where the committee's own officer is registered."""
    m = member_create(actor=None, branch=cast.agency, values=member_values(name="季机关"))
    position_assign(
        actor=None,
        member=m,
        organization=cast.agency,
        role="secretary",
        started_on=dt.date(2024, 1, 1),
    )
    user = account_create(
        actor=None, member=m, username="agency_sec", password=PASSWORD, must_change_password=False
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("members:account", {"password": "Taken#Over1"}),
        ("members:account", {"active": "0"}),
        ("members:transfer_out", {"on": "2026-01-01", "to_name": "别处"}),
        ("members:status", {"to": "removed", "on": "2026-01-01", "note": "x"}),
        ("members:category", {"to": "applicant", "on": "2026-01-01"}),
        ("members:edit", {"name": "改名"}),
    ],
)
def test_it_keeps_a_branch_secretary_off_the_committee_officers_record(
    cast: Cast, agency_secretary: Client, name: str, data: dict[str, str]
) -> None:
    officer = cast.committee_officer.member
    assert officer is not None
    url = reverse(name, args=[officer.pk])
    response = agency_secretary.post(url, data)
    assert response.status_code == 403
    assert "在上级组织任职" in response.content.decode()
    cast.committee_officer.refresh_from_db()
    assert cast.committee_officer.is_active and cast.committee_officer.check_password(PASSWORD)
    assert Member.objects.get(pk=officer.pk).status == "active"
    # They still keep the record: the page opens, without the officers' buttons.
    page = agency_secretary.get(reverse("members:detail", args=[officer.pk])).content.decode()
    assert officer.id_number in page and "修改信息" not in page


def test_it_lets_the_committee_manage_its_own_officer(cast: Cast, client_as: Any) -> None:
    officer = cast.committee_officer.member
    assert officer is not None
    page = client_as("committee_officer").get(reverse("members:edit", args=[officer.pk]))
    assert page.status_code == 200


def test_it_accepts_a_transfer_through_the_receiving_branch(cast: Cast, client_as: Any) -> None:
    url = reverse("members:transfer_accept", args=[cast.incoming.pk])
    page = client_as("secretary").get(url).content.decode()
    assert "童调动" in page and "第二党支部" in page
    response = client_as("secretary").post(url, {"on": dt.date.today().isoformat()})  # noqa: DTZ011
    assert response.status_code == 302
    mover = Member.objects.get(name="童调动")
    assert mover.branch == cast.branch
    assert Transfer.objects.get(pk=cast.incoming.pk).state == "completed"
    # The old branch lists the person among those who left, without opening their record.
    html = (
        client_as("committee_officer")
        .get(reverse("members:list", args=[cast.sibling.code]), {"status": "transferred_out"})
        .content.decode()
    )
    assert "童调动" in html and "已转至第一党支部" in html


def test_it_requires_a_reason_to_send_a_letter_back(cast: Cast, client_as: Any) -> None:
    url = reverse("members:transfer_reject", args=[cast.incoming.pk])
    response = client_as("secretary").post(url, {"on": "2026-01-02", "reason": ""})
    assert "这个字段是必填项" in response.content.decode()
    assert Transfer.objects.get(pk=cast.incoming.pk).state == "pending"


def test_it_lists_letters_waiting_for_the_branch(cast: Cast, client_as: Any) -> None:
    html = (
        client_as("secretary")
        .get(reverse("members:list", args=[cast.branch.code]))
        .content.decode()
    )
    assert "有 1 份组织关系介绍信等待本支部接收" in html
    page = (
        client_as("secretary")
        .get(reverse("members:transfers", args=[cast.branch.code]))
        .content.decode()
    )
    assert "童调动" in page and "等待本支部接收（1 份）" in page


def test_it_does_not_let_the_branch_change_what_the_committee_checks_it_by(
    cast: Cast, client_as: Any
) -> None:
    url = reverse("orgs:edit", args=[cast.branch.code])
    form = client_as("secretary").get(url).content.decode()
    assert 'name="term_started_on"' not in form and 'name="unit_type"' not in form
    client_as("secretary").post(
        url, {"name": "第一党支部", "term_started_on": "2026-11-01", "unit_type": "agency"}
    )
    cast.branch.refresh_from_db()
    assert (cast.branch.term_started_on, cast.branch.unit_type) == (dt.date(2024, 1, 1), "village")
    assert 'name="term_started_on"' in client_as("committee_officer").get(url).content.decode()


def test_it_seats_only_members_from_below_on_a_committee(cast: Cast) -> None:
    from django.core.exceptions import ValidationError

    stranger = cast.outsider.member
    assert stranger is not None
    with pytest.raises(ValidationError, match="不在测试镇党委所辖的党组织中"):
        position_assign(
            actor=None,
            member=stranger,
            organization=cast.committee,
            role="committee_member",
            started_on=dt.date(2025, 1, 1),
        )


def test_it_refuses_registering_in_a_closed_branch(cast: Cast, client_as: Any) -> None:
    from zhibu.orgs.services import organization_close, organization_create

    empty = organization_create(
        actor=None, code="T-OLD", name="旧支部", kind="branch", parent=cast.committee
    )
    organization_close(actor=None, organization=empty, closed_on=dt.date(2026, 1, 1))
    for name in ("members:create", "members:import", "members:transfer_in"):
        response = client_as("committee_officer").get(reverse(name, args=["T-OLD"]))
        assert response.status_code == 403 and "已撤销" in response.content.decode()
