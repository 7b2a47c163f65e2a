"""Demo anonymous waste reports (issue 13 point 6): a few reports about Tuyên Quang's and Hà
Nội's units in every triage state, with the Tuyên Quang supervisor's answer to one of them.
Every text is FICTITIOUS. The summary line gives one report's code and secret so that a
visitor can open it on /public/phan-anh/theo-doi/."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from thidua.lib.dates import today
from thidua.org.models import OrgUnit
from thidua.oversight import reports
from thidua.oversight.models import WasteReport

from .oversight_data import SUPERVISOR

CASES = [
    (
        "TQ-KV01",
        0,
        "Xe công của đơn vị được dùng đưa đón người nhà cán bộ vào cuối tuần.",
        "review",
    ),
    (
        "TQ-KV02",
        1,
        "Điều hòa các phòng họp bật suốt đêm, kể cả ngày nghỉ, trong nhiều tuần.",
        "new",
    ),
    (
        "TQ",
        2,
        "Hội nghị sơ kết tổ chức tại khu nghỉ dưỡng, chi phí cao hơn nhiều so với hội trường.",
        "confirmed",
    ),
    ("TQ-KV03", 3, "Máy tính mới mua để trong kho từ đầu năm, chưa đưa vào sử dụng.", "dismissed"),
    ("HN-KV01", 1, "In ấn tài liệu hội nghị số lượng lớn rồi bỏ không dùng đến.", "new"),
]
ANSWER = "Cảm ơn ông/bà đã phản ánh. Đoàn kiểm tra đang xác minh việc sử dụng xe công."


def _month_back(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, min(day.day, 28))


def build_waste_reports() -> list[str]:
    supervisor = get_user_model().objects.get(username=SUPERVISOR[0])
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={c[0] for c in CASES})}
    shown = None
    for code, months, text, state in CASES:
        if code not in units:
            continue
        receipt = reports.submit_report(units[code], text, [])
        report = receipt.report
        WasteReport.objects.filter(pk=report.pk).update(received_on=_month_back(today(), months))
        if state != "new":
            reports.move_report(report, "review", by=supervisor, reason="Tiếp nhận, xác minh.")
        if state == "review":
            reports.handler_replies(report, ANSWER, by=supervisor)
            shown = receipt
        elif state in ("confirmed", "dismissed"):
            reason = "Có căn cứ." if state == "confirmed" else "Không có căn cứ."
            reports.move_report(report, state, by=supervisor, reason=reason)
    line = f"Phản ánh lãng phí: {WasteReport.objects.count()} phản ánh ẩn danh"
    if shown is not None:
        line += f"; mở thử bằng mã {shown.report.code}, mã bí mật {shown.secret}"
    return [line + "."]
