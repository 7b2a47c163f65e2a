"""What a unit issues under Decree 266/2026 and must publish (5 working days) and send to the
national THTK-CLP database (7 working days): its THTK-CLP programme once the head approved it
(issued on `issued_on`, else the approval day) and its annual results report once accepted
(the day of acceptance). Each item's Art. 37 content as plain JSON (no internal ids), its
document in the Decree 30/2020 layout, and the draft that publishes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.evaluation.models import Programme
from thidua.lib.documents.model import OfficialDocument, Paragraph, Signer, Table
from thidua.lib.numbers import format_vn_number
from thidua.lib.text import fold
from thidua.org.body import profile_for
from thidua.org.models import OrgUnit
from thidua.reporting.models import DataValue, NarrativeText, Period, Report, ReportTransition

from .sources import SCHEMA, Draft, document_content

PROGRAMME = "programme"
ANNUAL_REPORT = "annual_report"

ART37_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("c_shortcomings", ("ton tai", "han che")),
    ("d_next_year", ("phuong huong", "nhiem vu nam")),
    ("a_direction", ("chi dao", "dieu hanh", "to chuc thuc hien")),
    ("b_results", ("ket qua", "kiem tra", "thanh tra", "lang phi", "to cao", "phan anh")),
)
"""A narrative part goes to the letter of Art. 37(1) whose words its name holds (folded);
a part matching none (e.g. recommendations) is kept under "other"."""


@dataclass(frozen=True)
class IssuedItem:
    kind: str
    subject: str
    title: str
    unit: OrgUnit
    year: int
    issued_on: dt.date
    source: Programme | Report


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def programme_item(programme: Programme) -> IssuedItem | None:
    if programme.status != Programme.Status.APPROVED:
        return None
    issued = programme.issued_on or (
        _local_day(programme.approved_at) if programme.approved_at else None
    )
    if issued is None:
        return None
    return IssuedItem(
        PROGRAMME,
        f"programme/{programme.unit.code}/{programme.year}",
        _("THTK-CLP programme %(year)s: %(unit)s")
        % {"year": programme.year, "unit": programme.unit.name},
        programme.unit,
        programme.year,
        issued,
        programme,
    )


def _accepted_on(report: Report) -> dt.date | None:
    moment = (
        ReportTransition.objects.filter(report=report, to_status=Report.Status.ACCEPTED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return _local_day(moment) if moment is not None else None


def report_item(report: Report, accepted_on: dt.date | None = None) -> IssuedItem | None:
    if report.status != Report.Status.ACCEPTED or report.period.kind != Period.Kind.YEAR:
        return None
    issued = accepted_on or _accepted_on(report)
    if issued is None:
        return None
    return IssuedItem(
        ANNUAL_REPORT,
        f"annual_report/{report.unit.code}/{report.period.year}/{report.form.code}",
        _("THTK-CLP results report %(year)s: %(unit)s")
        % {"year": report.period.year, "unit": report.unit.name},
        report.unit,
        report.period.year,
        issued,
        report,
    )


def issued_items(unit_ids: Iterable[int] | None = None) -> list[IssuedItem]:
    """Every issued programme and accepted annual report (in `unit_ids` when given), newest
    issue first."""
    programmes = Programme.objects.filter(status=Programme.Status.APPROVED).select_related("unit")
    reports = Report.objects.filter(
        status=Report.Status.ACCEPTED, period__kind=Period.Kind.YEAR
    ).select_related("unit", "form", "period")
    if unit_ids is not None:
        ids = list(unit_ids)
        programmes, reports = programmes.filter(unit_id__in=ids), reports.filter(unit_id__in=ids)
    report_list = list(reports)
    accepted: dict[int, dt.datetime] = {}
    for report_id, at in (
        ReportTransition.objects.filter(
            report_id__in=[r.pk for r in report_list], to_status=Report.Status.ACCEPTED
        )
        .order_by("at")
        .values_list("report_id", "at")
    ):
        accepted[report_id] = at  # the latest acceptance wins
    found = [programme_item(p) for p in programmes]
    found += [
        report_item(r, _local_day(accepted[r.pk])) if r.pk in accepted else None
        for r in report_list
    ]
    items = [i for i in found if i is not None]
    return sorted(items, key=lambda i: (i.issued_on, i.subject), reverse=True)


def find(subject: str, unit_ids: Iterable[int] | None = None) -> IssuedItem | None:
    return next((i for i in issued_items(unit_ids) if i.subject == subject), None)


# --- Art. 37 content -----------------------------------------------------------------------


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _programme_content(programme: Programme) -> dict[str, Any]:
    targets = [
        {
            "indicator": t.indicator.name,
            "unit_of_measure": t.indicator.get_unit_display(),
            "kind": t.get_kind_display(),
            "comparator": t.comparator,
            "value": _number(t.value),
            "note": t.note,
        }
        for t in programme.targets.select_related("indicator")
    ]
    return {
        "key_tasks": programme.key_tasks,
        "targets": targets,
        "measures": programme.measures,
        "responsible_units": programme.responsible_units,
    }


def _report_content(report: Report) -> dict[str, Any]:
    values = {
        v.indicator_id: v.value
        for v in DataValue.objects.filter(report=report).only("indicator_id", "value")
    }
    figures = [
        {
            "section": section.name,
            "number": row.number,
            "indicator": row.indicator.name,
            "unit_of_measure": row.indicator.get_unit_display(),
            "value": _number(values.get(row.indicator_id)),
        }
        for section in report.form.sections.prefetch_related("rows__indicator")
        for row in section.rows.all()
    ]
    art37: dict[str, Any] = {
        "a_direction": [],
        "b_results": {"narrative": [], "figures": figures},
        "c_shortcomings": [],
        "d_next_year": [],
        "other": [],
    }
    texts = NarrativeText.objects.filter(report=report).select_related("part")
    for text in sorted(texts, key=lambda t: t.part.order):
        entry = {"part": text.part.name, "text": text.text}
        name = fold(text.part.name)
        letter = next(
            (key for key, words in ART37_KEYWORDS if any(w in name for w in words)), "other"
        )
        if letter == "b_results":
            art37["b_results"]["narrative"].append(entry)
        else:
            art37[letter].append(entry)
    return {"form": report.form.name, "legal_basis": report.form.legal_basis, "art37": art37}


def content(item: IssuedItem) -> dict[str, Any]:
    """The structured content (what the export's content.json and the publication hold)."""
    base: dict[str, Any] = {
        "schema": SCHEMA,
        "kind": item.kind,
        "unit": item.unit.name,
        "year": item.year,
        "issued_on": item.issued_on.isoformat(),
    }
    if isinstance(item.source, Programme):
        return {**base, "programme": _programme_content(item.source)}
    period = item.source.period
    return {
        **base,
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "report": _report_content(item.source),
    }


def _texts(entries: list[dict[str, str]]) -> list[Paragraph]:
    out: list[Paragraph] = []
    for entry in entries:
        out.append(Paragraph(entry["part"], italic=True, indent=False))
        out += [Paragraph(line) for line in entry["text"].splitlines() if line.strip()]
    return out or [Paragraph("(Không có nội dung.)", italic=True)]


def _lines(text: str) -> list[Paragraph]:
    return [Paragraph(line) for line in text.splitlines() if line.strip()] or [
        Paragraph("(Không có nội dung.)", italic=True)
    ]


def _value(text: str | None) -> str:
    return "" if text is None else format_vn_number(Decimal(text), 2).rstrip("0").rstrip(",")


def document(item: IssuedItem, data: dict[str, Any] | None = None) -> OfficialDocument:
    """The programme or report in the Decree 30/2020 layout, built from its content."""
    data = data if data is not None else content(item)
    profile = profile_for(item.unit)
    head = [Signer("", profile.head_title)] if profile.head_title else []
    body: list[Paragraph | Table] = []
    if item.kind == PROGRAMME:
        prog = data["programme"]
        body += [Paragraph("I. NHIỆM VỤ TRỌNG TÂM", bold=True, indent=False)]
        body += _lines(prog["key_tasks"])
        body += [Paragraph("II. MỤC TIÊU, CHỈ TIÊU TIẾT KIỆM", bold=True, indent=False)]
        body.append(
            Table(
                ["STT", "Chỉ tiêu", "Loại", "Mức", "Đơn vị tính"],
                [
                    [
                        str(n),
                        t["indicator"],
                        t["kind"],
                        f"{t['comparator'].replace('<=', '≤').replace('>=', '≥')} "
                        f"{_value(t['value'])}",
                        t["unit_of_measure"],
                    ]
                    for n, t in enumerate(prog["targets"], start=1)
                ],
                widths=[8, 42, 20, 15, 15],
                numeric={0, 3},
            )
        )
        body += [Paragraph("III. GIẢI PHÁP THỰC HIỆN", bold=True, indent=False)]
        body += _lines(prog["measures"])
        body += [Paragraph("IV. TỔ CHỨC THỰC HIỆN", bold=True, indent=False)]
        body += _lines(prog["responsible_units"])
        doc_type, summary, stem = (
            "Chương trình",
            f"Thực hành tiết kiệm, chống lãng phí năm {item.year}",
            f"chuong-trinh-thtk-clp-{item.year}",
        )
    else:
        art37 = data["report"]["art37"]
        body += [Paragraph("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", bold=True, indent=False)]
        body += _texts(art37["a_direction"])
        body += [Paragraph("II. KẾT QUẢ THỰC HIỆN", bold=True, indent=False)]
        body += _texts(art37["b_results"]["narrative"])
        body.append(
            Table(
                ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"],
                [
                    [f["number"], f["indicator"], f["unit_of_measure"], _value(f["value"])]
                    for f in art37["b_results"]["figures"]
                ],
                widths=[8, 52, 20, 20],
                numeric={3},
            )
        )
        body += [Paragraph("III. TỒN TẠI, HẠN CHẾ, NGUYÊN NHÂN", bold=True, indent=False)]
        body += _texts(art37["c_shortcomings"])
        body += [Paragraph("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM TIẾP THEO", bold=True, indent=False)]
        body += _texts(art37["d_next_year"])
        if art37["other"]:
            body += [Paragraph("V. KIẾN NGHỊ, ĐỀ XUẤT", bold=True, indent=False)]
            body += _texts(art37["other"])
        doc_type, summary, stem = (
            "Báo cáo",
            f"Kết quả thực hành tiết kiệm, chống lãng phí năm {item.year}",
            f"bao-cao-thtk-clp-{item.year}",
        )
    return OfficialDocument(
        issuer=item.unit.name.upper(),
        symbol="CTr" if item.kind == PROGRAMME else "BC",
        place=profile.place or "",
        date=item.issued_on,
        doc_type=doc_type,
        summary=summary,
        body=body,
        signers=head,
        recipients=["Như trên;", "Lưu: VT."],
        filename_stem=stem,
    )


def draft(item: IssuedItem) -> Draft:
    """The publication of the item: its Art. 37 content and its document."""
    data = content(item)
    return Draft(
        item.kind,
        item.subject,
        item.title,
        item.year,
        {**data, "document": document_content(document(item, data))},
    )
