"""The audit trail: one event per service, in its transaction, chained by SHA-256."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

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
    """The service's own transaction: a failure after its write leaves neither row nor event."""
    from unittest import mock

    from zhibu.orgs.models import Organization

    before = AuditEvent.objects.count()
    with (
        mock.patch("zhibu.orgs.services.audit.record", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        organization_create(actor=None, code="OK1", name="好", kind="committee")
    assert not Organization.objects.filter(code="OK1").exists()
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


def test_it_keeps_phone_usernames_masked_in_the_trail(cast: Cast) -> None:
    from django.test import Client

    from zhibu.accounts.services import account_create

    account_create(
        actor=cast.secretary, member=cast.peer, username="13912345678", password="Peer#2026x"
    )
    created = AuditEvent.objects.filter(verb="account.create").latest("seq")
    assert created.changes["username"] == [None, "139****5678"]
    assert "13912345678" not in created.object_label + created.actor_label
    Client().post("/accounts/login/", {"username": "13912345678", "password": "wrong"})
    Client().post("/accounts/login/", {"username": "MyPassw0rd!", "password": "x"})
    failed = list(AuditEvent.objects.filter(verb="account.login_failed").order_by("seq"))
    assert [e.changes["username"][1] for e in failed[-2:]] == ["139****5678", "不存在的用户名"]
    assert all("13912345678" not in str(e.changes) for e in AuditEvent.objects.all())


def test_it_notices_a_deleted_chain_head(cast: Cast) -> None:
    AuditChainHead.objects.all().delete()
    code, message = verify_cli()
    assert code == 1 and "链头记录缺失" in message


def test_it_verifies_only_up_to_the_head_it_read_first(cast: Cast) -> None:
    """Events appended while verifying belong to the next run, not to a false alarm."""
    from unittest import mock

    head = AuditChainHead.objects.get(pk=1)
    real = AuditChainHead.objects.filter

    def head_then_append(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        first = result.first()
        organization_create(actor=None, code="LATE", name="迟到", kind="committee")  # appended now
        return mock.Mock(first=lambda: first)

    with mock.patch.object(AuditChainHead.objects, "filter", side_effect=head_then_append):
        result = audit.verify()
    assert result.ok and result.count == head.seq
