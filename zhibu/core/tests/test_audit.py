"""The audit trail: one event per service, in its transaction, chained by SHA-256."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from zhibu.conftest import Cast
from zhibu.core import audit
from zhibu.core.models import AuditChainHead, AuditEvent
from zhibu.members.services import member_update
from zhibu.orgs.services import organization_create

pytestmark = pytest.mark.django_db


def verify_cli() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), err.getvalue()
    return 0, out.getvalue()


def test_it_verifies_an_intact_chain(cast: Cast) -> None:
    n = AuditEvent.objects.count()
    assert n > 10
    assert verify_cli() == (0, f"OK {n} events\n")


def test_it_names_the_first_tampered_event(cast: Cast) -> None:
    victim = AuditEvent.objects.order_by("seq")[5]
    AuditEvent.objects.filter(pk=victim.pk).update(object_label="篡改过的")
    code, message = verify_cli()
    assert code == 1
    assert f"FAILED at event #{victim.seq}" in message and "内容哈希不匹配" in message


def test_it_notices_a_deleted_event(cast: Cast) -> None:
    victim = AuditEvent.objects.order_by("seq")[3]
    AuditEvent.objects.filter(pk=victim.pk).delete()
    code, message = verify_cli()
    assert code == 1 and f"#{victim.seq + 1}" in message


def test_it_notices_a_cut_off_tail(cast: Cast) -> None:
    AuditEvent.objects.order_by("-seq").first().delete()  # type: ignore[union-attr]
    code, message = verify_cli()
    assert code == 1 and "末尾事件被删除" in message


def test_it_notices_a_rewritten_chain_link(cast: Cast) -> None:
    """Recomputing one event's hash after editing it still breaks the next link."""
    victim = AuditEvent.objects.order_by("seq")[2]
    victim.object_label = "篡改"
    victim.hash = audit.event_hash(victim)
    victim.save(update_fields=["object_label", "hash"])
    code, message = verify_cli()
    assert code == 1 and f"#{victim.seq + 1}" in message and "前一事件哈希不匹配" in message


def test_it_records_before_and_after_with_personal_fields_masked(cast: Cast) -> None:
    peer = cast.peer
    member_update(
        actor=cast.secretary,
        member=peer,
        values={**_values(peer), "phone": "13700001111", "work_unit": "新单位"},
    )
    event = AuditEvent.objects.filter(verb="member.update").latest("seq")
    assert event.actor_id == cast.secretary.pk
    assert event.organization_id == cast.branch.pk
    assert event.changes["phone"] == ["139****5678", "137****1111"]
    assert event.changes["work_unit"] == ["", "新单位"]
    assert "id_number" not in event.changes


def test_it_writes_nothing_when_the_service_fails(db: Any) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017, PT011
        organization_create(actor=None, code="OK1", name="好", kind="committee")
        raise RuntimeError("boom")
    assert AuditEvent.objects.count() == before
    head = AuditChainHead.objects.filter(pk=1).first()  # a flushed test database has none
    assert (head.seq if head else 0) == before


def test_it_refuses_to_record_outside_a_transaction(transactional_db: Any) -> None:
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit.record_many(None, [audit.Event(verb="x")])


def _values(m: Any) -> dict[str, Any]:
    from zhibu.members.forms import member_initial

    values = member_initial(m)
    values["group"] = m.group
    return values


def test_it_labels_history_rows_in_chinese_per_object(cast: Cast) -> None:
    member_event = AuditEvent.objects.filter(verb="member.create").first()
    org_event = AuditEvent.objects.filter(verb="org.create").first()
    assert member_event and org_event
    assert ("姓名", None, member_event.object_label) in [
        (a, None, c) for a, b, c in member_event.change_rows if a == "姓名"
    ]
    assert any(label == "名称" for label, _, _ in org_event.change_rows)
    assert member_event.verb_label == "登记人员"
