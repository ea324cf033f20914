"""Every write to polls and ballots (STYLE.md rules 2 and 3): keyword-only, an explicit actor,
atomic. Organizers' actions record one audit event each; casting a ballot records that a member
voted (``poll.vote``) and never what; changing a ballot records nothing at all (that a
voter changed their mind is itself something about their vote), nor does using a paper code
(an audit event would carry the time). See ``ballots.models`` for how
secrecy is kept, and what stays outside the application's reach.

Nothing here logs answers; error messages never quote them.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from zhibu.accounts.models import User
from zhibu.ballots import rules
from zhibu.ballots.models import (
    Ballot,
    PaperCode,
    Poll,
    PollKind,
    PollState,
    PollVoter,
    VoteReceipt,
    new_ballot_key,
)
from zhibu.core import audit, crypto
from zhibu.members.models import Member
from zhibu.notices.services import notify
from zhibu.orgs.models import Organization

logger = logging.getLogger(__name__)

CODE_PURPOSE = "ballot_paper_code"
MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_MIN_RESPONSES = 1000
TRANSITION_ERRORS = {
    rules.OPEN: "只有草稿状态的投票可以开始投票",
    rules.CLOSED: "只有正在进行的投票可以结束",
    rules.PUBLISHED: "只有已经结束的投票可以公布结果；投票中的请先结束投票",
}


# --- helpers --------------------------------------------------------------------------------


def _locked(poll: Poll) -> Poll:
    """The poll row, locked until the transaction ends: casts, closes and opens of one poll
    run one after another (on SQLite every write transaction already does)."""
    return (
        Poll.objects.select_for_update(of=("self",)).select_related("organization").get(pk=poll.pk)
    )


def _transition(poll: Poll, target: str) -> None:
    if not rules.can_transition(poll.state, target):
        raise ValidationError(TRANSITION_ERRORS[target])


def _values(poll: Poll) -> dict[str, Any]:
    return {
        "kind": poll.get_kind_display(),
        "title": poll.title,
        "description": poll.description,
        "questions": [q["label"] for q in poll.questions],
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "min_responses_to_show": poll.min_responses_to_show,
        "allow_change": poll.allow_change,
    }


def code_hash(code: str) -> str:
    """Keyed, so that someone holding the database cannot try all 31**10 codes offline."""
    return crypto.keyed_hash(rules.normalize_code(code), purpose=CODE_PURPOSE)


def _clean_settings(
    *,
    title: str,
    description: str,
    opens_at: dt.datetime | None,
    closes_at: dt.datetime | None,
    min_responses_to_show: int,
) -> tuple[str, str]:
    title = " ".join((title or "").split())
    description = (description or "").replace("\r\n", "\n").strip()
    if not title:
        raise ValidationError({"title": "请填写标题"})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": f"标题不能超过{MAX_TITLE}个字"})
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError({"description": f"说明不能超过{MAX_DESCRIPTION}个字"})
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationError({"closes_at": "截止时间要晚于开始时间"})
    if not 1 <= int(min_responses_to_show) <= MAX_MIN_RESPONSES:
        raise ValidationError(
            {"min_responses_to_show": f"请填写1到{MAX_MIN_RESPONSES}之间的人数（建议不少于3人）"}
        )
    return title, description


def _check_subjects(poll_org: Organization, questions: Sequence[Mapping[str, Any]]) -> None:
    """民主评议: each member evaluated belongs to the organization (or below it)."""
    ids = {q["subject"] for q in questions if q.get("subject") is not None}
    if not ids:
        return
    found = set(
        Member.objects.filter(pk__in=ids, branch__path__startswith=poll_org.path).values_list(
            "pk", flat=True
        )
    )
    if ids - found:
        raise ValidationError({"questions": "评议对象必须是本组织的党员"})


# --- organizers -----------------------------------------------------------------------------


@transaction.atomic
def poll_create(
    *,
    actor: User | None,
    organization: Organization,
    kind: str,
    title: str,
    questions: Any,
    description: str = "",
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    min_responses_to_show: int = 3,
    allow_change: bool = False,
) -> Poll:
    """A new poll, as a draft: nobody can vote until ``poll_open``."""
    title, description = _clean_settings(
        title=title, description=description, opens_at=opens_at, closes_at=closes_at,
        min_responses_to_show=min_responses_to_show,
    )  # fmt: skip
    questions = rules.validate_questions(kind, questions)
    _check_subjects(organization, questions)
    poll = Poll.objects.create(
        organization=organization, kind=kind, title=title, description=description,
        questions=questions, opens_at=opens_at, closes_at=closes_at,
        min_responses_to_show=min_responses_to_show, allow_change=allow_change, created_by=actor,
    )  # fmt: skip
    audit.record(
        actor, "poll.create", poll, organization=organization, changes=audit.created(_values(poll))
    )
    return poll


EDITABLE = ("title", "description", "questions", "opens_at", "closes_at",
            "min_responses_to_show", "allow_change")  # fmt: skip


@transaction.atomic
def poll_update(*, actor: User | None, poll: Poll, **changes: Any) -> Poll:
    """Change a draft (title, description, questions, times, threshold, allow_change)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"poll_update cannot change {sorted(unknown)}")
    poll = _locked(poll)
    if not poll.is_draft:
        raise ValidationError("投票已经开始，不能再修改题目和设置")
    before = _values(poll)
    for name, value in changes.items():
        setattr(poll, name, value)
    poll.title, poll.description = _clean_settings(
        title=poll.title, description=poll.description, opens_at=poll.opens_at,
        closes_at=poll.closes_at, min_responses_to_show=poll.min_responses_to_show,
    )  # fmt: skip
    poll.questions = rules.validate_questions(poll.kind, poll.questions)
    _check_subjects(poll.organization, poll.questions)
    poll.save(update_fields=list(EDITABLE))
    audit.record(
        actor, "poll.update", poll, organization=poll.organization,
        changes=audit.diff(before, _values(poll)),
    )  # fmt: skip
    return poll


def default_voters(poll: Poll) -> QuerySet[Member]:
    """Who may vote when nobody says otherwise: the organization's current party members
    (full and probationary); for elections and motions not those under 留党察看, who have no
    vote (党章第四十条)."""
    qs = Member.objects.current().party_members().filter(branch=poll.organization)
    if poll.kind in (PollKind.ELECTION, PollKind.MOTION):
        qs = qs.filter(party_probation=False)
    return qs.order_by("pk")


@transaction.atomic
def poll_open(*, actor: User | None, poll: Poll, voters: Iterable[Member] | None = None) -> Poll:
    """Start voting. The list of who may vote is fixed now: by default the organization's
    current party members; an evaluation poll may pass its own list (``voters``)."""
    poll = _locked(poll)
    _transition(poll, rules.OPEN)
    now = timezone.now()
    if poll.closes_at is not None and poll.closes_at <= now:
        raise ValidationError("截止时间已经过了，请先修改截止时间再开始投票")
    rules.validate_questions(poll.kind, poll.questions)
    if voters is None:
        chosen = list(default_voters(poll))
    else:
        chosen = list({m.pk: m for m in voters}.values())
        outside = [
            m.name for m in chosen
            if not (m.is_current and m.is_party_member
                    and m.branch.path.startswith(poll.organization.path))
        ]  # fmt: skip
        if outside:
            raise ValidationError(f"{'、'.join(outside[:5])}不是本组织的在册党员，不能参加这次投票")
    if not chosen and poll.kind != PollKind.OPINION:
        raise ValidationError("这个组织还没有可以投票的党员，请先在党员名册中登记")
    PollVoter.objects.bulk_create([PollVoter(poll=poll, member=m) for m in chosen])
    poll.state, poll.opened_at = PollState.OPEN, now
    poll.save(update_fields=["state", "opened_at"])
    audit.record(
        actor, "poll.open", poll, organization=poll.organization,
        changes={"state": [PollState.DRAFT.label, PollState.OPEN.label], "voters": len(chosen)},
    )  # fmt: skip
    users = User.objects.filter(member__in=chosen)
    url = reverse("ballots:vote", args=[poll.pk])
    notify(users=users, key=f"poll-open-{poll.pk}", title=f"请参加投票：{poll.title}",
           body=f"{poll.organization.name}发起了{poll.get_kind_display()}，无记名。", url=url)  # fmt: skip
    return poll


@transaction.atomic
def paper_codes_issue(*, actor: User | None, poll: Poll, count: int) -> list[str]:
    """``count`` one-time codes for 群众 to give their opinion on paper slips. Returns the
    plain codes, formatted for print; they are shown once and never stored (only their keyed
    hashes are)."""
    poll = _locked(poll)
    if poll.kind != PollKind.OPINION:
        raise ValidationError("只有征求意见可以发放纸质凭证；民主评议、选举和表决只由党员投票")
    if poll.is_over:
        raise ValidationError("投票已经结束，不能再发放凭证")
    if not 1 <= count <= rules.MAX_CODES_PER_ISSUE:
        raise ValidationError(
            {"count": f"一次可以发放1到{rules.MAX_CODES_PER_ISSUE}张，请修改份数"}
        )
    codes = [rules.new_code() for _ in range(count)]
    PaperCode.objects.bulk_create([PaperCode(poll=poll, code_hash=code_hash(c)) for c in codes])
    audit.record(
        actor, "poll.codes_issue", poll, organization=poll.organization, changes={"codes": count}
    )
    return [rules.format_code(c) for c in codes]


SCRUB_REPEAT = dt.timedelta(days=1)


def ballot_table_scrub() -> bool:
    """Push deleted and replaced ballots out of the database's files, as far as the database
    lets an application (see ``ballots.models``): SQLite empties its write-ahead log
    (``wal_checkpoint(TRUNCATE)``; secure_delete has already zeroed the rows in the file),
    PostgreSQL rewrites the ballot table and its indexes (``VACUUM FULL``).

    Neither can run inside a transaction. Neither can drop what another transaction may still
    see: a transaction that began before a close (a backup running at that moment, a long
    report, on PostgreSQL any transaction of the cluster holding an older snapshot) keeps the
    old row versions, or the log, alive through this call. So it runs once after each close
    commits, and again from ``polls_close_due`` for a day after each close. Returns whether it
    ran to completion; a failure is said in the log, without any ballot."""
    if connection.in_atomic_block:
        return False
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = cursor.fetchone()
                return busy is None or busy[0] == 0
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM FULL {Ballot._meta.db_table}")
                return True
    except DatabaseError as exc:
        logger.warning("选票表清理没有完成（%s）：稍后会再次执行", type(exc).__name__)
    return False


def _scrub_after_close() -> None:
    ballot_table_scrub()


@sensitive_variables()  # no ballot in an error report's local variables
@transaction.atomic
def poll_close(*, actor: User | None, poll: Poll) -> Poll:
    """End voting, and rewrite the poll's ballots so nothing links them to voters: read,
    delete, insert again in a random order under new random keys, without change hashes."""
    poll = _locked(poll)
    _transition(poll, rules.CLOSED)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete=ON")  # set for every connection too (apps.py)
    ballots = Ballot.objects.filter(poll=poll)
    contents = list(ballots.values_list("content", flat=True))
    ballots.delete()
    secrets.SystemRandom().shuffle(contents)
    Ballot.objects.bulk_create(
        [Ballot(key=new_ballot_key(), poll=poll, content=c, change_hash=None) for c in contents]
    )
    poll.state, poll.closed_at = PollState.CLOSED, timezone.now()
    poll.save(update_fields=["state", "closed_at"])
    voted = VoteReceipt.objects.filter(poll=poll).count()
    audit.record(
        actor, "poll.close", poll, organization=poll.organization,
        changes={"state": [PollState.OPEN.label, PollState.CLOSED.label], "ballots": len(contents),
                 "turnout": voted},
    )  # fmt: skip
    transaction.on_commit(_scrub_after_close)
    return poll


def polls_close_due(now: dt.datetime | None = None) -> list[Poll]:
    """For a scheduled job (hourly): close every open poll whose closing time has passed,
    each in its own transaction, by the system (no actor), so that no poll sits past its closing
    time with its ballots still in voting order; and, for a day after any close, scrub the
    ballot table again (``ballot_table_scrub``: what an older transaction kept alive at the
    close is gone by now)."""
    now = now or timezone.now()
    due = Poll.objects.filter(state=PollState.OPEN, closes_at__lte=now).order_by("pk")
    closed = []
    for poll in due.select_related("organization"):
        try:
            closed.append(poll_close(actor=None, poll=poll))
        except ValidationError:
            continue  # closed meanwhile by its organizers
    if Poll.objects.filter(closed_at__gte=now - SCRUB_REPEAT).exists():
        ballot_table_scrub()
    return closed


@transaction.atomic
def poll_publish(*, actor: User | None, poll: Poll) -> Poll:
    """Let the voters see the results (still only above ``min_responses_to_show``)."""
    poll = _locked(poll)
    _transition(poll, rules.PUBLISHED)
    poll.state, poll.published_at = PollState.PUBLISHED, timezone.now()
    poll.save(update_fields=["state", "published_at"])
    audit.record(
        actor, "poll.publish", poll, organization=poll.organization,
        changes={"state": [PollState.CLOSED.label, PollState.PUBLISHED.label]},
    )  # fmt: skip
    voters = PollVoter.objects.filter(poll=poll).values("member")
    notify(users=User.objects.filter(member__in=voters), key=f"poll-published-{poll.pk}",
           title=f"投票结果已公布：{poll.title}",
           url=reverse("ballots:results", args=[poll.pk]))  # fmt: skip
    return poll


# --- voters ---------------------------------------------------------------------------------

ALREADY_VOTED = "您已经投过票了，每人只能投一次"
CANNOT_CHANGE = (
    "您已经投过票了。这次投票允许修改选票，但只能在投票时用的同一部手机或电脑、同一个浏览器上"
    "修改；这个浏览器里没有您的修改凭证，所以不能修改"
)


@dataclass(frozen=True)
class CastResult:
    changed: bool  # True when an earlier ballot was replaced
    change_token: str | None  # for the voter's cookie, when the poll allows changes


def has_voted(poll: Poll, voter: Member) -> bool:
    return VoteReceipt.objects.filter(poll=poll, voter=voter).exists()


def _open_for_voting(poll: Poll) -> None:
    problem = poll.window_problem()
    if problem:
        raise ValidationError(problem)


@sensitive_variables()  # no ballot in an error report's local variables
@transaction.atomic
def ballot_cast(
    *,
    actor: User | None,
    voter: Member,
    poll: Poll,
    answers: Mapping[str, Any],
    change_token: str | None = None,
) -> CastResult:
    """Cast (or, where allowed, change) ``voter``'s ballot.

    One voter, one ballot: the poll row is locked for the transaction, and the receipt's
    unique constraint stops whatever might get past the lock. A first ballot writes a receipt
    (the day only) and the ballot (a random key); when the poll allows changes the ballot
    also gets the hash of a new random token, which the caller gives the voter in a cookie.
    Changing needs that token; it replaces the content in place and renews the token.
    """
    poll = _locked(poll)
    _open_for_voting(poll)
    if not PollVoter.objects.filter(poll=poll, member=voter).exists():
        raise ValidationError("您不在这次投票的投票人名单中")
    token = secrets.token_urlsafe(32) if poll.allow_change else None
    new_hash = rules.change_hash(token, voter.pk) if token else None
    if has_voted(poll, voter):
        if not poll.allow_change:
            raise ValidationError(ALREADY_VOTED)
        ballot = (
            Ballot.objects.select_for_update()
            .filter(poll=poll, change_hash=rules.change_hash(change_token, voter.pk))
            .first()
            if change_token
            else None
        )
        if ballot is None:
            raise ValidationError(CANNOT_CHANGE)
        ballot.content = rules.clean_answers(poll.questions, answers)
        ballot.change_hash = new_hash
        ballot.save(update_fields=["content", "change_hash"])
        return CastResult(changed=True, change_token=token)
    content = rules.clean_answers(poll.questions, answers)
    try:
        with transaction.atomic():
            VoteReceipt.objects.create(poll=poll, voter=voter, day=timezone.localdate())
    except IntegrityError:
        raise ValidationError(ALREADY_VOTED) from None
    Ballot.objects.create(poll=poll, content=content, change_hash=new_hash)
    # That the member voted, never what: no answers, no ballot key. No organization either, so
    # it stays out of the organization's history while the poll is open (turnout is for after
    # the close).
    audit.record(
        actor, "poll.vote", poll, label=str(poll), actor_label=None if actor else voter.name
    )
    return CastResult(changed=False, change_token=token)


CODE_MALFORMED = "凭证码不正确：请核对纸条上的10位凭证码（字母和数字，不含0、1、O、I、L）"
CODE_WRONG = "凭证码不正确：请核对纸条上的凭证码后重新输入"
CODE_USED = "这个凭证码已经用过了，每个凭证码只能提交一次"


def paper_code_problem(poll: Poll | None, code: str) -> tuple[Poll | None, str]:
    """The poll a paper code belongs to, and why it cannot be used now ("" when it can)."""
    normalized = rules.normalize_code(code)
    if not rules.code_is_well_formed(normalized):
        return None, CODE_MALFORMED
    row = PaperCode.objects.select_related("poll").filter(code_hash=code_hash(normalized)).first()
    if row is None or (poll is not None and row.poll_id != poll.pk):
        return None, CODE_WRONG
    if row.used:
        return row.poll, CODE_USED
    return row.poll, row.poll.window_problem()


@sensitive_variables()  # no ballot in an error report's local variables
@transaction.atomic
def ballot_cast_with_code(*, poll: Poll, code: str, answers: Mapping[str, Any]) -> None:
    """A 群众's opinion, with a paper code. The code is marked used; nothing says by whom or
    when, and the ballot is like any other (no change later: a paper code has no cookie)."""
    poll = _locked(poll)
    if poll.kind != PollKind.OPINION:
        raise ValidationError("纸质凭证只能用于征求意见")
    _open_for_voting(poll)
    content = rules.clean_answers(poll.questions, answers)
    found, problem = paper_code_problem(poll, code)
    if found is None or problem:
        raise ValidationError({"code": problem or CODE_WRONG})
    # Only an unused code is marked: of two submissions racing with one code, one wins.
    taken = PaperCode.objects.filter(poll=poll, code_hash=code_hash(code), used=False).update(
        used=True
    )
    if taken != 1:
        raise ValidationError({"code": CODE_USED})
    # No audit event: an event carries its time, and using a code records neither who nor when.
    Ballot.objects.create(poll=poll, content=content)
