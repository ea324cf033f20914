"""The ballot pages per role: organizers create, open, close and publish; voters vote and change
only with their cookie; results and turnout only when the rules allow; paper codes used once,
wrong ones counted and limited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from zhibu.ballots import rules, services, views
from zhibu.ballots.models import Ballot, PaperCode, Poll, VoteReceipt
from zhibu.ballots.tests.helpers import answers, cast_ballot, make_poll, member_of, with_ballots
from zhibu.conftest import Cast

pytestmark = pytest.mark.django_db

TOO_FEW = "回答人数太少，显示结果可能暴露投票人，不予显示"


def _text(response: Any) -> str:
    return response.content.decode()


def _ballot(text: str = "多开展谈心谈话", choice: str = "满意") -> dict[str, str]:
    return {f"{views.BALLOT_PREFIX}-q1": text, f"{views.BALLOT_PREFIX}-q2": choice}


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- organizers --------------------------------------------------------------------------------


def test_it_creates_an_opinion_poll_from_lines(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    url = reverse("ballots:new", args=[cast.branch.code])
    page = client.get(url)
    assert page.status_code == 200 and "每行一题" in _text(page)
    response = client.post(url, {
        "title": "征求意见", "questions": "1. 班子有哪些不足？\n2. 满意吗｜满意／不满意",
        "min_responses_to_show": "5", "allow_change": "on",
    })  # fmt: skip
    poll = Poll.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ballots:detail", args=[poll.pk])  # fmt: skip
    assert poll.kind == "opinion" and poll.state == "draft" and poll.created_by == cast.secretary
    assert [q["type"] for q in poll.questions] == ["text", "choice"]
    assert (poll.min_responses_to_show, poll.allow_change) == (5, True)


def test_it_explains_a_wrong_form_and_keeps_what_was_typed(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    response = client.post(reverse("ballots:new", args=[cast.branch.code]), {
        "title": "征求意见", "questions": "满意吗｜满意", "min_responses_to_show": "0",
        "opens_at": "2026-11-21T09:00", "closes_at": "2026-11-20T09:00",
    })  # fmt: skip
    text = _text(response)
    assert response.status_code == 200 and not Poll.objects.exists()
    assert "至少要有两个选项" in text and "截止时间要晚于开始时间" in text
    assert "满意吗｜满意" in text  # kept


def test_it_edits_a_draft_only(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    poll = make_poll(cast)
    url = reverse("ballots:edit", args=[poll.pk])
    page = client.get(url)
    assert "您对“三会一课”的质量是否满意｜满意／基本满意／不满意" in _text(page)
    client.post(url, {"title": "改过的标题", "questions": "只有一题", "min_responses_to_show": "3"})
    poll.refresh_from_db()
    assert poll.title == "改过的标题" and len(poll.questions) == 1
    services.poll_open(actor=cast.secretary, poll=poll)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("ballots:detail", args=[poll.pk])  # fmt: skip


def test_it_walks_a_poll_from_draft_to_published(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    poll = make_poll(cast)
    detail = reverse("ballots:detail", args=[poll.pk])
    page = _text(client.get(detail))
    assert "开始投票" in page and "data-confirm" in page
    client.post(reverse("ballots:open", args=[poll.pk]))
    poll.refresh_from_db()
    assert poll.state == "open"
    cast_ballot(poll, cast.member)
    page = _text(client.get(detail))
    # While open: no turnout, no count of ballots, no names of who voted.
    assert 'id="turnout"' not in page and "梅党员" not in page
    response = client.post(reverse("ballots:publish", args=[poll.pk]), follow=True)
    assert "只有已经结束的投票可以公布结果" in " ".join(_messages(response))
    client.post(reverse("ballots:close", args=[poll.pk]))
    page = _text(client.get(detail))
    assert 'id="turnout"' in page and "梅党员（" in page and "已投票 1 人" in page
    assert "未投票 2 人" in page
    client.post(reverse("ballots:publish", args=[poll.pk]))
    poll.refresh_from_db()
    assert poll.state == "published"
    response = client.post(reverse("ballots:open", args=[poll.pk]), follow=True)
    assert "只有草稿状态的投票可以开始投票" in " ".join(_messages(response))


def test_it_lists_the_organizations_polls(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    url = reverse("ballots:list", args=[cast.branch.code])
    assert "还没有征求意见或投票" in _text(client.get(url))
    make_poll(cast, state="open", title="年度征求意见")
    page = _text(client.get(url))
    assert "年度征求意见" in page and "投票人 3 人" in page


def test_it_prints_paper_codes_once(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    poll = make_poll(cast, state="open")
    url = reverse("ballots:codes", args=[poll.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"count": "3"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    codes = re.findall(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}", _text(response))
    assert len(set(codes)) == 3 and PaperCode.objects.filter(poll=poll).count() == 3
    assert reverse("ballots:code_vote") in _text(response)
    # Not on the poll's page afterwards: only how many were issued.
    detail = _text(client.get(reverse("ballots:detail", args=[poll.pk])))
    assert not any(c in detail for c in codes) and "已发放 3 张" in detail
    response = client.post(url, {"count": ""}, follow=True)
    assert "请填写要打印的凭证份数" in " ".join(_messages(response))


def test_it_refuses_paper_codes_for_an_evaluation(cast: Cast, client_as: Any) -> None:
    me = member_of(cast.member)
    poll = make_poll(cast, kind="evaluation", questions=rules.evaluation_questions([(me.pk, me.name)]))  # fmt: skip
    response = client_as("secretary").post(reverse("ballots:codes", args=[poll.pk]), {"count": "2"}, follow=True)  # fmt: skip
    assert "只有征求意见可以发放纸质凭证" in " ".join(_messages(response))
    assert not PaperCode.objects.exists()


# --- voters ------------------------------------------------------------------------------------


def test_it_lets_a_voter_vote_once(cast: Cast, client_as: Any) -> None:
    client = client_as("member")
    poll = make_poll(cast, state="open")
    url = reverse("ballots:vote", args=[poll.pk])
    page = _text(client.get(url))
    assert "提交选票" in page and "无记名投票" in page and "data-confirm" in page
    response = client.post(url, _ballot("独一无二的意见"))
    assert response.status_code == 302 and response["Location"] == url  # no content in the URL
    assert f"{views.COOKIE_PREFIX}{poll.pk}" not in response.cookies  # no change: no token
    page = client.get(url)
    assert "已投票" in _text(page) and "独一无二" not in _text(page)
    assert _messages(page) == ["投票成功，谢谢参与"]
    response = client.post(url, _ballot("第二张"), follow=True)
    assert _messages(response) == [services.ALREADY_VOTED]
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_it_shows_the_errors_of_an_incomplete_ballot(cast: Cast, client_as: Any) -> None:
    poll = make_poll(cast, state="open")
    response = client_as("member").post(reverse("ballots:vote", args=[poll.pk]), {f"{views.BALLOT_PREFIX}-q1": "只写了意见"})  # fmt: skip
    assert response.status_code == 200 and "请选择一项" in _text(response)
    assert "只写了意见" in _text(response)  # kept
    assert not Ballot.objects.exists() and not VoteReceipt.objects.exists()


def test_it_lets_a_voter_change_only_from_the_same_browser(cast: Cast, client_as: Any) -> None:
    client = client_as("member")
    poll = make_poll(cast, state="open", allow_change=True)
    url = reverse("ballots:vote", args=[poll.pk])
    response = client.post(url, _ballot("第一稿"))
    name = f"{views.COOKIE_PREFIX}{poll.pk}"
    cookie = response.cookies[name]
    assert cookie["httponly"] and cookie["path"] == url and cookie["samesite"] == "Lax"
    token = cookie.value
    # The token is in the cookie only: not in the session (stored in the database) nor a hash
    # that could be matched without it.
    stored = " ".join(s.session_data + str(s.get_decoded()) for s in Session.objects.all())
    assert token not in stored and "第一稿" not in stored
    page = _text(client.get(url))
    assert "已投票，可以修改" in page and "第一稿" in page and "保存修改" in page
    client.post(url, _ballot("第二稿", "不满意"))
    assert Ballot.objects.get(poll=poll).content == {"q1": "第二稿", "q2": "不满意"}
    # Another browser of the same member cannot change it, and is told why.
    other = client_as("member")
    page = _text(other.get(url))
    assert "这个浏览器里没有您的修改凭证" in page and "第二稿" not in page
    response = other.post(url, _ballot("第三稿"), follow=True)
    assert _messages(response) == [services.CANNOT_CHANGE]
    # The token in a shared browser does not open another voter's ballot.
    shared = client_as("secretary")
    shared.cookies[name] = client.cookies[name].value
    page = _text(shared.get(url))
    assert "第二稿" not in page and "提交选票" in page
    # Once the poll is closed the cookie is dropped.
    services.poll_close(actor=cast.secretary, poll=poll)
    response = client.get(url)
    assert response.cookies[name].value == "" and "已投票" in _text(response)


def test_it_lists_my_polls(cast: Cast, client_as: Any) -> None:
    client = client_as("member")
    assert "现在没有需要您参加的投票" in _text(client.get(reverse("ballots:mine")))
    voted = make_poll(cast, state="open", title="已投的")
    cast_ballot(voted, cast.member)
    make_poll(cast, state="open", title="没投的")
    make_poll(cast, title="草稿不显示")
    make_poll(cast, state="published", title="公布了的")
    page = _text(client.get(reverse("ballots:mine")))
    assert "已投的" in page and "没投的" in page and "公布了的" in page
    assert "草稿不显示" not in page and "已投票" in page and "未投票" in page
    assert "没有关联党员信息" not in page


# --- results -----------------------------------------------------------------------------------


def test_it_shows_results_only_after_close_and_above_the_minimum(
    cast: Cast, client_as: Any
) -> None:
    secretary, member = client_as("secretary"), client_as("member")
    poll = make_poll(cast, state="open")
    url = reverse("ballots:results", args=[poll.pk])
    cast_ballot(poll, cast.member, answers=answers("甲意见"))
    cast_ballot(poll, cast.secretary, answers=answers("乙意见"))
    assert "投票结束后才能查看结果" in _text(secretary.get(url))
    assert member.get(url).status_code == 403
    services.poll_close(actor=cast.secretary, poll=poll)
    page = _text(secretary.get(url))
    assert TOO_FEW in page and "甲意见" not in page and "共收到 2 份" in page
    assert member.get(url).status_code == 403  # not published
    services.poll_publish(actor=cast.secretary, poll=poll)
    page = _text(member.get(url))
    assert TOO_FEW in page and "甲意见" not in page


def test_it_shows_counts_and_words_when_enough_answered(cast: Cast, client_as: Any) -> None:
    poll = with_ballots(cast, 4, state="closed")
    page = _text(client_as("secretary").get(reverse("ballots:results", args=[poll.pk])))
    assert "收到的选票" in page and "按随机顺序排列" in page
    assert all(f"意见{i}" in page for i in range(4))
    assert page.count("<progress") == 3 and "2 票" in page and "50%" in page


def test_it_keeps_results_from_voters_of_other_polls(cast: Cast, client_as: Any) -> None:
    poll = with_ballots(cast, 4, state="published")  # 梅党员 is not on its list
    assert client_as("member").get(reverse("ballots:results", args=[poll.pk])).status_code == 404


# --- paper codes -------------------------------------------------------------------------------


def test_it_takes_an_opinion_with_a_paper_code(cast: Cast) -> None:
    poll = make_poll(cast, state="open")
    [code] = services.paper_codes_issue(actor=cast.secretary, poll=poll, count=1)
    client = Client()
    url = reverse("ballots:code_vote")
    assert "凭证码填写意见" in _text(client.get(url))
    response = client.post(url, {"step": "code", "code": code.lower()})
    text = _text(response)
    assert poll.title in text and "提交意见" in text and f'value="{code}"' in text
    assert "no-store" in response["Cache-Control"]
    response = client.post(url, {"step": "answer", "code": code, **_ballot("群众意见")})
    assert "已提交，谢谢您的意见" in _text(response)
    assert Ballot.objects.get(poll=poll).content["q1"] == "群众意见"
    # Nothing about the code or the answers stays in the session.
    stored = " ".join(s.session_data + str(s.get_decoded()) for s in Session.objects.all())
    assert rules.normalize_code(code) not in stored and "群众意见" not in stored
    response = client.post(url, {"step": "code", "code": code})
    assert services.CODE_USED in _text(response)
    response = client.post(url, {"step": "answer", "code": code, **_ballot("再来一次")})
    assert services.CODE_USED in _text(response)
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_it_asks_again_for_a_wrong_or_incomplete_answer(cast: Cast) -> None:
    poll = make_poll(cast, state="open")
    [code] = services.paper_codes_issue(actor=cast.secretary, poll=poll, count=1)
    client = Client()
    url = reverse("ballots:code_vote")
    response = client.post(url, {"step": "answer", "code": code, f"{views.BALLOT_PREFIX}-q1": "只写了一题"})  # fmt: skip
    assert "请选择一项" in _text(response) and "只写了一题" in _text(response)
    assert not Ballot.objects.exists() and not PaperCode.objects.filter(used=True).exists()
    assert "请输入纸条上的凭证码" in _text(client.post(url, {"step": "code", "code": ""}))


def test_it_limits_wrong_codes_per_session(cast: Cast) -> None:
    poll = make_poll(cast, state="open")
    [code] = services.paper_codes_issue(actor=cast.secretary, poll=poll, count=1)
    client = Client()
    url = reverse("ballots:code_vote")
    for i in range(views.CODE_ATTEMPTS):
        response = client.post(
            url, {"step": "code", "code": f"ABCD-EFGH-{'JK' if i % 2 else 'MN'}"}
        )
        assert services.CODE_WRONG in _text(response)
    response = client.post(url, {"step": "code", "code": code})
    assert "输错次数太多" in _text(response) and "提交意见" not in _text(response)
    response = client.post(url, {"step": "answer", "code": code, **_ballot()})
    assert "输错次数太多" in _text(response) and not Ballot.objects.exists()
    # Another session is not held up by this one.
    assert "提交意见" in _text(Client().post(url, {"step": "code", "code": code}))


def test_it_lets_the_wait_run_out(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    poll = make_poll(cast, state="open")
    [code] = services.paper_codes_issue(actor=cast.secretary, poll=poll, count=1)
    client = Client()
    url = reverse("ballots:code_vote")
    clock = [1_000_000.0]
    monkeypatch.setattr(views.time, "time", lambda: clock[0])
    for _ in range(views.CODE_ATTEMPTS):
        client.post(url, {"step": "code", "code": "12"})
    assert "15分钟后再试" in _text(client.post(url, {"step": "code", "code": code}))
    clock[0] += views.CODE_WAIT_SECONDS
    assert "提交意见" in _text(client.post(url, {"step": "code", "code": code}))


def test_it_keeps_ballots_out_of_error_reports_and_caches(cast: Cast, client_as: Any) -> None:
    poll = make_poll(cast, state="open", allow_change=True)
    url = reverse("ballots:vote", args=[poll.pk])
    client = client_as("member")
    response = client.post(url, _ballot())
    assert getattr(response.wsgi_request, "sensitive_post_parameters", None) == "__ALL__"
    page = client.get(url)  # shows the ballot filled in, to change it
    assert "no-store" in page["Cache-Control"]
    response = Client().post(reverse("ballots:code_vote"), {"step": "code", "code": "x"})
    assert getattr(response.wsgi_request, "sensitive_post_parameters", None) == "__ALL__"


def test_it_shows_an_evaluation_per_member_and_grade(cast: Cast, client_as: Any) -> None:
    me, peer = member_of(cast.member), cast.peer
    poll = make_poll(cast, kind="evaluation", state="open",
                     questions=rules.evaluation_questions([(me.pk, me.name), (peer.pk, peer.name)]))  # fmt: skip
    grades = [("excellent", "qualified"), ("qualified", "qualified"), ("excellent", "unqualified")]
    for voter, (a, b) in zip((member_of(cast.secretary), me, peer), grades, strict=True):
        services.ballot_cast(actor=None, voter=voter, poll=poll, answers={f"m{me.pk}": a, f"m{peer.pk}": b})  # fmt: skip
    vote = _text(client_as("member").get(reverse("ballots:vote", args=[poll.pk])))
    assert "已投票" in vote
    services.poll_close(actor=cast.secretary, poll=poll)
    page = _text(client_as("secretary").get(reverse("ballots:results", args=[poll.pk])))
    assert "对梅党员同志的评议" in page and "对裴同志同志的评议" in page
    assert all(g in page for g in ("优秀", "合格", "基本合格", "不合格"))
    assert page.count("<progress") == 8 and "67%" in page and "33%" in page


def test_it_shows_the_grades_on_an_evaluation_ballot(cast: Cast, client_as: Any) -> None:
    me = member_of(cast.member)
    poll = make_poll(cast, kind="evaluation", state="open",
                     questions=rules.evaluation_questions([(me.pk, me.name)]))  # fmt: skip
    client = client_as("secretary")
    url = reverse("ballots:vote", args=[poll.pk])
    page = _text(client.get(url))
    assert all(g in page for g in ("优秀", "合格", "基本合格", "不合格"))
    response = client.post(url, {f"{views.BALLOT_PREFIX}-m{me.pk}": "basically_qualified"})
    assert response.status_code == 302
    assert Ballot.objects.get(poll=poll).content == {f"m{me.pk}": "basically_qualified"}
