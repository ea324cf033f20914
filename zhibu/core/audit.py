"""Recording and verifying audit events (STYLE.md rule 3).

Every service calls ``record`` (or ``record_many``) inside its own transaction, so an event exists
exactly when the change it describes was committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from zhibu.core.bulk import insert_many
from zhibu.core.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from zhibu.accounts.models import User
    from zhibu.orgs.models import Organization

GENESIS = "0" * 64
SYSTEM_LABEL = "系统"


_PLAIN = (str, int, bool, type(None))


def jsonable(value: Any) -> Any:
    """Plain JSON values only, so what is hashed is exactly what is stored."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, float | Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return (
            value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value changed."""
    out: dict[str, list[Any]] = {}
    for key in after:
        old, new = jsonable(before.get(key)), jsonable(after.get(key))
        if old != new:
            out[key] = [old, new]
    return out


def created(values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Changes for a new object: every non-empty field from nothing."""
    return {k: [None, jsonable(v)] for k, v in values.items() if v not in (None, "", [], {})}


@dataclass
class Event:
    verb: str
    object_type: str = ""
    object_id: str = ""
    object_label: str = ""
    organization_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)


def event_for(
    verb: str,
    obj: Model | None = None,
    *,
    organization: Organization | None = None,
    changes: Mapping[str, Any] | None = None,
    label: str | None = None,
) -> Event:
    return Event(
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=(label if label is not None else str(obj) if obj is not None else "")[:200],
        organization_id=organization.pk if organization is not None else None,
        changes=jsonable(dict(changes or {})),
    )


def content_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    organization_id: int | None,
    verb: str,
    object_type: str,
    object_id: str,
    object_label: str,
    changes: Any,
    prev_hash: str,
) -> str:
    payload = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(),
        "actor": actor_id,
        "actor_label": actor_label,
        "org": organization_id,
        "verb": verb,
        "type": object_type,
        "id": object_id,
        "label": object_label,
        "changes": changes,
        "prev": prev_hash,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def event_hash(e: AuditEvent) -> str:
    return content_hash(
        seq=e.seq,
        at=e.at,
        actor_id=e.actor_id,
        actor_label=e.actor_label,
        organization_id=e.organization_id,
        verb=e.verb,
        object_type=e.object_type,
        object_id=e.object_id,
        object_label=e.object_label,
        changes=e.changes,
        prev_hash=e.prev_hash,
    )


def masked_username(username: str) -> str:
    """Usernames are often mobile numbers: the trail keeps them masked like any phone."""
    if len(username) == 11 and username.isdigit():
        return username[:3] + "****" + username[-4:]
    return username


def actor_label_for(actor: User | None) -> str:
    """Who acted, as people read it: the member's name (the user id is stored beside it)."""
    if actor is None:
        return SYSTEM_LABEL
    member = getattr(actor, "member", None)
    return member.name if member else masked_username(actor.get_username())


def record_many(
    actor: User | None, events: Sequence[Event], *, actor_label: str | None = None
) -> list[AuditEvent]:
    """Append events to the chain. Must run inside the caller's transaction."""
    if not events:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("audit events must be recorded inside the service's transaction")
    # The head row comes from a migration; a database emptied by flush (transactional tests)
    # lacks it, and then the chain starts again from the genesis hash.
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS}
    )
    now = timezone.now()
    label = actor_label if actor_label is not None else actor_label_for(actor)
    actor_id = actor.pk if actor is not None else None
    rows: list[AuditEvent] = []
    prev, seq = head.hash, head.seq
    for ev in events:
        seq += 1
        row = AuditEvent(
            seq=seq,
            at=now,
            actor_id=actor_id,
            actor_label=label,
            organization_id=ev.organization_id,
            verb=ev.verb,
            object_type=ev.object_type,
            object_id=ev.object_id,
            object_label=ev.object_label,
            changes=ev.changes,
            prev_hash=prev,
        )
        row.hash = event_hash(row)
        prev = row.hash
        rows.append(row)
    if len(rows) > 100:
        insert_many(AuditEvent, rows)  # an import's thousands of events; no pks needed
    else:
        AuditEvent.objects.bulk_create(rows)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    return rows


def record(
    actor: User | None,
    verb: str,
    obj: Model | None = None,
    *,
    organization: Organization | None = None,
    changes: Mapping[str, Any] | None = None,
    label: str | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    event = event_for(verb, obj, organization=organization, changes=changes, label=label)
    return record_many(actor, [event], actor_label=actor_label)[0]


def record_now(actor: User | None, verb: str, **kwargs: Any) -> AuditEvent:
    """Record an event in a transaction of its own (logins, exports: no service transaction)."""
    with transaction.atomic():
        return record(actor, verb, **kwargs)


@dataclass
class VerifyResult:
    ok: bool
    count: int
    bad_seq: int | None = None
    reason: str = ""


def verify(events: Iterable[AuditEvent] | None = None) -> VerifyResult:
    """Recompute the chain from the first event; stop at the first event that does not match.

    The head is read first and only the events up to it are checked: on a running site, events
    appended while verifying belong to a later head and are left for the next run.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    if events is None:
        rows = AuditEvent.objects.order_by("seq")
        if head is not None:
            rows = rows.filter(seq__lte=head.seq)
        events = rows.iterator(chunk_size=2000)
    prev, expected_seq, count = GENESIS, 1, 0
    for e in events:
        if e.seq != expected_seq:
            return VerifyResult(False, count, e.seq, f"序号不连续：应为 {expected_seq}")
        if e.prev_hash != prev:
            return VerifyResult(False, count, e.seq, "前一事件哈希不匹配（之前的事件被删改）")
        if event_hash(e) != e.hash:
            return VerifyResult(False, count, e.seq, "内容哈希不匹配（该事件被改动）")
        prev, expected_seq, count = e.hash, expected_seq + 1, count + 1
    if head is None:
        if count:
            return VerifyResult(False, count, None, "链头记录缺失（被删除）")
    elif head.seq != count or head.hash != prev:
        return VerifyResult(False, count, count + 1, "链尾与链头记录不符（末尾事件被删除）")
    return VerifyResult(True, count)
