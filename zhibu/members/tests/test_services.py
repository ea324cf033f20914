"""Member services: create, edit, transfers, category and status changes; encryption at rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.members import services
from zhibu.members.models import Member, MemberEvent, Transfer
from zhibu.orgs.models import Position
from zhibu.testing import make_id_number, member_values

pytestmark = pytest.mark.django_db


def test_it_stores_id_and_phone_encrypted_with_a_keyed_hash(cast: Cast) -> None:
    member = services.member_create(
        actor=None, branch=cast.branch, values=member_values(phone="13512345678")
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id_number, phone, id_number_hash FROM members_member WHERE id = %s", [member.pk]
        )
        raw_id, raw_phone, digest = cur.fetchone()
    assert raw_id.startswith("enc1:") and member.id_number not in raw_id
    assert raw_phone.startswith("enc1:") and "13512345678" not in raw_phone
    assert len(digest) == 64 and member.id_number not in digest
    fresh = Member.objects.get(pk=member.pk)
    assert (fresh.id_number, fresh.phone) == (member.id_number, "13512345678")
    assert Member.objects.with_id_number(member.id_number.lower()).get() == fresh


def test_it_derives_birth_date_and_gender_from_the_id(cast: Cast) -> None:
    number = make_id_number(dt.date(1990, 2, 3), 5, female=True)
    m = services.member_create(
        actor=None,
        branch=cast.branch,
        values=member_values(
            id_number=number,
            gender=None,
            joined_on=dt.date(2012, 7, 1),
            full_on=None,
            category="probationary",
        ),
    )
    assert (m.birth_date, m.gender) == (dt.date(1990, 2, 3), "female")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"gender": "female"}, "gender", "与身份证号不一致"),
        ({"category": "full", "joined_on": None}, "joined_on", "正式党员必须填写入党日期"),
        ({"phone": "123"}, "phone", "11位手机号码"),
        ({"group": "不存在的小组"}, "group", "本支部没有名为"),
    ],
)
def test_it_refuses_bad_values_field_by_field(
    cast: Cast, changes: dict[str, Any], field: str, message: str
) -> None:
    count = Member.objects.count()
    with pytest.raises(ValidationError) as info:
        services.member_create(actor=None, branch=cast.branch, values=member_values(**changes))
    assert any(message in m for m in info.value.message_dict[field])
    assert Member.objects.count() == count


def test_it_refuses_a_second_record_for_the_same_person(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="已在系统花名册中"):
        services.member_create(
            actor=None, branch=cast.sibling, values=member_values(id_number=cast.peer.id_number)
        )


def test_it_registers_members_only_in_branches(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="党员只能登记在党支部"):
        services.member_create(actor=None, branch=cast.committee, values=member_values())


def test_it_transfers_inside_zhibu_once_the_receiving_branch_accepts(cast: Cast) -> None:
    peer = cast.peer
    transfer = services.member_transfer_out(
        actor=cast.secretary,
        member=peer,
        on=dt.date(2026, 10, 1),
        to_org=cast.sibling,
        letter_number="组转〔2026〕12号",
    )
    peer.refresh_from_db()
    # Until received, the old branch stays responsible (RULES.md §9).
    assert transfer.state == "pending" and peer.branch == cast.branch and peer.status == "active"
    with pytest.raises(ValidationError, match="已有一份待接收的转出"):
        services.member_transfer_out(
            actor=None, member=peer, on=dt.date(2026, 10, 2), to_name="别处"
        )
    with pytest.raises(ValidationError, match="接收日期不能早于转出日期"):
        services.member_transfer_accept(actor=None, transfer=transfer, on=dt.date(2026, 9, 30))
    services.member_transfer_accept(actor=cast.other, transfer=transfer, on=dt.date(2026, 10, 8))
    peer.refresh_from_db()
    assert peer.branch == cast.sibling and peer.group is None
    assert peer.in_branch_since == dt.date(2026, 10, 8)
    assert Transfer.objects.filter(member=peer, direction="in", from_org=cast.branch).exists()
    with pytest.raises(ValidationError, match="这份转接的状态是“已完成”"):
        services.member_transfer_accept(actor=None, transfer=transfer, on=dt.date(2026, 10, 9))
    verbs = set(
        AuditEvent.objects.for_object("members.member", peer.pk).values_list("verb", flat=True)
    )
    assert {"member.create", "member.transfer_out", "member.transfer_in"} <= verbs
    # The old branch's history keeps the event; the new branch's shows the arrival.
    assert AuditEvent.objects.filter(organization=cast.branch, verb="member.transfer_out").exists()
    assert AuditEvent.objects.filter(organization=cast.sibling, verb="member.transfer_in").exists()


def test_it_needs_a_reason_to_send_a_transfer_back(cast: Cast) -> None:
    transfer = services.member_transfer_out(
        actor=None, member=cast.peer, on=dt.date(2026, 10, 1), to_org=cast.sibling
    )
    with pytest.raises(ValidationError, match="请写明退回的理由"):
        services.member_transfer_reject(
            actor=None, transfer=transfer, on=dt.date(2026, 10, 2), reason=" "
        )
    services.member_transfer_reject(
        actor=None, transfer=transfer, on=dt.date(2026, 10, 2), reason="介绍信抬头有误"
    )
    transfer.refresh_from_db()
    assert (transfer.state, transfer.decision_note) == ("rejected", "介绍信抬头有误")
    assert Member.objects.get(pk=cast.peer.pk).branch == cast.branch


def test_it_lets_the_sender_withdraw_a_pending_transfer(cast: Cast) -> None:
    transfer = services.member_transfer_out(
        actor=None, member=cast.peer, on=dt.date(2026, 10, 1), to_org=cast.sibling
    )
    services.member_transfer_cancel(actor=None, transfer=transfer)
    assert Transfer.objects.get(pk=transfer.pk).state == "cancelled"
    services.member_transfer_out(
        actor=None, member=cast.peer, on=dt.date(2026, 10, 3), to_org=cast.sibling
    )


def test_it_transfers_out_of_zhibu_and_ends_positions(cast: Cast) -> None:
    secretary = cast.secretary.member
    assert secretary is not None
    services.member_transfer_out(
        actor=None, member=secretary, on=dt.date(2026, 10, 1), to_name="某市某局机关党支部"
    )
    secretary.refresh_from_db()
    assert secretary.status == "transferred_out" and secretary.branch == cast.branch
    assert not Position.objects.active().filter(member=secretary).exists()
    assert not Member.objects.current().filter(pk=secretary.pk).exists()


def test_it_brings_back_a_member_who_left(cast: Cast) -> None:
    peer = cast.peer
    services.member_transfer_out(
        actor=None, member=peer, on=dt.date(2025, 1, 1), to_name="外地支部"
    )
    back = services.member_transfer_in(
        actor=None,
        branch=cast.sibling,
        on=dt.date(2026, 2, 1),
        from_name="外地支部",
        values={**member_values(name="裴同志"), "id_number": peer.id_number},
    )
    assert back.pk == peer.pk and back.status == "active" and back.branch == cast.sibling


def test_it_refuses_a_transfer_in_of_someone_still_on_a_roster(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="仍在系统花名册中，请由其所在党支部办理") as info:
        services.member_transfer_in(
            actor=None,
            branch=cast.sibling,
            on=dt.date(2026, 2, 1),
            from_name="x",
            values={**member_values(), "id_number": cast.peer.id_number},
        )
    assert "第一党支部" not in str(info.value)  # never say which branch holds the person


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"to_org": None, "to_name": ""}, "请选择或填写转入的党组织"),
        ({"on": dt.date(2099, 1, 1), "to_name": "x"}, "转出日期不能晚于今天"),
        ({"on": dt.date(2000, 1, 1), "to_name": "x"}, "转出日期不能早于转入本支部日期"),
    ],
)
def test_it_checks_a_transfer_out(cast: Cast, kw: dict[str, Any], message: str) -> None:
    kw = {"on": dt.date(2026, 1, 1), **kw}
    with pytest.raises(ValidationError, match=message):
        services.member_transfer_out(actor=None, member=cast.peer, **kw)


def test_it_records_the_probationary_to_full_step(cast: Cast) -> None:
    m = services.member_create(
        actor=None,
        branch=cast.branch,
        values=member_values(category="probationary", joined_on=dt.date(2025, 6, 1)),
    )
    with pytest.raises(ValidationError, match="最早可于 2026-06-01 转正"):
        services.member_category_change(actor=None, member=m, to="full", on=dt.date(2026, 5, 31))
    services.member_category_change(
        actor=None, member=m, to="full", on=dt.date(2026, 6, 1), note="支部大会决议"
    )
    m.refresh_from_db()
    assert (m.category, m.full_on) == ("full", dt.date(2026, 6, 1))
    event = MemberEvent.objects.get(member=m)
    assert (event.from_label, event.to_label) == ("预备党员", "正式党员")


def test_it_refuses_an_impossible_category_step(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="不能从正式党员直接变更为入党申请人"):
        services.member_category_change(
            actor=None, member=cast.peer, to="applicant", on=dt.date(2026, 1, 1)
        )


def test_it_requires_a_basis_for_removal(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="请写明出党的依据"):
        services.member_status_change(
            actor=None, member=cast.peer, to="removed", on=dt.date(2026, 1, 1)
        )
    services.member_status_change(
        actor=None, member=cast.peer, to="deceased", on=dt.date(2026, 1, 1)
    )
    assert Member.objects.get(pk=cast.peer.pk).status == "deceased"


def test_it_ends_a_position_begun_the_same_day(cast: Cast) -> None:
    from zhibu.orgs.services import position_assign

    today = dt.date.today()  # noqa: DTZ011
    p = position_assign(
        actor=None,
        member=cast.peer,
        organization=cast.branch,
        role="committee_member",
        started_on=today,
    )
    services.member_transfer_out(actor=None, member=cast.peer, on=today, to_name="外地支部")
    p.refresh_from_db()
    assert p.ended_on == today + dt.timedelta(days=1)


def test_it_switches_off_the_login_of_someone_who_leaves(cast: Cast) -> None:
    member = cast.member.member
    assert member is not None
    services.member_status_change(actor=None, member=member, to="deceased", on=dt.date(2026, 1, 1))
    cast.member.refresh_from_db()
    assert not cast.member.is_active
    assert AuditEvent.objects.filter(verb="account.disable", object_id=str(cast.member.pk)).exists()


def test_it_refuses_a_probationary_step_before_eighteen(cast: Cast) -> None:
    young = services.member_create(
        actor=None,
        branch=cast.branch,
        values=member_values(category="candidate", birth_date=dt.date(2007, 6, 1)),
    )
    with pytest.raises(ValidationError, match="接收为预备党员时未满18周岁"):
        services.member_category_change(
            actor=None, member=young, to="probationary", on=dt.date(2025, 5, 31)
        )


def test_it_finds_a_member_by_an_id_number_ending_in_a_lower_case_x(cast: Cast) -> None:
    from zhibu.testing import make_id_number

    number = next(
        n for n in (make_id_number(dt.date(1980, 1, 1), i) for i in range(1, 200)) if n[-1] == "X"
    )
    member = services.member_create(
        actor=None, branch=cast.branch, values=member_values(id_number=number)
    )
    assert Member.objects.with_id_number(number.lower()).get() == member
    assert Member.objects.with_id_number(f" {number[:6]} {number[6:]} ").get() == member
