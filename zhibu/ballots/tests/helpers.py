"""Building polls for the ballots tests (through the services, as STYLE.md asks)."""

from __future__ import annotations

from typing import Any

from zhibu.accounts.models import User
from zhibu.ballots import services
from zhibu.ballots.models import Poll
from zhibu.conftest import Cast
from zhibu.members.models import Member

QUESTIONS = [
    {"id": "q1", "type": "text", "label": "支部班子在联系服务群众方面还有哪些不足？"},
    {"id": "q2", "type": "choice", "label": "您对“三会一课”的质量是否满意",
     "options": ["满意", "基本满意", "不满意"]},
]  # fmt: skip


def member_of(user: User) -> Member:
    member = user.member
    assert member is not None
    return member


def make_poll(
    cast: Cast, *, state: str = "draft", questions: Any = None, voters: Any = None, **values: Any
) -> Poll:
    """An opinion poll of 第一党支部 by its secretary, taken to ``state``."""
    values.setdefault("kind", "opinion")
    values.setdefault("title", "2026年度组织生活会征求意见")
    poll = services.poll_create(
        actor=cast.secretary, organization=values.pop("organization", cast.branch),
        questions=questions if questions is not None else QUESTIONS, **values,
    )  # fmt: skip
    if state in ("open", "closed", "published"):
        poll = services.poll_open(actor=cast.secretary, poll=poll, voters=voters)
    if state in ("closed", "published"):
        poll = services.poll_close(actor=cast.secretary, poll=poll)
    if state == "published":
        poll = services.poll_publish(actor=cast.secretary, poll=poll)
    return poll


def answers(text: str = "希望多到群众家里走走", choice: str = "满意") -> dict[str, str]:
    return {"q1": text, "q2": choice}


def cast_ballot(poll: Poll, user: User, **kw: Any) -> services.CastResult:
    return services.ballot_cast(
        actor=user, voter=member_of(user), poll=poll, answers=kw.pop("answers", answers()), **kw
    )


def with_ballots(cast: Cast, n: int, *, state: str = "closed", **values: Any) -> Poll:
    """An opinion poll of ``n`` ballots from ``n`` members added to 第一党支部, taken to
    ``state`` (closed or published)."""
    from zhibu.members.services import member_create
    from zhibu.testing import member_values

    people = [
        member_create(actor=None, branch=cast.branch, values=member_values(name=f"投票人{i}"))
        for i in range(n)
    ]
    poll = make_poll(cast, state="open", voters=people, **values)
    for i, m in enumerate(people):
        services.ballot_cast(actor=None, voter=m, poll=poll,
                             answers=answers(f"意见{i}", ["满意", "基本满意"][i % 2]))  # fmt: skip
    if state in ("closed", "published"):
        poll = services.poll_close(actor=cast.secretary, poll=poll)
    if state == "published":
        poll = services.poll_publish(actor=cast.secretary, poll=poll)
    return poll
