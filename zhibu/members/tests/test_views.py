"""Member pages: lists with filters and a pinned query count, masking, forms that keep input."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhibu.conftest import Cast
from zhibu.members.models import Member
from zhibu.members.services import member_create
from zhibu.testing import member_values

pytestmark = pytest.mark.django_db


def queries_for(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("role", "target"), [("secretary", "branch"), ("committee_officer", "committee")]
)
def test_it_keeps_the_member_list_query_count_flat(
    cast: Cast, client_as: Any, role: str, target: str
) -> None:
    client = client_as(role)
    url = reverse("members:list", args=[getattr(cast, target).code])
    few = queries_for(client, url)
    for i in range(30):
        member_create(
            actor=None,
            branch=cast.branch,
            values=member_values(name=f"新人{i}", group=cast.group, phone="13600000000"),
        )
    assert queries_for(client, url) == few


def test_it_masks_personal_data_in_the_list(cast: Cast, client_as: Any) -> None:
    html = (
        client_as("secretary")
        .get(reverse("members:list", args=[cast.branch.code]))
        .content.decode()
    )
    assert "139****5678" in html
    assert cast.peer.id_number not in html and cast.peer.id_number[:6] + "********" in html


def test_it_shows_full_values_to_officers_and_the_member_only(cast: Cast, client_as: Any) -> None:
    url = reverse("members:detail", args=[cast.peer.pk])
    assert cast.peer.id_number in client_as("secretary").get(url).content.decode()
    assert cast.peer.id_number in client_as("committee_officer").get(url).content.decode()
    me = cast.member.member
    assert me is not None
    own = client_as("member").get(reverse("members:me")).content.decode()
    assert me.id_number in own
    # A 党小组长 may open a group member's record, but sees the numbers masked.
    from zhibu.orgs.services import position_assign

    position_assign(
        actor=None,
        member=me,
        organization=cast.group,
        role="group_leader",
        started_on=date(2024, 1, 1),
    )
    peer_in_group = member_create(
        actor=None,
        branch=cast.branch,
        values=member_values(name="组员", group=cast.group, phone="13511112222"),
    )
    html = (
        client_as("member").get(reverse("members:detail", args=[peer_in_group.pk])).content.decode()
    )
    assert peer_in_group.id_number not in html and "135****2222" in html


def test_it_filters_and_searches(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    url = reverse("members:list", args=[cast.branch.code])
    assert "艾积极" in client.get(url, {"category": "activist"}).content.decode()
    assert "梅党员" not in client.get(url, {"category": "activist"}).content.decode()
    assert "梅党员" in client.get(url, {"group": cast.group.pk}).content.decode()
    assert "裴同志" in client.get(url, {"q": "裴"}).content.decode()
    assert "没有符合条件的人员" in client.get(url, {"q": "不存在"}).content.decode()


def test_it_finds_by_id_or_phone_without_putting_them_in_a_url(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    find = reverse("members:find", args=[cast.branch.code])
    detail = reverse("members:detail", args=[cast.peer.pk])
    assert client.post(find, {"number": cast.peer.id_number.lower()})["Location"] == detail
    assert client.post(find, {"number": "139 1234 5678"})["Location"] == detail
    missing = client.post(find, {"number": "13900000000"}, follow=True)
    assert "没有找到这个身份证号或手机号对应的人员" in missing.content.decode()
    assert client.get(find).status_code == 405
    # Outside the officer's roster the number finds nobody, even though the person exists.
    other = cast.other.member
    assert other is not None
    assert client.post(find, {"number": other.id_number})["Location"] == reverse(
        "members:list", args=[cast.branch.code]
    )
    assert client_as("member").post(find, {"number": cast.peer.id_number}).status_code == 403


def test_it_answers_htmx_with_the_results_fragment(cast: Cast, client_as: Any) -> None:
    response = client_as("secretary").get(
        reverse("members:list", args=[cast.branch.code]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">') and "<html" not in html


def test_it_paginates(cast: Cast, client_as: Any, settings: Any) -> None:
    settings.PAGE_SIZE = 2
    html = (
        client_as("secretary")
        .get(reverse("members:list", args=[cast.branch.code]), {"page": 2})
        .content.decode()
    )
    assert "第 2 / 2 页" in html  # 4 people in 第一党支部, 2 per page


def test_it_keeps_what_was_typed_when_the_form_is_wrong(cast: Cast, client_as: Any) -> None:
    data = {
        "name": "新党员",
        "id_number": "110101198503070014",
        "category": "full",
        "phone": "13812345678",
        "ethnicity": "回族",
    }
    response = client_as("secretary").post(reverse("members:create", args=[cast.branch.code]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "校验位错误" in html and "正式党员必须填写入党日期" in html
    assert 'value="新党员"' in html and 'value="13812345678"' in html and 'value="回族"' in html
    assert not Member.objects.filter(name="新党员").exists()


def test_it_registers_a_member_from_the_form(cast: Cast, client_as: Any) -> None:
    values = member_values(name="新党员")
    data = {k: ("" if v is None else v) for k, v in values.items()}
    response = client_as("secretary").post(reverse("members:create", args=[cast.branch.code]), data)
    member = Member.objects.get(name="新党员")
    assert response.status_code == 302 and response["Location"] == reverse(
        "members:detail", args=[member.pk]
    )


def test_it_opens_a_login_for_a_member(cast: Cast, client_as: Any) -> None:
    url = reverse("members:account", args=[cast.peer.pk])
    weak = client_as("secretary").post(url, {"username": "peer01", "password": "password"})
    assert "密码须包含小写字母、大写字母、数字、符号中的至少3类" in weak.content.decode()
    ok = client_as("secretary").post(url, {"username": "peer01", "password": "Peer#2026x"})
    assert ok.status_code == 302
    from zhibu.accounts.models import User

    user = User.objects.get(username="peer01")
    assert user.member == cast.peer and user.must_change_password


def test_it_sends_a_member_without_record_to_an_explanation(db: Any, client: Any) -> None:
    from zhibu.accounts.models import User

    admin = User.objects.create_superuser("root", password="Root#2026x")
    client.force_login(admin)
    assert "没有关联党员信息" in client.get(reverse("members:me")).content.decode()


def test_it_records_party_probation_from_the_member_page(cast: Cast, client_as: Any) -> None:
    client = client_as("secretary")
    url = reverse("members:party_probation", args=[cast.peer.pk])
    assert "登记留党察看" in client.get(reverse("members:detail", args=[cast.peer.pk])).text
    response = client.post(url, {"to": "party_probation", "on": "2026-01-05", "note": ""})
    assert response.status_code == 200 and "请写明处分决定或批复的文号" in response.text
    response = client.post(
        url, {"to": "party_probation", "on": "2026-01-05", "note": "镇纪委〔2026〕5号"}
    )
    assert response.status_code == 302
    cast.peer.refresh_from_db()
    assert cast.peer.party_probation
    page = client.get(reverse("members:detail", args=[cast.peer.pk])).text
    assert "留党察看" in page and "恢复党员权利" in page
