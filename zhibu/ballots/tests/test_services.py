"""The ballot services: one-way transitions, one ballot per voter, changing only with the token,
paper codes, and what the audit trail holds (that someone voted, never what)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhibu.ballots import rules, services
from zhibu.ballots.models import Ballot, PaperCode, PollVoter, VoteReceipt
from zhibu.ballots.tests.helpers import answers, cast_ballot, make_poll, member_of
from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.notices.models import Notice

pytestmark = pytest.mark.django_db

TRANSITIONS: dict[str, Callable[..., Any]] = {
    "open": services.poll_open,
    "close": services.poll_close,
    "publish": services.poll_publish,
}
# From each state, the one transition that is allowed; every other one is refused.
ALLOWED = {"draft": "open", "open": "close", "closed": "publish", "published": None}


@pytest.mark.parametrize("state", ["draft", "open", "closed", "published"])
@pytest.mark.parametrize("action", ["open", "close", "publish"])
def test_it_moves_only_forward_one_step(cast: Cast, state: str, action: str) -> None:
    poll = make_poll(cast, state=state)
    events = AuditEvent.objects.count()
    if ALLOWED[state] == action:
        TRANSITIONS[action](actor=cast.secretary, poll=poll)
        assert AuditEvent.objects.count() == events + 1
        return
    with pytest.raises(ValidationError) as exc:
        TRANSITIONS[action](actor=cast.secretary, poll=poll)
    assert exc.value.messages[0].startswith("只有")
    poll.refresh_from_db()
    assert poll.state == state and AuditEvent.objects.count() == events


def test_it_records_each_organizer_step(cast: Cast) -> None:
    poll = make_poll(cast, state="published")
    verbs = list(
        AuditEvent.objects.filter(object_type="ballots.poll", object_id=str(poll.pk))
        .order_by("seq")
        .values_list("verb", flat=True)
    )
    assert verbs == ["poll.create", "poll.open", "poll.close", "poll.publish"]
    opened = AuditEvent.objects.get(verb="poll.open")
    assert opened.organization_id == cast.branch.pk and opened.changes["voters"] == 3


def test_it_edits_only_a_draft(cast: Cast) -> None:
    poll = make_poll(cast)
    services.poll_update(actor=cast.secretary, poll=poll, title="新标题", allow_change=True)
    poll.refresh_from_db()
    assert (poll.title, poll.allow_change) == ("新标题", True)
    assert AuditEvent.objects.get(verb="poll.update").changes["title"] == [
        "2026年度组织生活会征求意见", "新标题"
    ]  # fmt: skip
    services.poll_open(actor=cast.secretary, poll=poll)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.poll_update(actor=cast.secretary, poll=poll, title="再改")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": " "}, "title", "请填写标题"),
        ({"min_responses_to_show": 0}, "min_responses_to_show", "1到1000"),
        ({"questions": []}, "questions", "至少填写一道题目"),
        ({"kind": "evaluation"}, "questions", "评定等次"),
    ],
)
def test_it_explains_a_wrong_poll(cast: Cast, values: dict, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        make_poll(cast, **values)
    assert message in exc.value.message_dict[field][0]


def test_it_wants_the_close_after_the_open(cast: Cast) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError, match="晚于开始时间"):
        make_poll(cast, opens_at=now, closes_at=now - dt.timedelta(hours=1))
    poll = make_poll(cast, closes_at=now + dt.timedelta(seconds=1))
    poll.closes_at = now - dt.timedelta(days=1)
    poll.save(update_fields=["closes_at"])
    with pytest.raises(ValidationError, match="截止时间已经过了"):
        services.poll_open(actor=cast.secretary, poll=poll)


def test_it_fixes_the_voters_when_it_opens_and_tells_them(cast: Cast) -> None:
    poll = make_poll(cast, state="open")
    voters = set(PollVoter.objects.filter(poll=poll).values_list("member__name", flat=True))
    # The branch's current party members: not the activist, not members elsewhere.
    assert voters == {"石书记", "梅党员", "裴同志"}
    assert Notice.objects.filter(key=f"poll-open-{poll.pk}").count() == 2  # those with a login
    # A member joining later does not get a vote in this poll.
    from zhibu.members.services import member_create
    from zhibu.testing import member_values

    member_create(actor=None, branch=cast.branch, values=member_values(name="新党员"))
    assert PollVoter.objects.filter(poll=poll).count() == 3


def test_it_takes_an_explicit_list_for_an_evaluation(cast: Cast) -> None:
    me, peer = member_of(cast.member), cast.peer
    questions = rules.evaluation_questions([(me.pk, me.name), (peer.pk, peer.name)])
    poll = make_poll(cast, kind="evaluation", questions=questions, state="open", voters=[me, peer])
    assert set(PollVoter.objects.filter(poll=poll).values_list("member", flat=True)) == {me.pk, peer.pk}  # fmt: skip
    other = make_poll(cast, kind="evaluation", questions=questions)
    with pytest.raises(ValidationError, match="不是本组织的在册党员"):
        services.poll_open(actor=cast.secretary, poll=other, voters=[member_of(cast.other)])
    with pytest.raises(ValidationError, match="评议对象必须是本组织的党员"):
        make_poll(cast, kind="evaluation", questions=rules.evaluation_questions([(member_of(cast.outsider).pk, "吴外人")]))  # fmt: skip


def test_it_keeps_one_ballot_per_voter(cast: Cast) -> None:
    poll = make_poll(cast, state="open")
    result = cast_ballot(poll, cast.member)
    assert result == services.CastResult(changed=False, change_token=None)
    with pytest.raises(ValidationError, match="每人只能投一次"):
        cast_ballot(poll, cast.member, answers=answers("改主意了"))
    assert Ballot.objects.filter(poll=poll).count() == 1
    receipt = VoteReceipt.objects.get(poll=poll)
    assert receipt.voter == member_of(cast.member) and receipt.day == timezone.localdate()


def test_it_refuses_whoever_is_not_on_the_list(cast: Cast) -> None:
    poll = make_poll(cast, state="open")
    for user in (cast.activist, cast.other, cast.committee_officer):
        with pytest.raises(ValidationError, match="不在这次投票的投票人名单中"):
            cast_ballot(poll, user)
    assert not Ballot.objects.exists() and not VoteReceipt.objects.exists()


@pytest.mark.parametrize("state", ["draft", "closed", "published"])
def test_it_takes_ballots_only_while_open(cast: Cast, state: str) -> None:
    poll = make_poll(cast, state=state)
    PollVoter.objects.get_or_create(poll=poll, member=member_of(cast.member))
    with pytest.raises(ValidationError, match="投票还没有开始|投票已经结束"):
        cast_ballot(poll, cast.member)


def test_it_takes_ballots_only_within_the_times(cast: Cast) -> None:
    now = timezone.now()
    later = make_poll(cast, state="open", opens_at=now + dt.timedelta(hours=1))
    with pytest.raises(ValidationError, match="还没有开始"):
        cast_ballot(later, cast.member)
    over = make_poll(cast, state="open", closes_at=now + dt.timedelta(hours=1))
    over.closes_at = now - dt.timedelta(minutes=1)
    over.save(update_fields=["closes_at"])
    with pytest.raises(ValidationError, match="投票时间已过"):
        cast_ballot(over, cast.member)


def test_it_lets_a_voter_change_only_with_the_token(cast: Cast) -> None:
    poll = make_poll(cast, state="open", allow_change=True)
    first = cast_ballot(poll, cast.member, answers=answers("第一稿"))
    assert first.change_token and not first.changed
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.change_hash == rules.change_hash(first.change_token, member_of(cast.member).pk)
    assert first.change_token not in str(ballot.change_hash)
    for token in (None, "guessed", first.change_token + "x"):
        with pytest.raises(ValidationError, match="没有您的修改凭证"):
            cast_ballot(poll, cast.member, answers=answers("第二稿"), change_token=token)
    # Another voter holding this token (a shared browser) does not reach the ballot.
    cast_ballot(poll, cast.secretary)
    with pytest.raises(ValidationError, match="没有您的修改凭证"):
        cast_ballot(poll, cast.secretary, change_token=first.change_token)
    second = cast_ballot(poll, cast.member, answers=answers("第二稿"), change_token=first.change_token)  # fmt: skip
    assert second.changed and second.change_token not in (None, first.change_token)
    ballot.refresh_from_db()
    assert ballot.content["q1"] == "第二稿"
    assert Ballot.objects.filter(poll=poll).count() == 2
    # The old token is spent.
    with pytest.raises(ValidationError, match="没有您的修改凭证"):
        cast_ballot(poll, cast.member, change_token=first.change_token)
    # Changing records nothing: that someone changed their mind is about their vote.
    assert AuditEvent.objects.filter(verb="poll.vote").count() == 2


def test_it_records_that_a_member_voted_never_what(cast: Cast) -> None:
    poll = make_poll(cast, state="open")
    cast_ballot(poll, cast.member, answers=answers("独一无二的意见文字"))
    event = AuditEvent.objects.get(verb="poll.vote")
    assert event.actor_id == cast.member.pk and event.object_id == str(poll.pk)
    assert event.organization_id is None  # not in the branch's history while open
    assert event.changes == {}
    key = Ballot.objects.get().key
    for e in AuditEvent.objects.all():
        blob = f"{e.changes} {e.object_label} {e.object_id} {e.object_type}"
        assert "独一无二" not in blob and key not in blob and e.object_type != "ballots.ballot"


# --- paper codes -------------------------------------------------------------------------------


def test_it_issues_paper_codes_only_for_opinion_polls(cast: Cast) -> None:
    poll = make_poll(cast)
    codes = services.paper_codes_issue(actor=cast.secretary, poll=poll, count=5)
    assert len(set(codes)) == 5 and all(len(c) == 12 and c[4] == c[9] == "-" for c in codes)
    stored = set(PaperCode.objects.values_list("code_hash", flat=True))
    assert all(rules.normalize_code(c) not in str(stored) for c in codes)
    assert stored == {services.code_hash(c) for c in codes}
    assert AuditEvent.objects.get(verb="poll.codes_issue").changes == {"codes": 5}
    me = member_of(cast.member)
    evaluation = make_poll(cast, kind="evaluation", questions=rules.evaluation_questions([(me.pk, me.name)]))  # fmt: skip
    with pytest.raises(ValidationError, match="只有征求意见可以发放纸质凭证"):
        services.paper_codes_issue(actor=cast.secretary, poll=evaluation, count=5)
    for count in (0, rules.MAX_CODES_PER_ISSUE + 1):
        with pytest.raises(ValidationError, match="一次可以发放"):
            services.paper_codes_issue(actor=cast.secretary, poll=poll, count=count)
    closed = make_poll(cast, state="closed")
    with pytest.raises(ValidationError, match="已经结束"):
        services.paper_codes_issue(actor=cast.secretary, poll=closed, count=1)


def test_it_takes_a_paper_code_once(cast: Cast) -> None:
    poll = make_poll(cast, state="open")
    code, other = services.paper_codes_issue(actor=cast.secretary, poll=poll, count=2)
    services.ballot_cast_with_code(
        poll=poll, code=code.lower().replace("-", " "), answers=answers()
    )
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert PaperCode.objects.filter(used=True).count() == 1
    with pytest.raises(ValidationError) as exc:
        services.ballot_cast_with_code(poll=poll, code=code, answers=answers())
    assert exc.value.message_dict["code"] == [services.CODE_USED]
    assert services.paper_code_problem(None, code) == (poll, services.CODE_USED)
    assert services.paper_code_problem(None, other) == (poll, "")
    assert services.paper_code_problem(None, "ABCD-EFGH-JK") == (None, services.CODE_WRONG)
    assert services.paper_code_problem(None, "12345") == (None, services.CODE_MALFORMED)
    # Using a code records neither who nor when (no audit event: it would carry the time),
    # only that the code is used.
    assert (
        not AuditEvent.objects.filter(verb__startswith="poll.")
        .exclude(verb__in=["poll.create", "poll.open", "poll.codes_issue"])
        .exists()
    )
    assert not VoteReceipt.objects.exists()


def test_it_refuses_a_code_of_another_poll_or_a_closed_one(cast: Cast) -> None:
    first, second = make_poll(cast, state="open"), make_poll(cast, state="open")
    [code] = services.paper_codes_issue(actor=cast.secretary, poll=first, count=1)
    with pytest.raises(ValidationError, match="凭证码不正确"):
        services.ballot_cast_with_code(poll=second, code=code, answers=answers())
    services.poll_close(actor=cast.secretary, poll=first)
    with pytest.raises(ValidationError, match="投票已经结束"):
        services.ballot_cast_with_code(poll=first, code=code, answers=answers())
    assert services.paper_code_problem(None, code) == (first, "投票已经结束")


def test_it_refuses_paper_codes_for_other_kinds_of_poll(cast: Cast) -> None:
    me = member_of(cast.member)
    poll = make_poll(cast, kind="evaluation", state="open",
                     questions=rules.evaluation_questions([(me.pk, me.name)]))  # fmt: skip
    with pytest.raises(ValidationError, match="只能用于征求意见"):
        services.ballot_cast_with_code(poll=poll, code="ABCD-EFGH-JK", answers={})


def test_it_counts_turnout_and_tallies(cast: Cast, django_assert_num_queries: Any) -> None:
    from zhibu.ballots import queries

    poll = make_poll(cast, state="open", min_responses_to_show=3)
    cast_ballot(poll, cast.member)
    cast_ballot(poll, cast.secretary, answers=answers("", "不满意"))
    [code] = services.paper_codes_issue(actor=cast.secretary, poll=poll, count=1)
    services.ballot_cast_with_code(poll=poll, code=code, answers=answers("群众意见"))
    services.poll_close(actor=cast.secretary, poll=poll)
    turnout = queries.turnout(poll)
    assert (turnout.voters, turnout.voted, turnout.codes_issued, turnout.codes_used) == (3, 2, 1, 1)
    assert {m.name: day is not None for m, day in turnout.rows} == {
        "石书记": True, "梅党员": True, "裴同志": False
    }  # fmt: skip
    count, rows = queries.tally(poll)
    assert count == 3 and rows is not None
    assert sorted(rows[0].texts) == sorted(["希望多到群众家里走走", "群众意见"])
    assert rows[1].counts == [("满意", "满意", 2), ("基本满意", "基本满意", 0), ("不满意", "不满意", 1)]  # fmt: skip
    closed = AuditEvent.objects.get(verb="poll.close").changes
    assert closed["ballots"] == 3 and closed["turnout"] == 2


def test_it_hides_a_tally_below_the_minimum(cast: Cast) -> None:
    from zhibu.ballots import queries

    poll = make_poll(cast, state="open", min_responses_to_show=3)
    cast_ballot(poll, cast.member)
    cast_ballot(poll, cast.secretary)
    services.poll_close(actor=cast.secretary, poll=poll)
    assert queries.tally(poll) == (2, None)


def test_it_closes_the_polls_past_their_closing_time(cast: Cast) -> None:
    now = timezone.now()
    due = make_poll(cast, state="open", closes_at=now + dt.timedelta(hours=1))
    cast_ballot(due, cast.member)
    later = make_poll(cast, state="open", closes_at=now + dt.timedelta(days=2))
    endless = make_poll(cast, state="open")
    key = Ballot.objects.get(poll=due).key
    assert services.polls_close_due(now + dt.timedelta(hours=2)) == [due]
    due.refresh_from_db()
    assert due.state == "closed" and Ballot.objects.get(poll=due).key != key
    event = AuditEvent.objects.get(verb="poll.close")
    assert event.actor_id is None and event.actor_label == "系统"
    assert services.polls_close_due(now + dt.timedelta(hours=2)) == []
    later.refresh_from_db()
    endless.refresh_from_db()
    assert {p.state for p in (later, endless)} == {"open"}


def test_the_close_polls_command_closes_what_is_due(cast: Cast) -> None:
    from io import StringIO

    from django.core.management import call_command

    now = timezone.now()
    due = make_poll(cast, state="open", closes_at=now + dt.timedelta(hours=1))
    out = StringIO()
    call_command("close-polls", stdout=out)
    assert out.getvalue().strip() == "没有到期的投票"
    at = timezone.localtime(now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    call_command("close-polls", "--now", at, stdout=out)
    due.refresh_from_db()
    assert due.state == "closed"
    assert f"关闭了 1 个投票：\n  第一党支部 · {due.title}" in out.getvalue()
