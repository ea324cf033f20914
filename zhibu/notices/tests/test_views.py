"""The notices page, opening a notice, 全部标为已读, the e-mail setting and the calendar page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhibu.conftest import Cast
from zhibu.core.models import AuditEvent
from zhibu.meetings.calendar import token_hash
from zhibu.meetings.models import CalendarFeed
from zhibu.notices.models import Notice
from zhibu.notices.services import calendar_feed_issue, calendar_feed_revoke, notify

LIST = "/notices/"


def _notices(cast: Cast, count: int = 3) -> None:
    for n in range(count):
        notify(users=[cast.member], key=f"n{n}", title=f"梅的通知{n}", url=f"/meetings/{n + 1}/")
    notify(users=[cast.other], key="n0", title="欧的通知", body="别人的内容")


def test_it_lists_only_the_users_own_notices_newest_first(cast: Cast, client_as: Any) -> None:
    _notices(cast)
    html = client_as("member").get(LIST).content.decode()
    assert "欧的通知" not in html and "别人的内容" not in html
    assert html.index("梅的通知2") < html.index("梅的通知1") < html.index("梅的通知0")
    assert html.count(">未读</span>") == 3 and "3 条未读" in html
    assert "全部标为已读" in html
    other = client_as("other").get(LIST).content.decode()
    assert "欧的通知" in other and "梅的通知" not in other


def test_it_shows_what_to_do_when_there_are_no_notices(cast: Cast, client_as: Any) -> None:
    html = client_as("member").get(LIST).content.decode()
    assert "还没有通知" in html and "全部标为已读" not in html
    assert reverse("meetings:mine") in html


def test_it_marks_a_notice_read_when_opened_and_goes_to_its_link(
    cast: Cast, client_as: Any
) -> None:
    _notices(cast)
    notice = Notice.objects.get(user=cast.member, key="n1")
    response = client_as("member").get(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/meetings/2/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert Notice.objects.filter(user=cast.member, read_at__isnull=True).count() == 2
    assert not AuditEvent.objects.filter(verb__startswith="notice").exists()


def test_it_hides_another_users_notice(cast: Cast, client_as: Any) -> None:
    _notices(cast)
    theirs = Notice.objects.get(user=cast.other)
    response = client_as("member").get(reverse("notices:open", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_it_never_redirects_off_the_site(cast: Cast, client_as: Any) -> None:
    notify(users=[cast.member], key="odd", title="外链", url="https://evil.example/")
    notice = Notice.objects.get(key="odd")
    response = client_as("member").get(reverse("notices:open", args=[notice.pk]))
    assert response["Location"] == LIST


def test_it_marks_all_read(cast: Cast, client_as: Any) -> None:
    _notices(cast)
    client = client_as("member")
    response = client.post(reverse("notices:read_all"), follow=True)
    html = response.content.decode()
    assert "已将 3 条通知标为已读" in html and ">未读</span>" not in html and "全部已读" in html
    assert not Notice.objects.filter(user=cast.member, read_at__isnull=True).exists()
    assert Notice.objects.filter(user=cast.other, read_at__isnull=True).count() == 1
    assert client.get(reverse("notices:read_all")).status_code == 405


def test_it_pages_the_notices_in_a_fixed_number_of_queries(
    cast: Cast, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_as("member")
    client.get(LIST)  # warm the session
    _notices(cast, 3)
    with django_assert_max_num_queries(99) as few:
        client.get(LIST)
    _notices(cast, 45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST + "?page=2")
    html = response.content.decode()
    assert "第 2 / 3 页" in html and "梅的通知24" in html and "梅的通知44" not in html


def test_it_saves_and_clears_the_email_address(cast: Cast, client_as: Any) -> None:
    client = client_as("member")
    url = reverse("notices:email")
    response = client.post(url, {"email": "mei@example.org"})
    assert response.status_code == 302 and response["Location"].endswith("#settings")
    cast.member.refresh_from_db()
    assert cast.member.email == "mei@example.org"
    html = client.get(LIST).content.decode()
    assert 'value="mei@example.org"' in html and "不再发邮件" in html
    client.post(url, {"email": "mei@example.org", "clear": "1"})
    cast.member.refresh_from_db()
    assert cast.member.email == ""


def test_it_shows_a_bad_address_beside_the_field_and_keeps_it(cast: Cast, client_as: Any) -> None:
    response = client_as("member").post(reverse("notices:email"), {"email": "mei@"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写正确的电子邮箱地址" in html and 'value="mei@"' in html
    cast.member.refresh_from_db()
    assert cast.member.email == ""


def test_it_shows_a_new_feed_url_once(cast: Cast, client_as: Any, settings: Any) -> None:
    settings.SITE_URL = "https://zhibu.example.org"
    client = client_as("member")
    page = client.get(reverse("notices:calendar")).content.decode()
    assert "未开通" in page and "生成订阅链接" in page and "iOS" in page and "安卓" in page
    response = client.post(reverse("notices:calendar"), {"action": "issue"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    match = re.search(r"https://zhibu\.example\.org/notices/calendar/([\w-]+)\.ics", html)
    assert match is not None
    token = match.group(1)
    assert f"webcal://zhibu.example.org/notices/calendar/{token}.ics" in html
    assert CalendarFeed.objects.get(user=cast.member).token_hash == token_hash(token)
    again = client.get(reverse("notices:calendar")).content.decode()
    assert token not in again and "使用中" in again and "停用订阅" in again
    assert Client().get(f"/notices/calendar/{token}.ics").status_code == 200


def test_it_revokes_the_feed(cast: Cast, client_as: Any) -> None:
    client = client_as("member")
    html = client.post(reverse("notices:calendar"), {"action": "issue"}).content.decode()
    match = re.search(r"/notices/calendar/([\w-]+)\.ics", html)
    assert match is not None
    response = client.post(reverse("notices:calendar"), {"action": "revoke"}, follow=True)
    assert "已停用日历订阅链接" in response.content.decode()
    assert Client().get(f"/notices/calendar/{match.group(1)}.ics").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_serves_the_feed_to_reads_only(cast: Cast, client_as: Any, method: str) -> None:
    html = client_as("member").post(reverse("notices:calendar"), {"action": "issue"})
    match = re.search(r"/notices/calendar/([\w-]+)\.ics", html.content.decode())
    assert match is not None
    response = getattr(Client(), method)(match.group(0))
    assert response.status_code == 405


def test_it_refuses_a_wrong_method_on_opening_a_notice(cast: Cast, client_as: Any) -> None:
    _notices(cast, 1)
    notice = Notice.objects.get(user=cast.member)
    response = client_as("member").post(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 405


def test_it_serves_a_live_feed_as_text_calendar_and_a_revoked_one_as_404(cast: Cast) -> None:
    token = calendar_feed_issue(actor=cast.member, user=cast.member)
    url = reverse("notices:calendar_feed", args=[token])
    live = Client().get(url)
    assert live.status_code == 200
    assert live["Content-Type"] == "text/calendar; charset=utf-8"
    assert live.content.startswith(b"BEGIN:VCALENDAR")
    calendar_feed_revoke(actor=cast.member, user=cast.member)
    assert Client().get(url).status_code == 404
