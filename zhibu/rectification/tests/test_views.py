"""The rectification pages as each role uses them (the role matrix covers every status code)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.rectification import services
from zhibu.rectification.models import Measure, Problem, Publication
from zhibu.rectification.tests.helpers import category, complete_all, make_problem, member_of

pytestmark = pytest.mark.django_db


def _form(cast: Cast, **overrides: Any) -> dict[str, Any]:
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data = {
        "owner_kind": "member", "owner_member": member_of(cast.member).pk,
        "source": "life_meeting", "category": category().pk, "year": timezone.localdate().year,
        "description": "2026年上半年集中学习缺席2次", "cause_thinking": "对学习重要性认识不足",
        "measures-TOTAL_FORMS": "3", "measures-INITIAL_FORMS": "0",
        "measures-MIN_NUM_FORMS": "0", "measures-MAX_NUM_FORMS": "20",
        "measures-0-text": "尽量参加每次学习", "measures-0-responsible": member_of(cast.member).pk,
        "measures-0-deadline": later,
        "measures-1-text": "", "measures-1-responsible": "", "measures-1-deadline": "",
        "measures-2-text": "", "measures-2-responsible": "", "measures-2-deadline": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_it_lets_the_secretary_add_a_problem_with_its_measures(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    response = client.post(reverse("rectification:new", args=["T-B1"]), _form(cast))
    p = Problem.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "rectification:detail", args=[p.pk]
    )
    # A vague measure is advice, never a refusal: it is saved, and flagged on the page.
    assert p.measures.get().text == "尽量参加每次学习"
    page = client.get(response["Location"]).content.decode()
    assert "<mark" in page and "尽量" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": ""}, "这个字段是必填项"),
        ({"owner_member": ""}, "问题主体是党员个人时，请选择党员"),
        ({"measures-0-text": "", "measures-0-responsible": "", "measures-0-deadline": ""},
         "每个问题至少要有一项整改措施"),
        ({"measures-0-deadline": "2001-01-01"}, "整改时限不能早于今天"),
        ({"measures-0-responsible": ""}, "这个字段是必填项"),
    ],
)  # fmt: skip
def test_it_shows_what_is_wrong_and_saves_nothing(
    cast: Cast, client_as: Any, change: dict[str, str], message: str
) -> None:
    client = client_as("secretary")
    events = AuditEvent.objects.count()
    response = client.post(reverse("rectification:new", args=["T-B1"]), _form(cast, **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Problem.objects.exists() and AuditEvent.objects.count() == events


def test_it_adds_a_measure_row_with_htmx(cast: Cast, client_as: Any) -> None:
    response = client_as("secretary").get(
        reverse("rectification:new", args=["T-B1"]) + "?row=3", HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert 'name="measures-3-text"' in page
    assert 'name="measures-TOTAL_FORMS" value="4"' in page and 'hx-swap-oob="true"' in page
    assert "?row=4" in page
    assert "<html" not in page


def test_it_lets_the_responsible_member_report_a_measure_done(cast: Cast, client_as: Any) -> None:
    p = make_problem(cast)
    m = p.measures.get()
    client = client_as("member")
    url = reverse("rectification:measure_complete", args=[m.pk])
    response = client.post(url, {"evidence": "", "done_on": timezone.localdate().isoformat()})
    assert "这个字段是必填项" in response.content.decode()
    proof = SimpleUploadedFile("学习笔记.pdf", b"%PDF-1.4 notes", content_type="application/pdf")
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(url, {"evidence": "全部参加", "done_on": timezone.localdate().isoformat(),
                                 "evidence_files": [proof, bad]})  # fmt: skip
    assert "佐证材料只能是" in response.content.decode()
    m.refresh_from_db()
    assert m.status == "open" and not m.files.exists()
    proof.seek(0)
    response = client.post(url, {"evidence": "全部参加", "done_on": timezone.localdate().isoformat(),
                                 "evidence_files": [proof]})  # fmt: skip
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == "done" and m.files.get().name == "学习笔记.pdf"
    file_url = reverse("rectification:evidence", args=[m.files.get().pk])
    assert client.get(file_url).status_code == 200
    assert client_as("other").get(file_url).status_code == 404
    p.refresh_from_db()
    assert p.status == "rectified"


def test_it_keeps_closing_away_from_the_problem_owner(cast: Cast, client_as: Any) -> None:
    """The secretary's own problem is closed by another officer, not by the secretary."""
    own = make_problem(cast, owner=cast.secretary,
                       measures=[("确保完成", member_of(cast.secretary), timezone.localdate())])  # fmt: skip
    complete_all(own, cast.secretary)
    url = reverse("rectification:close", args=[own.pk])
    assert client_as("secretary").post(url).status_code == 403
    assert client_as("committee_officer").post(url).status_code == 302
    own.refresh_from_db()
    assert own.status == "closed"


def test_it_leaves_the_branch_s_own_problems_to_the_committee(cast: Cast, client_as: Any) -> None:
    p = make_problem(cast, owner_kind="committee",
                     measures=[("确保完成", member_of(cast.secretary), timezone.localdate())])  # fmt: skip
    complete_all(p, cast.secretary)
    url = reverse("rectification:close", args=[p.pk])
    response = client_as("secretary").post(url)
    assert response.status_code == 403
    assert client_as("committee_officer").post(url, {"note": "已核实"}).status_code == 302
    p.refresh_from_db()
    assert p.status == "closed" and p.closed_by == cast.committee_officer


def test_it_shows_the_publication_to_the_branch_members_in_its_window(
    cast: Cast, client_as: Any
) -> None:
    client = client_as("secretary")
    p = make_problem(cast)
    today = timezone.localdate()
    response = client.post(
        reverse("rectification:publications", args=["T-B1"]),
        {"title": "问题清单公示", "starts_on": today.isoformat(),
         "ends_on": (today + dt.timedelta(days=6)).isoformat(), "problems": [p.pk],
         "show_measures": "on", "show_progress": "on", "year": today.year},
    )  # fmt: skip
    row = Publication.objects.get()
    assert response.status_code == 302
    url = reverse("rectification:publication", args=[row.pk])
    page = client_as("member").get(url).content.decode()
    assert p.description in page and "每月参加支部集中学习" in page
    for outsider in ("other", "activist", "outsider"):
        assert client_as(outsider).get(url).status_code == 404
    # Home page of a member of the branch points to it.
    assert "问题清单公示" in client_as("member").get(reverse("core:home")).content.decode()
    # After its window, members no longer see it; the secretary still does.
    Publication.objects.filter(pk=row.pk).update(
        starts_on=today - dt.timedelta(days=8), ends_on=today - dt.timedelta(days=1)
    )
    assert client_as("member").get(url).status_code == 404
    assert client.get(url).status_code == 200
    # Withdrawn: gone for members at once.
    Publication.objects.filter(pk=row.pk).update(ends_on=today + dt.timedelta(days=1))
    assert (
        client.post(reverse("rectification:publication_withdraw", args=[row.pk])).status_code == 302
    )
    assert client_as("member").get(url).status_code == 404


def test_it_hides_measures_when_the_publication_says_so(cast: Cast, client_as: Any) -> None:
    p = make_problem(cast)
    today = timezone.localdate()
    row = services.publication_create(actor=cast.secretary, organization=cast.branch,
                                      title="公示", starts_on=today, ends_on=today, problems=[p],
                                      show_measures=False, show_progress=False)  # fmt: skip
    page = client_as("member").get(reverse("rectification:publication", args=[row.pk]))
    assert p.description in page.content.decode()
    assert "每月参加支部集中学习" not in page.content.decode()


def test_it_filters_and_groups_the_ledger(cast: Cast, client_as: Any) -> None:
    today = timezone.localdate()
    late = make_problem(cast, description="逾期的问题", today=today - dt.timedelta(days=10),
                        measures=[("确保完成", member_of(cast.member), today - dt.timedelta(days=3))])  # fmt: skip
    make_problem(cast, description="按期的问题", category=category("作风建设"))
    client = client_as("secretary")
    url = reverse("rectification:ledger", args=["T-B1"])
    page = client.get(url).content.decode()
    assert "逾期的问题" in page and "按期的问题" in page and "逾期3天" in page
    page = client.get(url, {"status": "overdue"}).content.decode()
    assert "逾期的问题" in page and "按期的问题" not in page
    page = client.get(url, {"category": category("作风建设").pk}).content.decode()
    assert "逾期的问题" not in page and "按期的问题" in page
    fragment = client.get(url, {"by": "owner"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    text = fragment.content.decode()
    assert "<html" not in text and "党员个人 2" in text
    # A committee sees each branch's overdue count, and the bulletin once past 30 days.
    committee = client_as("committee_officer")
    page = committee.get(reverse("rectification:ledger", args=["T-COM"])).content.decode()
    assert "各单位整改进度" in page and "第一党支部" in page
    # 3 days late is not yet in the bulletin (the threshold is 30 days).
    bulletin = committee.get(reverse("rectification:bulletin", args=["T-COM"])).content.decode()
    assert "没有逾期超过30天的问题" in bulletin
    assert reverse("rectification:detail", args=[late.pk]) not in bulletin


def test_it_shows_a_member_their_own_work(cast: Cast, client_as: Any) -> None:
    make_problem(cast, measures=[("确保按时交党费", member_of(cast.member), timezone.localdate())])
    client = client_as("member")
    home = client.get(reverse("core:home")).content.decode()
    assert "整改措施：确保按时交党费" in home and "今天到期" in home
    mine = client.get(reverse("rectification:mine")).content.decode()
    assert "确保按时交党费" in mine and "登记完成" in mine
    empty = client_as("other").get(reverse("rectification:mine")).content.decode()
    assert "没有待完成的整改措施" in empty


def test_it_records_a_recheck_that_found_the_problem_back(cast: Cast, client_as: Any) -> None:
    p = make_problem(cast)
    complete_all(p, cast.member)
    services.problem_close(actor=cast.secretary, problem=p)
    recheck = p.rechecks.get()
    url = reverse("rectification:recheck", args=[recheck.pk])
    client = client_as("secretary")
    response = client.post(url, {"result": "recurred", "note": "又缺席了"})
    assert "问题反弹时，请填写新的整改措施" in response.content.decode()
    later = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    response = client.post(url, {"result": "recurred", "note": "又缺席了", "text": "结对督促学习",
                                 "responsible": member_of(cast.member).pk, "deadline": later})  # fmt: skip
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == "in_progress" and p.measures.count() == 2


def test_it_lets_the_committee_record_an_interview(cast: Cast, client_as: Any) -> None:
    p = make_problem(cast)
    url = reverse("rectification:interview", args=[p.pk])
    response = client_as("committee_officer").post(
        url, {"held_on": timezone.localdate().isoformat(), "interviewee": "石书记",
              "summary": "要求两周内整改到位"},
    )  # fmt: skip
    assert response.status_code == 302 and p.interviews.count() == 1


def test_it_edits_a_measure_and_keeps_the_slipped_deadline_in_the_trail(
    cast: Cast, client_as: Any
) -> None:
    p = make_problem(cast)
    m = p.measures.get()
    new = (m.deadline + dt.timedelta(days=15)).isoformat()
    response = client_as("secretary").post(
        reverse("rectification:measure_edit", args=[m.pk]),
        {"text": m.text, "responsible": m.responsible_id, "deadline": new},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(verb="measure.update").get()
    assert event.changes["deadline"] == [m.deadline.isoformat(), new]


def test_it_adds_a_measure_on_the_problem_page(cast: Cast, client_as: Any) -> None:
    p = make_problem(cast)
    complete_all(p, cast.member)
    response = client_as("secretary").post(
        reverse("rectification:measure_add", args=[p.pk]),
        {"new-text": "再增加一次专题学习", "new-responsible": member_of(cast.member).pk,
         "new-deadline": (timezone.localdate() + dt.timedelta(days=5)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == "in_progress" and Measure.objects.filter(problem=p).count() == 2


def test_it_reopens_with_a_new_measure(cast: Cast, client_as: Any) -> None:
    p = make_problem(cast)
    complete_all(p, cast.member)
    services.problem_close(actor=cast.secretary, problem=p)
    response = client_as("secretary").post(
        reverse("rectification:reopen", args=[p.pk]),
        {"reason": "群众反映仍有缺席", "text": "换成结对学习", "responsible": member_of(cast.member).pk,
         "deadline": (timezone.localdate() + dt.timedelta(days=20)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == "in_progress"


def test_it_marks_a_repeated_and_a_copied_problem(cast: Cast, client_as: Any) -> None:
    year = timezone.localdate().year
    make_problem(cast, year=year - 1, description="理论学习不够深入，集中学习缺席3次。")
    again = make_problem(cast, year=year, description="理论学习不够深入，集中学习缺席3次")
    make_problem(cast, owner=cast.secretary, year=year,
                 description="理论学习不够深入，集中学习缺席3次。",
                 measures=[("每月学习", member_of(cast.secretary), timezone.localdate())])  # fmt: skip
    page = client_as("secretary").get(reverse("rectification:detail", args=[again.pk]))
    text = page.content.decode()
    assert "老问题" in text and "疑似“轮流分配”" in text and "石书记" in text


def test_it_links_a_problem_to_the_meeting_it_was_found_at(cast: Cast, client_as: Any) -> None:
    from zhibu.meetings.tests.conftest import hold, plan

    meeting = hold(
        cast, plan(cast, start=timezone.now() - dt.timedelta(days=2)), present=["石书记"]
    )
    client = client_as("secretary")
    form = client.get(reverse("rectification:new", args=["T-B1"])).content.decode()
    assert meeting.title in form
    response = client.post(
        reverse("rectification:new", args=["T-B1"]), _form(cast, source_meeting=meeting.pk)
    )
    problem = Problem.objects.get()
    assert (problem.source_type, problem.source_id) == ("meetings.meeting", meeting.pk)
    page = client.get(response["Location"]).content.decode()
    assert reverse("meetings:detail", args=[meeting.pk]) in page


def test_it_saves_a_row_added_with_htmx(cast: Cast, client_as: Any) -> None:
    later = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    data = _form(cast, **{
        "measures-TOTAL_FORMS": "4", "measures-0-text": "每月参加学习，确保不缺席",
        "measures-3-text": "12月31日前补记笔记", "measures-3-responsible": member_of(cast.member).pk,
        "measures-3-deadline": later,
    })  # fmt: skip
    response = client_as("secretary").post(reverse("rectification:new", args=["T-B1"]), data)
    assert response.status_code == 302
    assert Problem.objects.get().measures.count() == 2


def test_it_offers_more_rows_without_javascript(cast: Cast, client_as: Any) -> None:
    page = client_as("secretary").get(reverse("rectification:new", args=["T-B1"]), {"extra": 5})
    assert 'name="measures-4-text"' in page.content.decode()


def test_it_edits_a_late_measure_without_moving_its_date(cast: Cast, client_as: Any) -> None:
    today = timezone.localdate()
    p = make_problem(cast, today=today - dt.timedelta(days=20),
                     measures=[("确保完成", member_of(cast.member), today - dt.timedelta(days=2))])  # fmt: skip
    m = p.measures.get()
    response = client_as("secretary").post(
        reverse("rectification:measure_edit", args=[m.pk]),
        {"text": "确保本周完成", "responsible": member_of(cast.secretary).pk,
         "deadline": m.deadline.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.text, m.responsible_id) == ("确保本周完成", member_of(cast.secretary).pk)


def test_it_counts_and_lists_the_same_unclosed_problems(cast: Cast, client_as: Any) -> None:
    p = make_problem(cast, description="已完成待销号的问题")
    complete_all(p, cast.member)
    make_problem(cast, description="待整改的问题")
    home = client_as("secretary").get(reverse("core:home")).content.decode()
    assert "?status=unclosed" in home
    page = (
        client_as("secretary")
        .get(reverse("rectification:ledger", args=["T-B1"]), {"status": "unclosed"})
        .content.decode()
    )
    assert "已完成待销号的问题" in page and "待整改的问题" in page


def test_it_marks_the_right_words_of_a_multi_line_problem(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    data = _form(cast, description="第一行\r\n第二行\r\n2026年缺席学习2次",
                 **{"measures-0-text": "第一条\r\n我们尽量做好"})  # fmt: skip
    response = client.post(reverse("rectification:new", args=["T-B1"]), data)
    page = client.get(response["Location"]).content.decode()
    assert ">尽量</mark>" in page
