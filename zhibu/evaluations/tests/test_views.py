"""民主评议 pages: the steps through the browser's forms, what is hidden and when, and the
query counts of the list pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.evaluations import services
from zhibu.evaluations.models import Evaluation, Stage
from zhibu.evaluations.tests import helpers
from zhibu.rectification.models import Problem

pytestmark = pytest.mark.django_db


def test_it_lets_a_member_write_and_submit_the_summary(cast: Cast, client_as: Any) -> None:
    ev = helpers.started(cast)
    client = client_as("member")
    page = client.get(reverse("evaluations:mine"))
    assert "撰写个人小结" in page.content.decode()
    url = reverse("evaluations:self_assessment", args=[ev.pk])
    assert client.post(url, {"summary": "草稿"}).status_code == 302
    response = client.post(url, {"summary": "对照党员标准，本年度……", "submit": "1"})
    assert response.status_code == 302
    entry = ev.entries.get(member__user=cast.member)
    assert entry.is_submitted and entry.summary == "对照党员标准，本年度……"
    response = client.post(url, {"summary": "字" * 3001, "submit": "1"})
    assert "个人小结不能超过3000个字" in response.content.decode()


def test_it_takes_the_officers_through_the_steps(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    response = client.post(reverse("evaluations:new", args=[cast.branch.code]),
                           {"year": timezone.localdate().year})  # fmt: skip
    ev = Evaluation.objects.get()
    assert response["Location"] == reverse("evaluations:detail", args=[ev.pk])
    client.post(reverse("evaluations:voting", args=[ev.pk]), {"min_responses_to_show": 3})
    ev.refresh_from_db()
    assert ev.stage == Stage.VOTING and ev.poll is not None and ev.poll.is_open
    detail = client.get(reverse("evaluations:detail", args=[ev.pk])).content.decode()
    assert "已投票 0/3 人" in detail
    helpers.vote_all(cast, ev)
    client.post(reverse("evaluations:voting_close", args=[ev.pk]))
    ev.refresh_from_db()
    assert ev.poll is not None and ev.poll.is_over
    detail = client.get(reverse("evaluations:detail", args=[ev.pk])).content.decode()
    assert "3 票" in detail and "共 3 份选票" in detail
    entries = {e.member.name: e.member_id for e in ev.entries.select_related("member")}
    grades = {f"g{pk}": "excellent" for pk in entries.values()}
    page = client.post(reverse("evaluations:propose", args=[ev.pk]), grades, follow=True)
    text = page.content.decode()
    assert "优秀3人，超过正式党员（3人）的三分之一：最多1人" in text
    assert "拟评为优秀，但党员评议中得票最多的是合格" in text
    grades = {f"g{pk}": "qualified" for pk in entries.values()}
    grades[f"g{entries['梅党员']}"] = "unqualified"
    client.post(reverse("evaluations:propose", args=[ev.pk]), grades)
    meeting = helpers.assembly(cast)
    form = client.get(reverse("evaluations:confirm", args=[ev.pk])).content.decode()
    assert "梅党员：不合格，限期改正" in form
    p = f"u{entries['梅党员']}"
    data = {"assembly": meeting.pk, "confirmed_on": meeting.date.isoformat(),
            f"{p}_description": "", f"{p}_measure": "每月汇报", f"{p}_months": 6,
            f"{p}_category": ""}  # fmt: skip
    response = client.post(reverse("evaluations:confirm", args=[ev.pk]), data)
    assert "请写明存在的问题" in response.content.decode()
    data[f"{p}_description"] = "半年没有参加组织生活"
    data.pop(f"{p}_category")
    response = client.post(reverse("evaluations:confirm", args=[ev.pk]), data)
    assert "请选择问题类别" in response.content.decode()
    assert Problem.objects.count() == 0
    from zhibu.rectification.models import ProblemCategory

    data[f"{p}_category"] = ProblemCategory.objects.get(name="组织生活").pk
    response = client.post(reverse("evaluations:confirm", args=[ev.pk]), data)
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert problem.category.name == "组织生活" and problem.source == "evaluation"
    today = timezone.localdate()
    client.post(reverse("evaluations:publish", args=[ev.pk]),
                {"starts_on": today.isoformat(), "ends_on": (today + dt.timedelta(days=5)).isoformat()})  # fmt: skip
    ev.refresh_from_db()
    assert ev.stage == Stage.PUBLISHED and ev.is_showing(today)


def test_it_says_when_too_few_voted_to_show_the_tally(cast: Cast, client_as: Any) -> None:
    ev = helpers.voting(cast, min_responses=5)
    helpers.vote_all(cast, ev)
    client = client_as("secretary")
    assert (
        "回答人数太少"
        not in client.get(reverse("evaluations:detail", args=[ev.pk])).content.decode()
    )
    client.post(reverse("evaluations:voting_close", args=[ev.pk]))
    for name in ("evaluations:detail", "evaluations:propose"):
        text = client.get(reverse(name, args=[ev.pk])).content.decode()
        assert "回答人数太少，显示结果可能暴露投票人，不予显示" in text
        assert "共收到 3 份" in text


def test_it_shows_the_results_to_members_only_within_the_dates(cast: Cast, client_as: Any) -> None:
    ev = helpers.published(cast)
    url = reverse("evaluations:results", args=[ev.pk])
    member = client_as("member")
    text = member.get(url).content.decode()
    assert "石书记" in text and "优秀" in text
    assert "查看评议结果" in member.get(reverse("evaluations:mine")).content.decode()
    today = timezone.localdate()
    for start, end in [(today + dt.timedelta(days=1), today + dt.timedelta(days=3)),
                       (today - dt.timedelta(days=9), today - dt.timedelta(days=1))]:  # fmt: skip
        services.evaluation_publish(
            actor=cast.secretary, evaluation=ev, starts_on=start, ends_on=end
        )
        assert member.get(url).status_code == 404
        assert client_as("secretary").get(url).status_code == 200
        assert "查看评议结果" not in member.get(reverse("evaluations:mine")).content.decode()
    for role in ("other", "outsider", "activist"):
        assert client_as(role).get(url).status_code == 404


def test_it_hides_unconfirmed_results_from_the_officers_too(cast: Cast, client_as: Any) -> None:
    ev = helpers.closed(cast)
    assert (
        client_as("secretary").get(reverse("evaluations:results", args=[ev.pk])).status_code == 404
    )


def test_it_tells_probationary_members_what_applies_to_them(cast: Cast, client_as: Any) -> None:
    helpers.probationary(cast)
    ev = helpers.closed(cast)
    text = client_as("secretary").get(reverse("evaluations:propose", args=[ev.pk])).content.decode()
    assert "预备党员（不评定等次）" in text and "程预备" in text
    assert "延长预备期" in text and "取消预备党员资格" in text
    assert 'name="g' + str(ev.entries.get(member__name="程预备").member_id) + '"' not in text


def test_it_lists_the_excellent_members_of_the_subtree(cast: Cast, client_as: Any) -> None:
    ev = helpers.published(cast)
    url = reverse("evaluations:excellent", args=[cast.committee.code])
    text = client_as("committee_officer").get(url).content.decode()
    assert "石书记" in text and "第一党支部" in text and f"{ev.year}年" in text
    text = client_as("committee_officer").get(url, {"year": ev.year + 1}).content.decode()
    assert "石书记" not in text and "还没有经支部党员大会确定的优秀党员" in text
    assert client_as("secretary").get(url).status_code == 404  # the committee is not theirs


# --- pinned query counts ------------------------------------------------------------------------


def _years(cast: Cast, n: int, *, confirmed: bool) -> None:
    """``n`` evaluations of 第一党支部 in past years; each, when confirmed, with one 优秀."""
    year = timezone.localdate().year - n
    meeting = helpers.assembly(cast) if confirmed else None
    for y in range(year, year + n):
        if not confirmed:
            helpers.started(cast, y)
            continue
        ev = helpers.closed(cast, y, votes=False)
        grades = helpers.all_qualified(ev)
        grades[min(grades)] = "excellent"
        services.grades_propose(actor=cast.secretary, evaluation=ev, grades=grades)
        assert meeting is not None
        services.grades_confirm(actor=cast.secretary, evaluation=ev, assembly=meeting,
                                confirmed_on=meeting.date)  # fmt: skip


@pytest.mark.parametrize("rows", [2, 12])
def test_it_lists_a_branch_s_evaluations_in_fixed_queries(
    cast: Cast, client_as: Any, django_assert_num_queries: Any, rows: int
) -> None:
    _years(cast, rows, confirmed=False)
    client = client_as("secretary")
    url = reverse("evaluations:list", args=[cast.branch.code])
    client.get(url)
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.content.decode().count("年度民主评议</a>") == rows


@pytest.mark.parametrize("rows", [2, 12])
def test_it_lists_the_excellent_members_in_fixed_queries(
    cast: Cast, client_as: Any, django_assert_num_queries: Any, rows: int
) -> None:
    _years(cast, rows, confirmed=True)
    client = client_as("committee_officer")
    url = reverse("evaluations:excellent", args=[cast.committee.code])
    client.get(url)
    with django_assert_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count('data-label="姓名"') == rows
