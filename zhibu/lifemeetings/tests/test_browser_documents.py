"""The 组织生活会's documents in a real browser: a member reads their 书面反馈 on a phone and
downloads it; the secretary reads the 情况报告 at a desk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from zhibu.browser import DESKTOP, PHONE, login, new_page, no_horizontal_scroll, shot
from zhibu.conftest import PASSWORD, Cast, build_cast
from zhibu.evaluations.tests.helpers import probationary
from zhibu.lifemeetings.tests.helpers import held
from zhibu.lifemeetings.tests.test_documents import _confirm, _grades, _lines, _member, _study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast_tx(transactional_db: Any) -> Cast:
    return build_cast()


def test_it_shows_the_feedback_on_a_phone_and_the_report_on_a_desk(
    cast_tx: Cast, browser: Any, live_server: Any, test_output: Path
) -> None:
    cast = cast_tx
    lm = held(cast)
    _confirm(cast, lm)
    _study(cast, lm)
    probationary(cast)
    member = _member(cast)
    _grades(cast, {member.pk: "excellent"})

    phone = new_page(browser, PHONE)
    login(phone, live_server.url, "member", PASSWORD)
    phone.goto(live_server.url + reverse("lifemeetings:feedback", args=[lm.pk, member.pk]))
    phone.wait_for_selector("text=二、他人批评意见")
    assert phone.get_by_text("联系群众不够主动，走访少").first.is_visible()
    assert no_horizontal_scroll(phone)
    shot(phone, test_output, "member-360-lifemeeting-feedback")
    # The full-page shot has the fixed tab bar over the middle: the criticisms on their own.
    phone.locator("#criticisms").evaluate("e => window.scrollTo(0, e.offsetTop - 80)")
    phone.locator("#criticisms").screenshot(
        path=str(test_output / "screenshots" / "member-360-lifemeeting-feedback-criticisms.png")
    )
    with phone.expect_download() as info:
        phone.click("text=下载文档")
    download = info.value
    download.save_as(test_output / "lifemeeting-feedback.docx")
    assert download.suggested_filename.endswith("书面反馈.docx")
    lines = _lines(Path(download.path()).read_bytes())
    assert "1. 石书记：联系群众不够主动，走访少" in lines and "优秀" in lines

    desk = new_page(browser, DESKTOP)
    login(desk, live_server.url, "secretary", PASSWORD)
    desk.goto(live_server.url + reverse("lifemeetings:report", args=[lm.pk]))
    desk.wait_for_selector("text=五、整改措施")
    assert desk.get_by_text("民主评议结果").is_visible()
    shot(desk, test_output, "secretary-desktop-lifemeeting-report")
    with desk.expect_download() as info:
        desk.click("main .actions >> text=下载文档")
    info.value.save_as(test_output / "lifemeeting-report.docx")
    assert "特此报告。" in _lines(Path(info.value.path()).read_bytes())

    # The secretary may look at it on a phone too: the measures table turns into cards.
    small = new_page(browser, PHONE)
    login(small, live_server.url, "secretary", PASSWORD)
    small.goto(live_server.url + reverse("lifemeetings:report", args=[lm.pk]))
    small.wait_for_selector("text=五、整改措施")
    assert no_horizontal_scroll(small)
    shot(small, test_output, "secretary-360-lifemeeting-report")
