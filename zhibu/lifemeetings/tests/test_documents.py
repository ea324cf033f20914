"""The 组织生活会's documents: the 书面反馈 to a member and the 情况报告 to the committee, as pages
and as .docx files from the export templates."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.evaluations import services as evaluation_services
from zhibu.evaluations.tests import helpers as evaluations
from zhibu.lifemeetings import documents, services
from zhibu.lifemeetings.models import Criticism, LifeMeeting, SelfReviewItem
from zhibu.lifemeetings.tests.helpers import cycle, held, self_review
from zhibu.lifemeetings.tests.matrix_documents import ROWS
from zhibu.members.models import Member
from zhibu.members.services import member_create
from zhibu.rectification.models import ProblemCategory
from zhibu.reports import contexts, engine, registry
from zhibu.reports import services as export_services
from zhibu.reports.tests.helpers import YEAR, docx_bytes, hold, plan_past, upload
from zhibu.testing import member_values
from zhibu.testing_matrix import LOGIN

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DEADLINE = TODAY + dt.timedelta(days=60)


def _lines(data: bytes) -> list[str]:
    """Every paragraph of a .docx, table cells included, in document order."""
    from docx.oxml.ns import qn

    body = Document(io.BytesIO(data)).element.body
    return [
        "".join(t.text or "" for t in p.iter(qn("w:t")))
        for p in body.iter(qn("w:p"))
        if any(t.text for t in p.iter(qn("w:t")))
    ]


def _text(data: bytes) -> str:
    return "\n".join(_lines(data))


def _member(cast: Cast) -> Member:
    member = cast.member.member
    assert member is not None
    return member


def _confirm(cast: Cast, lm: LifeMeeting, member: Member | None = None) -> None:
    """The secretary confirms the member's 整改清单: the self-review item and each criticism."""
    member = member or _member(cast)
    entries = [
        services.ConfirmInput(
            services.ITEM, item.pk, item.category, item.problem, item.measure, item.deadline
        )  # fmt: skip
        for item in SelfReviewItem.objects.filter(review__life_meeting=lm, review__member=member)
    ] + [
        services.ConfirmInput(
            services.CRITICISM,
            c.pk,
            ProblemCategory.objects.get(name="作风建设"),
            c.content,
            f"整改：{c.content}",
            DEADLINE,
        )  # fmt: skip
        for c in Criticism.objects.filter(life_meeting=lm, target=member, is_self=False)
    ]
    services.problems_confirm(actor=cast.secretary, life_meeting=lm, member=member,
                              entries=entries)  # fmt: skip


def _study(cast: Cast, lm: LifeMeeting) -> None:
    """A 支部党员大会 held last March to study before the meeting."""
    meeting = hold(cast, plan_past(cast, title="学习党章党规"))
    services.lifemeeting_study_set(actor=cast.secretary, life_meeting=lm, meetings=[meeting])


def _grades(cast: Cast, grades: dict[int, str]) -> None:
    """This year's 民主评议 of 第一党支部 confirmed by a 支部党员大会: every 正式党员 合格 but
    those given in ``grades`` (member id → grade)."""
    ev = evaluations.closed(cast)
    grades = evaluations.all_qualified(ev) | grades
    evaluation_services.grades_propose(actor=cast.secretary, evaluation=ev, grades=grades)
    meeting = evaluations.assembly(cast)
    evaluation_services.grades_confirm(
        actor=cast.secretary, evaluation=ev, assembly=meeting, confirmed_on=meeting.date
    )


def _feedback_url(lm: LifeMeeting, member: Member, docx: bool = False) -> str:
    name = "lifemeetings:feedback_docx" if docx else "lifemeetings:feedback"
    return reverse(name, args=[lm.pk, member.pk])


# --- 书面反馈 ------------------------------------------------------------------------------------


def test_it_writes_the_feedback_with_what_was_said_the_grade_and_the_measures(
    cast: Cast, client_as: Any
) -> None:
    lm = held(cast)
    member = _member(cast)
    _confirm(cast, lm)
    _grades(cast, {})
    response = client_as("member").get(_feedback_url(lm, member, docx=True))
    assert response.status_code == 200
    assert response["Content-Type"] == registry.LIFEMEETING_FEEDBACK.content_type
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    lines = _lines(response.content)
    text = "\n".join(lines)
    assert f"{documents.meeting_name(lm)}评议意见反馈" in lines
    assert "集中学习缺席两次，学习笔记不全" in lines  # 自我批评要点
    assert "本人表态：按期补学，接受监督" in lines
    assert "1. 石书记：联系群众不够主动，走访少" in lines  # 批评人：意见
    assert "合格" in lines and "未评定" not in text
    # Both confirmed problems, each measure with its deadline.
    deadline = f"{DEADLINE.year}年{DEADLINE.month}月{DEADLINE.day}日"
    assert "1. 尽量参加每次学习" in lines and "1. 整改：联系群众不够主动，走访少" in lines
    assert deadline in lines
    assert "思想理论学习：2026年集中学习缺席2次" in lines
    assert "支部意见" in lines and "本人意见" in lines
    assert any(line.startswith("党支部书记签字（盖章）：") and line.endswith("年　　月　　日")
               for line in lines)  # fmt: skip
    assert any(line.startswith("本人签字：") for line in lines)
    event = AuditEvent.objects.get(verb="export.lifemeeting_feedback")
    assert event.changes["member"] == [None, "梅党员"]


def test_it_says_when_there_is_no_grade_and_that_probationary_members_are_not_graded(
    cast: Cast, client_as: Any
) -> None:
    lm = held(cast)
    member = _member(cast)
    lines = _lines(client_as("member").get(_feedback_url(lm, member, docx=True)).content)
    assert "未评定" in lines and "—" in lines  # the grid's 评议等次 left blank
    assert "本次组织生活会还没有为本人确认整改清单。" in lines
    newcomer = evaluations.probationary(cast)
    _grades(cast, {member.pk: "excellent"})
    context = contexts.lifemeeting_feedback_context(lm, newcomer)
    assert (context["grade"], context["grade_text"]) == ("", "预备党员参加评议，不评定等次")
    assert context["spoke"] == "未记录" and context["criticisms"] == []
    page = client_as("secretary").get(_feedback_url(lm, newcomer)).content.decode()
    assert "预备党员参加评议，不评定等次" in page
    assert contexts.lifemeeting_feedback_context(lm, member)["grade_text"] == "优秀"
    report = contexts.lifemeeting_report_context(lm)["evaluation"]
    assert report["text"].endswith("；预备党员1名参加评议，不评定等次。")
    assert (report["participants"], report["graded"], report["probationary"]) == (4, 3, 1)


def test_it_shows_the_member_their_feedback_page(cast: Cast, client_as: Any) -> None:
    lm = held(cast)
    member = _member(cast)
    _confirm(cast, lm)
    _grades(cast, {member.pk: "basically_qualified"})
    page = client_as("member").get(_feedback_url(lm, member)).content.decode()
    for text in ("集中学习缺席两次，学习笔记不全", "按期补学，接受监督", "石书记",
                 "联系群众不够主动，走访少", "基本合格", "尽量参加每次学习",
                 f"{DEADLINE.year}年{DEADLINE.month}月{DEADLINE.day}日前",
                 "支部意见", "本人意见", _feedback_url(lm, member, docx=True)):  # fmt: skip
        assert text in page, text
    assert reverse("lifemeetings:report", args=[lm.pk]) not in page  # the officers' page


def test_it_fills_the_branchs_own_template_and_explains_one_that_fails(
    cast: Cast, client_as: Any
) -> None:
    lm = held(cast)
    member = _member(cast)
    own = docx_bytes("{{ member.name }}：{{ grade_text }}，收到批评{{ criticisms|length }}条")
    export_services.export_template_upload(
        actor=cast.secretary, organization=cast.branch, document="lifemeeting_feedback",
        file=upload("本支部反馈.docx", own),
    )  # fmt: skip
    client = client_as("member")
    assert _lines(client.get(_feedback_url(lm, member, docx=True)).content) == [
        "梅党员：未评定，收到批评1条"
    ]
    # Passes the sample (two criticisms), fails on 梅党员's one: a message on the page, no file.
    broken = docx_bytes("{% if criticisms|length == 1 %}{{ org.nmae }}{% endif %}")
    export_services.export_template_upload(
        actor=cast.secretary, organization=cast.branch, document="lifemeeting_feedback",
        file=upload("坏模板.docx", broken),
    )  # fmt: skip
    response = client.get(_feedback_url(lm, member, docx=True), follow=True)
    assert response.redirect_chain == [(_feedback_url(lm, member), 302)]
    assert "「第一党支部」的组织生活会书面反馈模板无法生成文件" in response.content.decode()


def test_it_gives_the_real_contexts_exactly_the_documented_fields(cast: Cast) -> None:
    lm = held(cast)
    member = _member(cast)
    _confirm(cast, lm)
    _study(cast, lm)
    _grades(cast, {})
    for key, context in (
        ("lifemeeting_feedback", contexts.lifemeeting_feedback_context(lm, member)),
        ("lifemeeting_report", contexts.lifemeeting_report_context(lm)),
    ):
        assert set(registry.context_paths(context)) == registry.DOCUMENTS[key].paths(), key


# --- 情况报告 ------------------------------------------------------------------------------------


def test_it_writes_the_report_from_the_records(cast: Cast, client_as: Any) -> None:
    lm = held(cast)
    _confirm(cast, lm)
    response = client_as("secretary").get(reverse("lifemeetings:report_docx", args=[lm.pk]))
    assert response.status_code == 200
    lines = _lines(response.content)
    text = "\n".join(lines)
    assert documents.report_title(lm) in lines
    assert "测试镇党委：" in lines
    assert "集中学习0次" in text and "没有开展书面征求意见" in text
    assert "开展谈心谈话0次" in text and "经审核通过1份" in text
    meeting = lm.meeting
    assert meeting is not None
    day = timezone.localtime(meeting.starts_at).date()
    assert f"会议于{day.year}年{day.month}月{day.day}日" in text
    assert "2名党员逐一发言" in text and "相互提出批评意见1条" in text
    assert "1. 书记通报会前准备情况" in lines
    assert "共查摆问题2个，其中班子问题0个、党员个人问题2个" in text
    assert "（一）思想理论学习（1个）" in lines and "1. 梅党员：2026年集中学习缺席2次" in lines
    assert "（二）作风建设（1个）" in lines
    assert "民主评议尚未完成" in lines
    assert "共制定整改措施2项" in text and "目前已完成0项" in text
    deadline = f"{DEADLINE.year}年{DEADLINE.month}月{DEADLINE.day}日"
    assert "整改：联系群众不够主动，走访少" in lines and deadline in lines
    assert "特此报告。" in lines
    assert AuditEvent.objects.filter(verb="export.lifemeeting_report").count() == 1

    _grades(cast, {_member(cast).pk: "excellent"})
    text = _text(client_as("committee_officer").get(
        reverse("lifemeetings:report_docx", args=[lm.pk])).content)  # fmt: skip
    assert "参加评议党员3名，评定等次3名：优秀1名、合格2名、基本合格0名、不合格0名。" in text


def test_it_counts_the_preparation_and_the_attendance(cast: Cast) -> None:
    lm = held(cast)
    _study(cast, lm)
    context = contexts.lifemeeting_report_context(lm)
    assert context["study"] == {"count": 1}
    assert context["study_meetings"] == [
        {"number": 1, "date": f"{YEAR}年3月10日", "title": "学习党章党规"}
    ]
    assert context["talks"]["required"] == 2 and context["talks"]["done"] == 0
    assert "梅党员" in context["talks"]["missing"]
    assert context["opinions"] == {"held": False, "count": 0}
    assert context["reviews"] == {"expected": 3, "submitted": 1, "accepted": 1}
    att = context["attendance"]
    assert att["expected"] == 3 and att["present"] + att["leave"] + att["absent"] == 3
    assert context["contact_leader"] == "" and context["contact_leader_present"] is None
    assert context["evaluation"]["participants"] == 3 and not context["evaluation"]["done"]


def test_it_reports_who_attended_who_chaired_and_the_contact_leader(cast: Cast) -> None:
    """A cycle whose plan the committee approved with its 组织委员 as 上级联系指导人: he comes
    to the meeting (列席), 裴同志 is on leave."""
    from zhibu.meetings import services as meetings

    secretary, member = cast.secretary.member, _member(cast)
    leader = cast.committee_officer.member
    assert secretary is not None and leader is not None
    today, now = timezone.localdate(), timezone.now()
    lm = services.lifemeeting_plan(
        actor=cast.secretary, branch=cast.branch, year=today.year, theme="联系指导",
        planned_on=today, kind="special", topic="以案促改", agenda=["对照检查"],
    )  # fmt: skip
    services.lifemeeting_submit(actor=cast.secretary, life_meeting=lm)
    services.lifemeeting_review(
        actor=cast.committee_officer, life_meeting=lm, approve=True, contact_leader=leader
    )
    lm.refresh_from_db()
    services.lifemeeting_convene(
        actor=cast.secretary, life_meeting=lm, starts_at=now - dt.timedelta(hours=2),
        ends_at=now - dt.timedelta(hours=1), place="村委会议室", host=secretary,
    )  # fmt: skip
    lm.refresh_from_db()
    assert lm.meeting is not None
    present = {secretary.pk, member.pk, leader.pk}
    marks = {a.pk: "present" if a.member_id in present else "leave"
             for a in lm.meeting.attendances.all()}  # fmt: skip
    meetings.attendance_mark(actor=cast.secretary, meeting=lm.meeting, marks=marks)
    meetings.minutes_save(actor=cast.secretary, meeting=lm.meeting,
                          content={"items": [{"title": "对照检查", "content": "逐一发言"}]})  # fmt: skip
    meetings.minutes_confirm(actor=cast.secretary, meeting=lm.meeting)
    context = contexts.lifemeeting_report_context(lm)
    assert context["meeting"]["host"] == "石书记" and context["meeting"]["place"] == "村委会议室"
    assert context["attendance"] == {
        "expected": 3, "present": 2, "leave": 1, "absent": 0, "leave_text": "裴同志",
        "absent_text": "",
    }  # fmt: skip
    assert (context["contact_leader"], context["contact_leader_present"]) == ("程组织", True)
    assert context["observers_text"] == "程组织（上级联系指导人）"
    assert context["title"] == "关于召开以案促改专题组织生活会情况的报告"
    doc = registry.LIFEMEETING_REPORT
    text = _text(engine.render(doc, doc.default_bytes(), context))
    assert "在村委会议室召开，由石书记主持。应到党员3名，实到2名，请假1名（裴同志）。" in text
    assert "上级联系指导人程组织到会指导。" in text


def test_it_links_each_members_feedback_from_the_report_page(cast: Cast, client_as: Any) -> None:
    lm = held(cast)
    page = client_as("committee_officer").get(reverse("lifemeetings:report", args=[lm.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and documents.report_title(lm) in text
    assert _feedback_url(lm, _member(cast)) in text
    assert reverse("lifemeetings:report_docx", args=[lm.pk]) in text


# --- before the meeting, access, methods ---------------------------------------------------------


def test_it_has_no_documents_before_the_meeting(cast: Cast, client_as: Any) -> None:
    review = self_review(cast)
    lm = review.life_meeting
    member = _member(cast)
    assert client_as("member").get(_feedback_url(lm, member)).status_code == 404
    assert client_as("member").get(_feedback_url(lm, member, docx=True)).status_code == 404
    for role in ("secretary", "committee_officer"):
        page = client_as(role).get(_feedback_url(lm, member))
        assert page.status_code == 200
        assert "会议召开后才有书面反馈" in page.content.decode()
        docx = client_as(role).get(_feedback_url(lm, member, docx=True))
        assert docx.status_code == 302 and docx["Location"] == _feedback_url(lm, member)
        page = client_as(role).get(reverse("lifemeetings:report", args=[lm.pk]))
        assert "会议召开后才有情况报告" in page.content.decode()
        docx = client_as(role).get(reverse("lifemeetings:report_docx", args=[lm.pk]))
        assert docx["Location"] == reverse("lifemeetings:report", args=[lm.pk])
    assert not AuditEvent.objects.filter(verb__startswith="export.lifemeeting").exists()


def test_it_hides_another_members_feedback(cast: Cast, client_as: Any) -> None:
    lm = held(cast)
    secretary = cast.secretary.member
    assert secretary is not None
    assert client_as("member").get(_feedback_url(lm, secretary)).status_code == 404
    assert client_as("secretary").get(_feedback_url(lm, secretary)).status_code == 200
    activist = cast.activist.member
    assert activist is not None  # not a party member: not in the meeting
    assert client_as("secretary").get(_feedback_url(lm, activist)).status_code == 404
    url = reverse("lifemeetings:feedback", args=[lm.pk, 999999])
    assert client_as("secretary").get(url).status_code == 404


@pytest.mark.parametrize("name", sorted(ROWS))
def test_it_answers_each_role_as_the_matrix_says(name: str, cast: Cast, client_as: Any) -> None:
    kwargs_of, expected = ROWS[name]
    url = reverse(name.partition("#")[0], kwargs=kwargs_of(cast))
    got = {}
    for role in expected:
        response = client_as(role).get(url)
        status: Any = response.status_code
        if status == 302 and reverse("accounts:login") in response["Location"]:
            status = LOGIN
        got[role] = status
    assert got == expected


@pytest.mark.parametrize("name", sorted(ROWS))
def test_it_refuses_a_wrong_method(name: str, cast: Cast, client_as: Any) -> None:
    kwargs_of, _ = ROWS[name]
    url = reverse(name.partition("#")[0], kwargs=kwargs_of(cast))
    client = client_as("secretary")
    assert client.post(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_it_refuses_the_report_to_members_of_the_branch(cast: Cast, client_as: Any) -> None:
    lm = held(cast)
    response = client_as("member").get(reverse("lifemeetings:report", args=[lm.pk]))
    assert response.status_code == 403 and "党支部负责人" in response.content.decode()


# --- query counts (STYLE.md rule 10) ---------------------------------------------------------


def _crowd(cast: Cast, n: int) -> LifeMeeting:
    """A held cycle like ``held`` with ``n`` more members, each speaking, criticised by the
    secretary and given a confirmed problem; 梅党员's list confirmed too."""
    extra = [
        member_create(actor=None, branch=cast.branch, values=member_values(name=f"众党员{i}"))
        for i in range(n)
    ]
    review = self_review(cast)
    services.self_review_decide(actor=cast.secretary, review=review, accept=True)
    lm = review.life_meeting
    now = timezone.now()
    services.lifemeeting_convene(
        actor=cast.secretary, life_meeting=lm, starts_at=now - dt.timedelta(hours=2),
        ends_at=now - dt.timedelta(hours=1), place="党员活动室",
    )  # fmt: skip
    lm.refresh_from_db()
    secretary = cast.secretary.member
    assert secretary is not None and lm.meeting is not None
    for who in [_member(cast), *extra]:
        services.speech_record(
            actor=cast.secretary, life_meeting=lm, member=who, spoke=True,
            self_criticism=f"{who.name}的自我批评", pledge="立行立改",
            criticisms=[services.CriticismInput(secretary, f"{who.name}学习不够经常")],
        )  # fmt: skip
    from zhibu.meetings import services as meetings

    meetings.minutes_save(actor=cast.secretary, meeting=lm.meeting,
                          content={"items": [{"title": "批评和自我批评", "content": "逐一发言"}]})  # fmt: skip
    meetings.minutes_confirm(actor=cast.secretary, meeting=lm.meeting)
    services.lifemeeting_conclude(actor=cast.secretary, life_meeting=lm)
    lm.refresh_from_db()
    for who in [_member(cast), *extra]:
        _confirm(cast, lm, who)
    return lm


def _queries(client: Any, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("n", [0, 6])
def test_it_reads_the_report_in_a_fixed_number_of_queries(
    n: int, cast: Cast, client_as: Any, django_assert_num_queries: Any
) -> None:
    lm = _crowd(cast, n)
    context = contexts.lifemeeting_report_context(lm)
    assert context["totals"]["problems"] == 2 + n and context["speeches"]["spoke"] == 1 + n
    lm = LifeMeeting.objects.select_related("branch__parent", "meeting", "contact_leader").get(
        pk=lm.pk
    )
    with django_assert_num_queries(11):
        contexts.lifemeeting_report_context(lm)
    client = client_as("secretary")
    page, _ = _queries(client, reverse("lifemeetings:report", args=[lm.pk]))
    docx, response = _queries(client, reverse("lifemeetings:report_docx", args=[lm.pk]))
    assert ("众党员" in _text(response.content)) == (n > 0)
    assert (page, docx) == (22, 26)


@pytest.mark.parametrize("n", [0, 6])
def test_it_reads_the_feedback_in_a_fixed_number_of_queries(
    n: int, cast: Cast, client_as: Any, django_assert_num_queries: Any
) -> None:
    lm = _crowd(cast, n)
    member = _member(cast)
    lm = LifeMeeting.objects.select_related("branch__parent", "meeting").get(pk=lm.pk)
    with django_assert_num_queries(5):
        contexts.lifemeeting_feedback_context(lm, member)
    page, _ = _queries(client_as("member"), _feedback_url(lm, member))
    docx, _ = _queries(client_as("member"), _feedback_url(lm, member, docx=True))
    officer, _ = _queries(client_as("secretary"), _feedback_url(lm, member))
    assert (page, docx, officer) == (15, 21, 15)


def test_it_names_a_special_meeting_by_its_topic(cast: Cast) -> None:
    lm = cycle(cast, approved=True)
    assert documents.meeting_name(lm) == "学习贯彻党的创新理论专题组织生活会"
    assert documents.report_title(lm) == "关于召开学习贯彻党的创新理论专题组织生活会情况的报告"
