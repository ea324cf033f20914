"""Who may see and do what with a poll (the ballots part of accounts/access.py).

A poll is seen by the officers of its organization and of the levels above (the organizers),
and, once it is open, by the members on its list of voters; anyone else gets 404. Managing it
(open, close, publish, paper codes, turnout) is for the organizers; a voter who opens an
organizer's page gets 403. Results: the organizers once the poll is over, the voters once it is
published — and nobody while there are fewer ballots than the poll's minimum.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from zhibu.accounts.access import Scope, scope_for
from zhibu.ballots.models import Poll, PollState, PollVoter


def can_manage(scope: Scope, poll: Poll) -> bool:
    return scope.can_manage_org(poll.organization)


def is_voter(scope: Scope, poll: Poll) -> bool:
    me = scope.member
    return me is not None and PollVoter.objects.filter(poll=poll, member=me).exists()


def get_poll_or_404(user: Any, pk: int, *, manage: bool = False) -> Poll:
    poll = Poll.objects.visible_to(user).select_related("organization").filter(pk=pk).first()
    if poll is None:
        raise Http404("没有这次投票")
    if manage and not can_manage(scope_for(user), poll):
        raise PermissionDenied("只有发起投票的党组织负责人可以管理这次投票")
    return poll


def get_poll_to_vote_or_404(user: Any, pk: int) -> Poll:
    """The poll, for someone on its list of voters; an organizer who is not on it gets 403."""
    poll = get_poll_or_404(user, pk)
    if not is_voter(scope_for(user), poll):
        raise PermissionDenied("您不在这次投票的投票人名单中")
    return poll


def get_poll_results_or_404(user: Any, pk: int) -> tuple[Poll, bool]:
    """(poll, whether the user is an organizer). Voters read results once published."""
    poll = get_poll_or_404(user, pk)
    manage = can_manage(scope_for(user), poll)
    if not manage and poll.state != PollState.PUBLISHED:
        raise PermissionDenied("投票结果还没有公布")
    return poll, manage
