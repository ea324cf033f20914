"""The 组织生活会 cycle: plan, review above, collective study, talks and the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.lifemeetings import queries, services
from zhibu.lifemeetings.models import LifeMeeting, Talk
from zhibu.lifemeetings.tests.helpers import cycle
from zhibu.meetings.tests.conftest import hold, plan
from zhibu.members.services import member_create
from zhibu.notices.models import Notice
from zhibu.testing import member_values

pytestmark = pytest.mark.django_db


def _member(user: Any) -> Any:
    return user.member


def test_it_takes_a_plan_through_review(cast: Cast, client_as: Any) -> None:
    lm = cycle(cast)
    assert (lm.plan_state, lm.stage) == ("draft", "plan")
    services.lifemeeting_submit(actor=cast.secretary, life_meeting=lm)
    assert Notice.objects.filter(user=cast.committee_officer, key__contains=f"lifemeeting:{lm.pk}")
    with pytest.raises(ValidationError, match="已提交或已审核"):
        services.lifemeeting_update(actor=cast.secretary, life_meeting=lm, theme="改",
                                    planned_on=lm.planned_on)  # fmt: skip
    with pytest.raises(ValidationError, match="请写明意见"):
        services.lifemeeting_review(actor=cast.committee_officer, life_meeting=lm, approve=False)
    services.lifemeeting_review(actor=cast.committee_officer, life_meeting=lm, approve=False,
                                comment="主题要聚焦村集体经济发展中的问题")  # fmt: skip
    lm.refresh_from_db()
    assert (lm.plan_state, lm.stage) == ("returned", "plan")
    services.lifemeeting_update(actor=cast.secretary, life_meeting=lm, theme="聚焦集体经济找差距",
                                planned_on=lm.planned_on, agenda=["一", "二"])  # fmt: skip
    services.lifemeeting_submit(actor=cast.secretary, life_meeting=lm)
    services.lifemeeting_review(actor=cast.committee_officer, life_meeting=lm, approve=True,
                                contact_leader=_member(cast.committee_officer))  # fmt: skip
    lm.refresh_from_db()
    assert (lm.plan_state, lm.stage, lm.contact_leader) == (
        "approved", "preparation", _member(cast.committee_officer),
    )  # fmt: skip
    verbs = list(AuditEvent.objects.filter(object_type="lifemeetings.lifemeeting")
                 .order_by("seq").values_list("verb", flat=True))  # fmt: skip
    assert verbs == ["lifemeeting.plan", "lifemeeting.submit", "lifemeeting.return",
                     "lifemeeting.update", "lifemeeting.submit", "lifemeeting.approve"]  # fmt: skip
    with pytest.raises(ValidationError, match="没有在待审核"):
        services.lifemeeting_review(actor=cast.committee_officer, life_meeting=lm, approve=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"theme": " "}, "请填写会议主题"),
        ({"kind": "special", "topic": ""}, "专题组织生活会请填写上级确定的专题"),
        ({"planned_on": dt.date(2001, 1, 1)}, "计划召开日期应在该年度内"),
        ({"year": 1900}, "年度应在"),
    ],
)
def test_it_refuses_a_bad_plan(cast: Cast, change: dict[str, Any], message: str) -> None:
    today = timezone.localdate()
    values: dict[str, Any] = {"actor": cast.secretary, "branch": cast.branch, "year": today.year,
                              "theme": "主题", "planned_on": today}  # fmt: skip
    values.update(change)
    with pytest.raises(ValidationError, match=message):
        services.lifemeeting_plan(**values)
    assert not LifeMeeting.objects.exists()


def test_it_allows_one_annual_meeting_a_year(cast: Cast) -> None:
    cycle(cast)
    with pytest.raises(ValidationError, match="已有"):
        services.lifemeeting_plan(actor=cast.secretary, branch=cast.branch,
                                  year=timezone.localdate().year, theme="再来一次",
                                  planned_on=timezone.localdate())  # fmt: skip
    with pytest.raises(ValidationError, match="党支部召开"):
        services.lifemeeting_plan(actor=None, branch=cast.committee, year=timezone.localdate().year,
                                  theme="党委的", planned_on=timezone.localdate())  # fmt: skip


def test_it_computes_the_talks_still_to_hold(cast: Cast) -> None:
    lm = cycle(cast, approved=True)
    prep = queries.preparation(lm)
    # 石书记 is the branch's only 委员: each other party member talks with him.
    assert [m.name for m in prep.committee] == ["石书记"]
    assert {m.name for m in prep.members} == {"梅党员", "裴同志"}
    assert prep.coverage.text == "0/2"
    assert sorted(prep.missing_talks()) == ["梅党员（建议与石书记谈）", "裴同志（建议与石书记谈）"]
    services.talk_record(actor=cast.secretary, life_meeting=lm, first=_member(cast.secretary),
                         second=_member(cast.member), held_on=timezone.localdate(),
                         topics="学习缺席的原因", summary="谈了工作和家庭的困难")  # fmt: skip
    prep = queries.preparation(lm)
    assert prep.coverage.text == "1/2" and prep.missing_talks() == ["裴同志（建议与石书记谈）"]
    assert prep.missing_by_leader() == [("与石书记谈", ["裴同志"])]
    talks = {i.key: i for i in prep.items}["talks"]
    assert talks.state == "partial" and "1/2" in talks.detail
    assert not prep.ready


@pytest.mark.parametrize(
    ("first", "second", "when", "message"),
    [
        ("secretary", "secretary", 0, "不能是同一个人"),
        ("secretary", "other", 0, "不是本支部的党员"),
        ("secretary", "activist", 0, "不是本支部的党员"),
        ("secretary", "member", 2, "不能晚于今天"),
    ],
)
def test_it_refuses_a_talk_that_cannot_be(
    cast: Cast, first: str, second: str, when: int, message: str
) -> None:
    lm = cycle(cast)
    with pytest.raises(ValidationError, match=message):
        services.talk_record(
            actor=cast.secretary, life_meeting=lm, first=_member(getattr(cast, first)),
            second=_member(getattr(cast, second)),
            held_on=timezone.localdate() + dt.timedelta(days=when), topics="谈", summary="谈了",
        )  # fmt: skip
    assert not Talk.objects.exists()


def test_it_counts_the_collective_study_from_the_meetings_linked(cast: Cast) -> None:
    lm = cycle(cast)
    study = hold(cast, plan(cast, start=timezone.now() - dt.timedelta(days=3)), present=["石书记"])
    elsewhere = plan(cast, start=timezone.now() + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="已召开的会议"):
        services.lifemeeting_study_set(actor=cast.secretary, life_meeting=lm, meetings=[elsewhere])
    services.lifemeeting_study_set(actor=cast.secretary, life_meeting=lm, meetings=[study])
    item = {i.key: i for i in queries.preparation(lm).items}["study"]
    assert (item.state, item.detail) == ("done", "已开展1次")


def test_it_shows_the_dashboard_to_members_and_officers(cast: Cast, client_as: Any) -> None:
    lm = cycle(cast, approved=True)
    page = client_as("member").get(reverse("lifemeetings:detail", args=[lm.pk])).content.decode()
    assert "会前准备还没有完成" in page and "与石书记谈" in page and "裴同志" in page
    assert "登记谈心谈话" not in page  # members see; officers act
    page = client_as("secretary").get(reverse("lifemeetings:detail", args=[lm.pk])).content.decode()
    assert "登记谈心谈话" in page


def test_it_records_a_talk_through_the_form(cast: Cast, client_as: Any) -> None:
    lm = cycle(cast, approved=True)
    response = client_as("secretary").post(
        reverse("lifemeetings:talk_new", args=[lm.pk]),
        {"first": _member(cast.secretary).pk, "second": _member(cast.member).pk,
         "held_on": timezone.localdate().isoformat(), "place": "村部", "topics": "学习和工作",
         "summary": "交流了思想", "follow_up": ""},
    )  # fmt: skip
    assert response.status_code == 302 and lm.talks.count() == 1


def test_it_reviews_through_the_form(cast: Cast, client_as: Any) -> None:
    lm = cycle(cast, submitted=True)
    response = client_as("committee_officer").post(
        reverse("lifemeetings:review", args=[lm.pk]), {"decision": "return", "comment": ""}
    )
    assert "退回修改时请写明意见" in response.content.decode()
    response = client_as("committee_officer").post(
        reverse("lifemeetings:review", args=[lm.pk]), {"decision": "approve", "comment": ""}
    )
    lm.refresh_from_db()
    assert response.status_code == 302 and lm.plan_state == "approved"


def test_it_keeps_the_dashboard_flat(cast: Cast, client_as: Any) -> None:
    lm = cycle(cast, approved=True)
    client = client_as("secretary")
    url = reverse("lifemeetings:detail", args=[lm.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(8):
        m = member_create(actor=None, branch=cast.branch, values=member_values(name=f"新党员{i}"))
        services.talk_record(actor=cast.secretary, life_meeting=lm, first=_member(cast.secretary),
                             second=m, held_on=timezone.localdate(), topics="谈", summary="谈了")  # fmt: skip
    assert (few, count()) == (17, 17)


# --- 对照检查材料 ---------------------------------------------------------------------------------


def _item(text: str = "2026年集中学习缺席2次", measure: str = "尽量参加每次学习") -> Any:
    from zhibu.rectification.models import ProblemCategory

    return services.ItemInput(ProblemCategory.objects.get(name="思想理论学习"), text, measure,
                              timezone.localdate() + dt.timedelta(days=30))  # fmt: skip


def test_it_takes_a_self_review_from_draft_to_accepted(cast: Cast) -> None:
    from zhibu.lifemeetings.models import SelfReview

    draft = cycle(cast)
    with pytest.raises(ValidationError, match="审核同意后"):
        services.self_review_save(actor=cast.member, life_meeting=draft,
                                  member=_member(cast.member), items=[_item()])  # fmt: skip
    lm = cycle(cast, approved=True)
    review = services.self_review_save(actor=cast.member, life_meeting=lm,
                                       member=_member(cast.member), items=[_item()])  # fmt: skip
    assert review.items.get().measure == "尽量参加每次学习"  # advice, never a refusal
    services.self_review_submit(actor=cast.member, review=review)
    with pytest.raises(ValidationError, match="等待审核"):
        services.self_review_save(actor=cast.member, life_meeting=lm,
                                  member=_member(cast.member), items=[_item()])  # fmt: skip
    with pytest.raises(ValidationError, match="写明要修改什么"):
        services.self_review_decide(actor=cast.secretary, review=review, accept=False)
    services.self_review_decide(actor=cast.secretary, review=review, accept=False,
                                comment="措施写得太软，改成确保做到")  # fmt: skip
    assert Notice.objects.filter(user=cast.member, key__contains="selfreview").exists()
    services.self_review_save(actor=cast.member, life_meeting=lm, member=_member(cast.member),
                              items=[_item(measure="确保参加每次学习，缺席当月补学")])  # fmt: skip
    services.self_review_submit(actor=cast.member, review=review)
    services.self_review_decide(actor=cast.secretary, review=review, accept=True)
    review = SelfReview.objects.get(pk=review.pk)
    assert review.state == "accepted" and review.items.get().measure.startswith("确保")
    item = {i.key: i for i in queries.preparation(lm).items}["reviews"]
    assert item.detail == "应交3份，已提交1份，已审核通过1份" and item.state == "partial"


def test_it_refuses_an_empty_or_impossible_self_review(cast: Cast) -> None:
    lm = cycle(cast, approved=True)
    review = services.self_review_save(actor=cast.member, life_meeting=lm,
                                       member=_member(cast.member), items=[])  # fmt: skip
    with pytest.raises(ValidationError, match="请至少查摆一个问题"):
        services.self_review_submit(actor=cast.member, review=review)
    bad = services.ItemInput(None, "问题", "措施", timezone.localdate())
    with pytest.raises(ValidationError, match="第1个问题：请选择问题类别"):
        services.self_review_save(actor=cast.member, life_meeting=lm,
                                  member=_member(cast.member), items=[bad])  # fmt: skip
    with pytest.raises(ValidationError, match="不是本支部的党员"):
        services.self_review_save(actor=cast.other, life_meeting=lm,
                                  member=_member(cast.other), items=[_item()])  # fmt: skip


def test_it_writes_a_self_review_on_the_page_and_highlights_soft_words(
    cast: Cast, client_as: Any
) -> None:
    lm = cycle(cast, approved=True)
    client = client_as("member")
    url = reverse("lifemeetings:my_review", args=[lm.pk])
    from zhibu.rectification.models import ProblemCategory

    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data = {
        "items-TOTAL_FORMS": "3", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "20",
        "items-0-category": ProblemCategory.objects.get(name="作风建设").pk,
        "items-0-problem": "10月走访群众只去了1户", "items-0-measure": "争取多走访",
        "items-0-deadline": later, "cause_thinking": "宗旨意识淡化", "submit": "1",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302
    review = lm.reviews.get()
    assert review.state == "submitted"
    page = client_as("secretary").get(reverse("lifemeetings:self_review", args=[review.pk]))
    text = page.content.decode()
    assert ">争取</mark>" in text and "提交审核意见" in text
    # The author reads it but does not decide on it.
    own = client.get(reverse("lifemeetings:self_review", args=[review.pk])).content.decode()
    assert "提交审核意见" not in own


def test_it_leaves_the_secretary_s_own_material_to_someone_else(cast: Cast, client_as: Any) -> None:
    lm = cycle(cast, approved=True)
    review = services.self_review_save(actor=cast.secretary, life_meeting=lm,
                                       member=_member(cast.secretary), items=[_item()])  # fmt: skip
    services.self_review_submit(actor=cast.secretary, review=review)
    url = reverse("lifemeetings:self_review_decide", args=[review.pk])
    assert client_as("secretary").post(url, {"decision": "accept"}).status_code == 403
    assert client_as("committee_officer").post(url, {"decision": "accept"}).status_code == 302
    review.refresh_from_db()
    assert review.state == "accepted"


def test_it_counts_opinions_from_the_linked_poll(cast: Cast) -> None:
    from zhibu.ballots import services as ballots

    lm = cycle(cast, approved=True)
    poll = ballots.poll_create(
        actor=cast.secretary, organization=cast.branch, kind="opinion", title="征求意见",
        questions=[{"id": "q1", "type": "text", "label": "对班子的意见"}],
    )  # fmt: skip
    other = ballots.poll_create(
        actor=None, organization=cast.sibling, kind="opinion", title="别的支部",
        questions=[{"id": "q1", "type": "text", "label": "意见"}],
    )  # fmt: skip
    with pytest.raises(ValidationError, match="本支部的征求意见"):
        services.lifemeeting_poll_set(actor=cast.secretary, life_meeting=lm, poll=other)
    services.lifemeeting_poll_set(actor=cast.secretary, life_meeting=lm, poll=poll)
    lm.refresh_from_db()
    ballots.poll_open(actor=cast.secretary, poll=poll)
    ballots.ballot_cast(actor=cast.member, voter=_member(cast.member), poll=poll,
                        answers={"q1": "希望学习形式多样一些"})  # fmt: skip
    item = {i.key: i for i in queries.preparation(lm).items}["opinions"]
    assert (item.state, item.detail) == ("partial", "收到意见1份，征求意见还没有结束")
    ballots.poll_close(actor=cast.secretary, poll=poll)
    lm.refresh_from_db()
    item = {i.key: i for i in queries.preparation(lm).items}["opinions"]
    assert (item.state, item.detail) == ("done", "收到意见1份")


def test_it_keeps_the_self_review_list_flat(cast: Cast, client_as: Any) -> None:
    lm = cycle(cast, approved=True)
    client = client_as("secretary")
    url = reverse("lifemeetings:self_reviews", args=[lm.pk])

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    few, _ = count()
    for i in range(6):
        m = member_create(actor=None, branch=cast.branch, values=member_values(name=f"撰写人{i}"))
        services.self_review_save(actor=None, life_meeting=lm, member=m,
                                  items=[_item(), _item("第二个问题：迟到3次")])  # fmt: skip
    many, page = count()
    assert "撰写人5" in page and "草稿" in page
    assert (few, many) == (12, 12)
