"""insert_many stores what the ORM would: every field reads back the same."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from zhibu.conftest import Cast
from zhibu.core.bulk import insert_many
from zhibu.core.models import AuditEvent
from zhibu.members.models import Member
from zhibu.testing import make_id_number

pytestmark = pytest.mark.django_db


def person(cast: Cast, serial: int) -> Member:
    m = Member(
        name=f"批量{serial}",
        gender="female",
        ethnicity="回族",
        birth_date=dt.date(1990, 1, 2),
        category="probationary",
        joined_on=dt.date(2026, 1, 5),
        branch=cast.branch,
        group=cast.group,
        in_branch_since=dt.date(2026, 1, 5),
        is_mobile=True,
        mobile_location="广东省深圳市",
    )
    m.set_id_number(make_id_number(dt.date(1990, 1, 2), serial, female=True))
    m.set_phone("13700000000")
    return m


def test_it_stores_the_same_values_as_bulk_create(cast: Cast) -> None:
    insert_many(Member, [person(cast, 901)])
    Member.objects.bulk_create([person(cast, 902)])
    fast = Member.objects.get(name="批量901")
    orm = Member.objects.get(name="批量902")
    skip = {"id", "name", "id_number", "id_number_hash", "id_number_tail"}
    assert {k: v for k, v in model_to_dict(fast).items() if k not in skip} == {
        k: v for k, v in model_to_dict(orm).items() if k not in skip
    }
    assert fast.created_at.tzinfo is not None and fast.id_number.endswith(fast.id_number_tail)
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM members_member WHERE id = %s", [fast.pk])
        assert cur.fetchone()[0].startswith("enc1:")


def test_it_writes_json_fields_readably(cast: Cast) -> None:
    before = AuditEvent.objects.count()
    source = AuditEvent.objects.order_by("seq").first()
    assert source is not None
    copy = AuditEvent(
        **{
            f.attname: getattr(source, f.attname)
            for f in AuditEvent._meta.concrete_fields
            if f.name != "id"
        }
    )
    copy.seq, copy.hash = 10**9, "f" * 64
    insert_many(AuditEvent, [copy])
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.get(seq=10**9).changes == source.changes
