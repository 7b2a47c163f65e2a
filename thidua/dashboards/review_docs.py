"""The phase review as an official document (Decree 30/2020 layout, thidua/lib/documents),
with the dashboard's charts drawn by matplotlib into it. Every figure says where it came from;
reports not yet approved are listed."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal

from thidua.council.actions import document_defaults, signers_on
from thidua.lib.dates import official_date
from thidua.lib.documents import Image, OfficialDocument, Paragraph, Signer, Table, in_full
from thidua.lib.numbers import format_vn_number
from thidua.org import tree
from thidua.org.body import profile_for
from thidua.org.models import OrgUnit

from .charts import Chart
from .review import ReviewData, review_parts

SOURCE = (
    "Nguồn số liệu: tổng hợp từ {n} báo cáo định kỳ đã được duyệt của các đơn vị trong "
    "giai đoạn (trang Tổng hợp số liệu của thidua, {structure})."
)


MANY_LABELS = 12
"""Above this many categories (a sector's provinces) a chart's bars run horizontally, one
line per category, so that every name is printed level and legible."""
LONG_LABEL = 24
"""A category name longer than this (an oversight rule's title) is printed level too."""
CHART_WIDTH_IN = 6.3
"""The figure's width: the document prints it 150 mm wide (Image.width_mm), so a 10 pt label
prints at about 9.5 pt."""


def _short_labels(labels: list[str]) -> list[str]:
    """The categories without what all of them share: "UBND khu vực 1 – Tỉnh A" … →
    "Khu vực 1" … (the caption and the text name the units in full)."""
    if len(labels) < 2:
        return labels
    out = list(labels)
    tails = [label.rsplit(" – ", 1) for label in out]
    if all(len(t) == 2 for t in tails) and len({t[1] for t in tails}) == 1:
        out = [t[0] for t in tails]
    words = [label.split() for label in out]
    first = {w[0] for w in words if w}
    if len(first) == 1 and all(len(w) > 1 for w in words):
        (word,) = first
        if len(word) > 1 and word.isupper():  # a shared abbreviation: "UBND"
            out = [" ".join(w[1:]) for w in words]
            out = [label[:1].upper() + label[1:] for label in out]
    return out


def _vn_axis(axis: object, decimals: int) -> None:
    """Axis figures as the pages write them: 1.234.567,5 (never 1234567.5)."""
    from matplotlib.ticker import FuncFormatter

    def label(value: float, _pos: object) -> str:
        whole = abs(value - round(value)) < 1e-9
        return format_vn_number(Decimal(str(round(value, 6))), 0 if whole else decimals or 1)

    axis.set_major_formatter(FuncFormatter(label))  # type: ignore[attr-defined]


def chart_png(chart: Chart) -> bytes:
    """The chart as a PNG for print (matplotlib, Agg backend, Liberation Serif if installed):
    Vietnamese labels and number format, text of 9–10 pt at print size, the legend beneath the
    plot, categories with no figure (or nothing but zeros, an invisible bar) left out, many
    categories as horizontal bars. The title is the caption's (Image.caption), not repeated
    inside the picture."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    plt.rcParams["font.family"] = ["Liberation Serif", "DejaVu Serif", "serif"]
    plt.rcParams["font.size"] = 10
    keep = [
        i
        for i in range(len(chart.labels))
        if chart.kind == "doughnut" or any(d.values[i] for d in chart.datasets)
    ]
    labels = _short_labels([chart.labels[i] for i in keep])
    picked = [(d.label, [d.values[i] for i in keep]) for d in chart.datasets]
    datasets = [
        (name, values)
        for name, values in picked
        if chart.kind == "doughnut" or any(v is not None for v in values)
    ]
    count = len(datasets)
    longest = max((len(label) for label in labels), default=0)
    across = chart.kind != "doughnut" and (
        (len(labels) > MANY_LABELS and longest > 12) or longest > LONG_LABEL
    )
    names = max((len(name) for name, _v in datasets), default=0)
    columns = min(count, 4) if names <= 14 else 2 if names <= 36 else 1
    legend_rows = -(-count // columns) if count > 1 and chart.kind != "doughnut" else 0
    height = min(9.0, 1.2 + 0.16 * len(labels) * max(count, 2)) if across else 3.6
    height += 0.2 * legend_rows
    fig, ax = plt.subplots(figsize=(CHART_WIDTH_IN, height), dpi=150)
    if chart.kind == "doughnut":
        values = [float(v or 0) for v in datasets[0][1]]
        if sum(values) > 0:
            ax.pie(
                values,
                labels=labels,
                autopct=lambda pct: format_vn_number(Decimal(str(round(pct, 1))), 1) + "%",
                wedgeprops={"width": 0.45},
                textprops={"fontsize": 10},
            )
        ax.axis("equal")
    else:
        positions = list(range(len(labels)))
        width = 0.8 / max(count, 1)
        bottom = [0.0] * len(labels)
        for n, (name, raw) in enumerate(datasets):
            values = [float(v) if v is not None else 0.0 for v in raw]
            if chart.kind == "line":
                ax.plot(
                    positions,
                    [float(v) if v is not None else float("nan") for v in raw],
                    marker="o",
                    label=name,
                )
            elif across:
                shift = (n - (count - 1) / 2) * width
                if chart.stacked:
                    ax.barh(positions, values, 0.6, left=bottom, label=name)
                    bottom = [b + v for b, v in zip(bottom, values, strict=True)]
                else:
                    ax.barh([p + shift for p in positions], values, width, label=name)
            elif chart.stacked:
                ax.bar(positions, values, 0.6, bottom=bottom, label=name)
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
            else:
                shift = (n - (count - 1) / 2) * width
                ax.bar([p + shift for p in positions], values, width, label=name)
        figures = ax.xaxis if across else ax.yaxis
        if across:
            ax.set_yticks(positions, labels, fontsize=9)
            ax.invert_yaxis()  # the first unit on top, as in the tables
            ax.set_xlabel(chart.unit)
            ax.grid(axis="x", alpha=0.3)
        else:
            slanted = len(labels) > 6
            ax.set_xticks(
                positions,
                labels,
                rotation=30 if slanted else 0,
                ha="right" if slanted else "center",
                fontsize=9 if slanted else 10,
            )
            ax.set_ylabel(chart.unit)
            ax.grid(axis="y", alpha=0.3)
        if chart.decimals == 0:  # counts: whole-number ticks
            figures.set_major_locator(MaxNLocator(integer=True))
        _vn_axis(figures, chart.decimals)
        if count > 1:
            fig.legend(loc="lower center", ncol=columns, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, (0.1 + 0.2 * legend_rows) / height if legend_rows else 0, 1, 1))
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def _count(n: int) -> str:
    """A quantity as a clerk writes it: 1.023, 5, 0 (the leading zero of Phụ lục I is for
    document numbers and dates, not for counts)."""
    return format_vn_number(n, 0)


def _heading(text: str) -> Paragraph:
    """A section heading (I., II.) or a content area's (1., 2.): bold, flush left, kept with
    what follows it."""
    return Paragraph(text, bold=True, indent=False, keep_with_next=True)


def _num(value: Decimal | None, decimals: int) -> str:
    return "—" if value is None else format_vn_number(value, decimals)


def _change(values: list[Decimal | None], decimals: int) -> str:
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return "—"
    delta = known[-1] - known[0]
    sign = "+" if delta > 0 else ""
    return sign + format_vn_number(delta, decimals)


def _area_blocks(data: ReviewData) -> list[Paragraph | Table | Image]:
    blocks: list[Paragraph | Table | Image] = []
    for number, area in enumerate(data.areas, start=1):
        blocks.append(_heading(f"{number}. {area.title}"))
        if not area.rows:
            blocks.append(Paragraph("Chưa có số liệu đã duyệt cho nội dung này trong giai đoạn."))
            continue
        columns = [
            "Chỉ tiêu",
            "Đơn vị tính",
            *[str(y) for y in data.years],
            "So với đầu giai đoạn",
            "Mục tiêu của đơn vị",
        ]
        rows = []
        for ind, values in area.rows:
            d = max(ind.decimals, 1) if ind.unit == "percent" else ind.decimals
            rows.append(
                [
                    ind.name,
                    str(ind.get_unit_display()),
                    *[_num(v, d) for v in values],
                    _change(values, d),
                    area.targets.get(ind.pk, "—"),
                ]
            )
        widths = [30, 10, *[max(6, 36 // max(len(data.years), 1))] * len(data.years), 12, 12]
        blocks.append(Table(columns, rows, widths=widths, numeric=set(range(2, len(columns) - 1))))
    return blocks


FINDINGS_CHARTS = ("findings", "findings_units")
"""Drawn in section V (oversight), not among the movement's figures."""


def _chart_blocks(data: ReviewData, *, findings: bool = False) -> list[Paragraph | Table | Image]:
    blocks: list[Paragraph | Table | Image] = []
    main = [c for c in data.charts if c.key not in FINDINGS_CHARTS]
    chosen = [c for c in data.charts if c.key in FINDINGS_CHARTS] if findings else main
    first = len(main) + 1 if findings else 1
    for n, chart in enumerate(chosen, start=first):
        blocks.append(Image(chart_png(chart), caption=f"Biểu đồ {n}. {chart.title} ({chart.unit})"))
    return blocks


def _units_blocks(data: ReviewData) -> list[Paragraph | Table | Image]:
    blocks: list[Paragraph | Table | Image] = []
    if data.best:
        text = "; ".join(
            f"{name} (bình quân {format_vn_number(s, 2)} điểm)" for name, s in data.best
        )
        blocks.append(Paragraph(f"Các đơn vị dẫn đầu: {text}.", lead="-"))
    else:
        blocks.append(
            Paragraph("Chưa có kết quả chấm điểm thi đua của các đơn vị trong giai đoạn.")
        )
    if data.improved:
        text = "; ".join(
            f"{name} (tăng {format_vn_number(s, 2)} điểm)" for name, s in data.improved
        )
        blocks.append(Paragraph(f"Các đơn vị tiến bộ nhất: {text}.", lead="-"))
    elif data.best:
        blocks.append(
            Paragraph(
                "Các đơn vị tiến bộ nhất: chưa xác định (cần kết quả chấm điểm của ít nhất "
                "hai năm trong giai đoạn).",
                lead="-",
            )
        )
    if data.missed:
        blocks.append(Paragraph("Các đơn vị chưa thực hiện đầy đủ cam kết:", lead="-"))
        blocks.append(
            Table(["Đơn vị", "Nội dung"], [[a, b] for a, b in data.missed], widths=[35, 65])
        )
    else:
        blocks.append(
            Paragraph("Không có đơn vị chưa thực hiện đầy đủ cam kết trong giai đoạn.", lead="-")
        )
    return blocks


def _award_blocks(data: ReviewData) -> list[Paragraph | Table | Image]:
    found = data.awards
    if not found.by_title:
        return [Paragraph("Chưa có quyết định khen thưởng trong giai đoạn.")]
    columns = ["Danh hiệu, hình thức khen thưởng", *[str(y) for y in data.years], "Cộng"]
    rows = []
    for title in sorted(found.by_title):
        counts = [found.by_title[title].get(y, 0) for y in data.years]
        rows.append([title, *[_count(c) for c in counts], _count(sum(counts))])
    people = found.leadership + found.front_line
    share = format_vn_number(Decimal(found.leadership * 100) / people, 1) + "%" if people else "—"
    return [
        Table(
            columns,
            rows,
            widths=[40, *[10] * len(data.years), 10],
            numeric=set(range(1, len(columns))),
        ),
        Paragraph(
            f"Khen thưởng cá nhân: {_count(people)} người, trong đó {_count(found.leadership)} "
            f"người giữ chức vụ lãnh đạo, quản lý ({share}) và {_count(found.front_line)} người "
            f"trực tiếp thực hiện nhiệm vụ; khen thưởng tập thể: {_count(found.units)} lượt."
        ),
    ]


def _pending_blocks(data: ReviewData) -> list[Paragraph | Table | Image]:
    if not data.pending_reports:
        return [Paragraph("Tất cả báo cáo của giai đoạn đã được duyệt.", italic=True)]
    return [
        Paragraph(
            f"Số liệu chưa bao gồm {_count(len(data.pending_reports))} báo cáo chưa được duyệt "
            "(danh sách dưới đây); các số liệu này sẽ được cập nhật khi báo cáo được duyệt.",
            italic=True,
        ),
        Table(
            ["Đơn vị", "Kỳ báo cáo", "Trạng thái"],
            [list(r) for r in data.pending_reports],
            widths=[50, 25, 25],
        ),
    ]


def _findings_blocks(data: ReviewData) -> list[Paragraph | Table | Image]:
    """Oversight findings of the phase by rule (confirmed, open, amount at stake) and by unit."""
    found = data.findings
    if found is None:
        return [Paragraph("Chưa có kết quả kiểm tra, giám sát được ghi nhận trong giai đoạn.")]
    confirmed = sum(v[0] for v in found.by_rule.values())
    still_open = sum(v[1] for v in found.by_rule.values())
    amount = sum((v[2] for v in found.by_rule.values()), Decimal(0))
    if confirmed:
        concluded = (
            f"đã xác định {_count(confirmed)} vi phạm (số tiền liên quan "
            f"{format_vn_number(amount, 0)} đồng)"
        )
    else:
        concluded = "chưa kết luận vi phạm nào"
    pending = (
        f"{_count(still_open)} dấu hiệu đang được xem xét, làm rõ"
        if still_open
        else "không còn dấu hiệu đang xem xét"
    )
    blocks: list[Paragraph | Table | Image] = [
        Paragraph(
            f"Qua kiểm tra, giám sát trong giai đoạn {concluded}; {pending}. Chi tiết theo "
            "từng nội dung kiểm tra:"
        ),
        Table(
            ["Nội dung kiểm tra", "Đã kết luận", "Đang xem xét", "Số tiền (đồng)"],
            [
                [
                    title,
                    _count(found.by_rule[code][0]),
                    _count(found.by_rule[code][1]),
                    format_vn_number(found.by_rule[code][2], 0) if found.by_rule[code][2] else "—",
                ]
                for code, title in found.rules
            ],
            widths=[49, 17, 17, 17],
            numeric={1, 2, 3},
        ),
        *_chart_blocks(data, findings=True),
    ]
    units = [
        (in_full(data.choice.names.get(c, "")), v)
        for c in data.choice.child_ids
        if any(v := found.by_child.get(c, (0, 0)))
    ]
    if units:
        blocks.append(Paragraph("Theo đơn vị:", lead="-"))
        blocks.append(
            Table(
                ["Đơn vị", "Đã kết luận", "Đang xem xét"],
                [[name, _count(v[0]), _count(v[1])] for name, v in units],
                widths=[60, 20, 20],
                numeric={1, 2},
            )
        )
    return blocks


def _contribution_blocks(data: ReviewData, section: str) -> list[Paragraph | Table | Image]:
    """The section's text from each unit's approved phase-review report (the unit's own first);
    those not yet approved are named, their text left out."""
    code = review_parts(data.movement).get(section)
    placeholder = {
        "lessons": "(Các đơn vị bổ sung bài học kinh nghiệm rút ra trong giai đoạn.)",
        "recommendations": "(Các đơn vị bổ sung kiến nghị, đề xuất cho giai đoạn tiếp theo.)",
    }[section]
    if code is None or not data.contributions:
        return [Paragraph(placeholder, italic=True)]
    blocks: list[Paragraph | Table | Image] = []
    if section == REVIEW_FIGURES_SECTION:
        blocks.extend(_contribution_figure_blocks(data))
    for c in data.contributions:
        if not c.approved or code not in c.parts:
            continue
        text = c.parts[code][1]
        if c.own:
            blocks.extend(Paragraph(line) for line in text.splitlines() if line.strip())
        else:
            lines = [line for line in text.splitlines() if line.strip()]
            blocks.append(Paragraph(f"{c.unit_name}: {lines[0]}", lead="-"))
            blocks.extend(Paragraph(line) for line in lines[1:])
    waiting = [c for c in data.contributions if not c.approved]
    if waiting:
        names = "; ".join(f"{c.unit_name} ({c.status.lower()})" for c in waiting)
        blocks.append(
            Paragraph(
                f"Báo cáo {'sơ kết' if data.phase.review == 'preliminary' else 'tổng kết'} "
                f"của các đơn vị sau chưa được duyệt, nội dung chưa được tổng hợp: {names}.",
                italic=True,
            )
        )
    return blocks or [Paragraph(placeholder, italic=True)]


REVIEW_FIGURES_SECTION = "lessons"
"""The units' reported phase figures open the first section that presents their
contributions."""


def _contribution_figure_blocks(data: ReviewData) -> list[Paragraph | Table | Image]:
    """Each approved contribution's phase figures beside those computed from its approved
    periodic reports; a difference is marked with the unit's explanation (its comment)."""
    rows = []
    for c in data.contributions:
        if not c.approved:
            continue
        for f in c.figures:
            if f.value is None and f.computed is None:
                continue
            ind = f.indicator
            d = max(ind.decimals, 1) if ind.unit == "percent" else ind.decimals
            note = ""
            if f.differs:
                assert f.value is not None and f.computed is not None
                note = "Khác số liệu tính được (" + _change([f.computed, f.value], d) + ")"
                if f.comment:
                    note += f": {f.comment}"
            rows.append(
                [
                    c.unit_name,
                    f"{ind.name} ({ind.get_unit_display()})",
                    _num(f.value, d),
                    _num(f.computed, d),
                    note,
                ]
            )
    if not rows:
        return []
    return [
        Paragraph(
            "Số liệu giai đoạn do các đơn vị báo cáo, đối chiếu với số liệu tính từ các báo cáo "
            "định kỳ đã được duyệt của chính đơn vị:",
            lead="-",
        ),
        Table(
            ["Đơn vị", "Chỉ tiêu", "Đơn vị báo cáo", "Tính từ báo cáo định kỳ", "Ghi chú"],
            rows,
            widths=[20, 34, 14, 14, 18],
            numeric={2, 3},
        ),
    ]


def _report_symbol(decision_symbol: str) -> str:
    """The body's report symbol from its decision symbol: QĐ-UBND → BC-UBND."""
    rest = decision_symbol.removeprefix("QĐ").lstrip("-")
    return f"BC-{rest}" if rest else "BC"


def _signer(unit_id: int, head_title: str, day: dt.date) -> Signer:
    """Cells 7a–7c: the unit's signer in the register on the day (a deputy signs "KT." for the
    head), else the head's title over a space left for the name."""
    found = signers_on(unit_id, day).first()
    if found is None:
        return Signer("", head_title)
    if found.title.strip().casefold() == head_title.strip().casefold():
        return Signer(found.full_name, head_title)
    return Signer(found.full_name, found.title, authority="KT.", authority_of=head_title)


def _recipients(above: list[OrgUnit]) -> list[str]:
    """Cell 9b: a report without "Kính gửi" goes up to the unit above (the root's to the units
    below it); the last item is the archive."""
    first = f"{in_full(above[-1].name)} (để báo cáo);" if above else "Các đơn vị trực thuộc;"
    return [first, "Lưu: VT."]


def _closed(body: list[Paragraph | Table | Image]) -> list[Paragraph | Table | Image]:
    """Phụ lục I cell 6: the body ends with "./."."""
    last = body[-1] if body else None
    if isinstance(last, Paragraph) and not last.bold:
        text = last.text.rstrip()
        return [*body[:-1], replace(last, text=text.removesuffix(".") + "./.")]
    return [*body, Paragraph("./.", indent=False)]


def review_document(data: ReviewData, *, date: dt.date) -> OfficialDocument:
    """Báo cáo sơ kết (or tổng kết) of the phase for the unit, Decree 30/2020 Mẫu 1.4 (a typed
    document: Kế hoạch, Báo cáo, Tờ trình)."""
    phase = data.phase
    kind = "sơ kết" if phase.review == "preliminary" else "tổng kết"
    span = f"{phase.start_year}–{phase.end_year}"
    unit = data.choice.unit
    above = tree.ancestors(unit.pk, date)
    profile = profile_for(unit)
    symbol, place = document_defaults(unit)
    structure = (
        f"theo cơ cấu tổ chức {official_date(data.choice.mapped_to)}"
        if data.choice.mapped_to
        else "theo cơ cấu tổ chức tại thời điểm báo cáo"
    )
    stem = "so-ket" if phase.review == "preliminary" else "tong-ket"
    aims = data.movement.objectives or data.movement.title
    body: list[Paragraph | Table | Image] = [
        Paragraph(
            f"Thực hiện {data.movement.title}, {data.unit_name} báo cáo {kind} giai đoạn "
            f"{phase.number} ({span}) như sau:"
        ),
        _heading("I. MỤC ĐÍCH, YÊU CẦU CỦA PHONG TRÀO"),
        Paragraph(aims),
        _heading("II. KẾT QUẢ THỰC HIỆN CÁC NỘI DUNG CỦA PHONG TRÀO"),
        Paragraph(SOURCE.format(n=_count(data.approved_reports), structure=structure), italic=True),
        *_pending_blocks(data),
        *_area_blocks(data),
        *_chart_blocks(data),
        _heading("III. ĐƠN VỊ DẪN ĐẦU, TIẾN BỘ VÀ ĐƠN VỊ CHƯA ĐẠT CAM KẾT"),
        *_units_blocks(data),
        _heading("IV. CÔNG TÁC KHEN THƯỞNG TRONG GIAI ĐOẠN"),
        *_award_blocks(data),
        _heading("V. KẾT QUẢ KIỂM TRA, GIÁM SÁT"),
        *_findings_blocks(data),
        _heading("VI. BÀI HỌC KINH NGHIỆM"),
        *_contribution_blocks(data, "lessons"),
        _heading("VII. KIẾN NGHỊ, ĐỀ XUẤT"),
        *_contribution_blocks(data, "recommendations"),
    ]
    return OfficialDocument(
        governing_body=in_full(above[-1].name).upper() if above else "",
        issuer=data.unit_name.upper(),
        symbol=_report_symbol(symbol),
        place=place,
        date=date,
        doc_type="Báo cáo",
        summary=f"{kind.capitalize()} giai đoạn {phase.number} ({span}) phong trào thi đua "
        f"thực hành tiết kiệm, chống lãng phí",
        body=_closed(body),
        signers=[_signer(unit.pk, profile.head_title, date)],
        recipients=_recipients(above),
        filename_stem=f"bao-cao-{stem}-giai-doan-{phase.number}",
        keep_with_signature=1,
    )
