"""Anonymous waste report journey (issue 13 point 6) in headless Chromium on the standard cast:

anyone     — without signing in, finds the regional unit "Khu vực 1" by typing "khu vuc",
             describes the waste, answers the check question, gets a code and a secret
supervisor — supervisor of province PA: finds the report in the queue, takes it under
             review, answers the sender
anyone     — opens the report with the code and the secret and reads the answer
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from thidua.oversight import anonymity
from thidua.oversight.models import WasteReport
from thidua.testing import Cast, build_cast

pytestmark = pytest.mark.browser


@pytest.fixture
def cast_(transactional_db: None) -> Cast:
    anonymity.SUBMISSIONS.reset()
    anonymity.LOOKUPS.reset()
    return build_cast()


def test_an_anonymous_sender_reports_and_reads_the_answer(
    cast_: Cast, page: Page, signed_in: Callable[..., Page]
) -> None:
    page.goto("/public/phan-anh/")
    page.get_by_label("1. Tìm đơn vị").fill("khu vuc")
    page.get_by_test_id("unit-search").get_by_role("button").click()
    page.get_by_label("Khu vực 1").check()
    page.locator("#id_text").fill("Xe công dùng đưa đón gia đình cán bộ vào cuối tuần, tháng 5.")
    token = page.locator("input[name=token]").input_value()
    a, b = token.split(".")[:2]
    page.locator("#id_answer").fill(str(int(a) + int(b)))
    page.get_by_role("button", name="Gửi phản ánh").click()
    code = page.get_by_test_id("code").inner_text()
    secret = page.get_by_test_id("secret").inner_text()
    assert WasteReport.objects.get().code == code

    supervisor = signed_in("supervisor")
    supervisor.goto("/oversight/queue/")
    section = supervisor.get_by_test_id("waste-reports")
    section.get_by_role("link", name="Xe công dùng").click()
    supervisor.get_by_test_id("review").get_by_role("button").click()
    expect(supervisor.get_by_test_id("status")).to_contain_text("Đang xem xét")
    supervisor.locator("#reply-text").fill(
        "Đã chuyển đoàn kiểm tra xác minh, sẽ trả lời trong tháng."
    )
    supervisor.get_by_test_id("reply").get_by_role("button").click()
    expect(supervisor.get_by_test_id("thread")).to_contain_text("Đã chuyển đoàn kiểm tra")

    page.goto("/public/phan-anh/theo-doi/")
    page.get_by_label("Mã theo dõi").fill(code)
    page.get_by_label("Mã bí mật").fill(secret)
    page.get_by_role("button", name="Mở phản ánh").click()
    expect(page.get_by_test_id("status")).to_contain_text("Đang xem xét")
    expect(page.get_by_test_id("thread")).to_contain_text("Đã chuyển đoàn kiểm tra xác minh")
    assert page.url.endswith("/public/phan-anh/theo-doi/")  # nothing in the address bar
