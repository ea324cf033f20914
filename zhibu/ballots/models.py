"""无记名投票: one secret-ballot engine for 征求意见, 民主评议, and later 选举 and 表决.

The hard requirement: **after a poll closes, nothing stored — no column, key, timestamp, row
order, log line or audit event — links a ballot to a voter, not even for someone who holds the
database file.** How the tables keep it:

- "Who has voted" and "what was voted" live apart. ``VoteReceipt`` (voter, poll, the *day*
  only) says that a member voted; ``Ballot`` (a random key, the poll, the answers) says what
  someone voted. A ballot has no user, no timestamp, no autoincrement id, and never appears in
  the audit trail or any history table. ``PaperCode`` rows say only that a code was used.
- Changing a ballot while the poll is open (only when ``allow_change``) needs no stored link
  either: the voter's browser holds a random token in an HttpOnly cookie (not the session,
  which lives in the database); the ballot keeps only ``sha256(voter id, token)`` in
  ``change_hash`` (with the voter's id in it, a token left in a shared browser opens no one
  else's ballot; without the token, the hash tells nothing).
- Row order is the trap: SQLite rowids and PostgreSQL's heap follow insertion order, and
  insertion order is voting order, which receipts, audit events and people's memories tell.
  (PostgreSQL also stamps every row with the id of the transaction that wrote it, ``xmin``:
  while open, a ballot's equals its receipt's.)
  Closing a poll (``services.poll_close``) therefore rewrites its ballots: reads them, deletes
  them, and inserts the same contents again in a random order (``secrets.SystemRandom``),
  under new random keys, with ``change_hash`` emptied, all in the one closing transaction (so
  they share one ``xmin``). SQLite connections run with
  ``PRAGMA secure_delete=ON`` (``apps.secure_delete_on``) so the deleted rows are overwritten
  with zeros, and a ``PRAGMA wal_checkpoint(TRUNCATE)`` after commit empties the write-ahead
  log that still held them; on PostgreSQL a ``VACUUM FULL`` of the ballot table after commit
  rewrites it into a new file without the dead rows and their index entries. (Without
  secure_delete, SQLite leaves most deleted keys readable in free pages; the tests read the
  files and pages to check none survive.)
- Nothing writes answers to a log: services and views hide their local variables and the POST
  from Django's error reports (``sensitive_variables``, ``sensitive_post_parameters``), and no
  message, URL or session value carries a ballot. ``services.polls_close_due`` (for a
  scheduled job) closes polls past their closing time, so none sits with its ballots still in
  voting order.

What remains outside the application's reach, and is for the operator: PostgreSQL's WAL
segments (and WAL archives or replicas) keep the original inserts until they are recycled;
filesystem blocks of deleted files (SQLite's truncated WAL, PostgreSQL's old table file) keep
their bytes until reused, and SSDs may keep copies in spare blocks; copies taken while a poll
is open: ``zhibu backup`` writes ballots in (random) key order, but a filesystem snapshot or
``pg_basebackup`` copies the pages in voting order, and two backups taken while a poll is open
can be compared — the ballots and receipts that appeared between them belong together, which
names the voter when only one person voted in between; server access logs carry the times of
each voter's requests (never their answers), and so does the audit trail (``poll.vote``, to
the second) — harmless once the ballots carry no order; SQL logging at DEBUG level (``ZHIBU_LOG_LEVEL=DEBUG`` with
``django.db.backends``) would print the answers and must stay off in production. Voting is
secret from the application and its database after close; while a poll is open, whoever
controls the host can watch ballots arrive.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from zhibu.ballots import rules

if TYPE_CHECKING:
    from zhibu.accounts.models import User


class PollKind(models.TextChoices):
    OPINION = rules.OPINION, "征求意见"
    EVALUATION = rules.EVALUATION, "民主评议"
    ELECTION = rules.ELECTION, "选举"
    MOTION = rules.MOTION, "表决"


class PollState(models.TextChoices):
    DRAFT = rules.DRAFT, "草稿"
    OPEN = rules.OPEN, "投票中"
    CLOSED = rules.CLOSED, "已结束"
    PUBLISHED = rules.PUBLISHED, "已公布结果"


class PollQuerySet(models.QuerySet["Poll"]):
    def visible_to(self, user: User) -> PollQuerySet:
        """Polls of the organizations the user manages, and the polls the user may vote in
        once they are open (a draft is the organizers' own)."""
        from zhibu.accounts.access import scope_for

        scope = scope_for(user)
        if scope.is_superuser:
            return self
        q = Q(pk__in=[])
        if scope.managed:
            q |= scope.managed_org_q("organization__")
        if scope.member is not None:
            q |= Q(
                Exists(PollVoter.objects.filter(poll=OuterRef("pk"), member=scope.member)),
                ~Q(state=PollState.DRAFT),
            )
        return self.filter(q)


class Poll(models.Model):
    """投票: the questions, who may vote, when, and how far along it is (draft → open →
    closed → published, one way)."""

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name="组织", on_delete=models.PROTECT, related_name="polls"
    )
    kind = models.CharField("投票类型", max_length=20, choices=PollKind.choices)
    title = models.CharField("标题", max_length=200)
    description = models.TextField("说明", blank=True)
    # [{"id", "type": text|choice|grade, "label", "options" (choice), "subject" (grade)}],
    # checked per kind by rules.validate_questions.
    questions = models.JSONField("题目", default=list)
    opens_at = models.DateTimeField("开始时间", null=True, blank=True)
    closes_at = models.DateTimeField("截止时间", null=True, blank=True)
    min_responses_to_show = models.PositiveSmallIntegerField("至少几人回答才显示结果", default=3)
    allow_change = models.BooleanField("允许投票人修改选票", default=False)
    state = models.CharField(
        "状态", max_length=20, choices=PollState.choices, default=PollState.DRAFT
    )
    opened_at = models.DateTimeField("开始投票时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("结束投票时间", null=True, blank=True, editable=False)
    published_at = models.DateTimeField("公布结果时间", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PollQuerySet.as_manager()

    class Meta:
        verbose_name = "投票"
        verbose_name_plural = "投票"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "state"], name="poll_org_state")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PollKind.values), name="poll_kind_valid"),
            models.CheckConstraint(
                condition=Q(state__in=PollState.values), name="poll_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(min_responses_to_show__gte=1), name="poll_min_responses_positive"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="poll_closes_after_opens",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def is_draft(self) -> bool:
        return self.state == PollState.DRAFT

    @property
    def is_open(self) -> bool:
        return self.state == PollState.OPEN

    @property
    def is_over(self) -> bool:
        """Closed or published: the ballots have been rewritten and may be counted."""
        return self.state in (PollState.CLOSED, PollState.PUBLISHED)

    def window_problem(self) -> str:
        return rules.window_problem(self.state, self.opens_at, self.closes_at, timezone.now())


class PollVoter(models.Model):
    """One member who may vote: the list is fixed when the poll opens."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="voters")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "投票人"
        verbose_name_plural = "投票人"
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="poll_voter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.member_id}"


class PaperCode(models.Model):
    """纸质投票凭证: a one-time code handed on paper to 群众 for an opinion poll. Only a keyed
    hash of the code is stored (the code is shown once when issued); using it records neither
    who nor when, only that it is used."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="paper_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = "纸质投票凭证"
        verbose_name_plural = "纸质投票凭证"

    def __str__(self) -> str:
        return f"{self.poll_id}: {'已使用' if self.used else '未使用'}"


class VoteReceipt(models.Model):
    """投票凭证: that a member voted in a poll, and on which day — never what, never the time."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="receipts")
    voter = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("投票日期")

    class Meta:
        verbose_name = "投票凭证"
        verbose_name_plural = "投票凭证"
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter"], name="vote_receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.voter_id} {self.day}"


def new_ballot_key() -> str:
    return secrets.token_hex(16)


class Ballot(models.Model):
    """选票: what someone voted. A random key, the poll, the answers; nothing about who or when.
    Rewritten in a random order under new keys when the poll closes (see the module docstring).
    """

    key = models.CharField(primary_key=True, max_length=32, default=new_ballot_key, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    content = models.JSONField(default=dict)
    # sha256 of the change token in the voter's cookie; emptied when the poll closes.
    change_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "选票"
        verbose_name_plural = "选票"

    def __str__(self) -> str:
        return "选票"
