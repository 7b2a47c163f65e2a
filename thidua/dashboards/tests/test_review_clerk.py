"""The sơ kết document as an emulation-office clerk reads it (Decree 30/2020 Mẫu 1.4): the
issuing unit's own heading, symbol, place and signer; names in full; counts as counts; one
row per unit that missed a commitment; the body closed with "./."; charts fit for print."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document
from PIL import Image as PILImage

from thidua.council import actions as council
from thidua.council.models import Signer as RegisteredSigner
from thidua.dashboards import review, review_docs
from thidua.dashboards.charts import Chart, Dataset
from thidua.evaluation.models import Programme, Target
from thidua.lib.documents import Paragraph, render_docx
from thidua.movements.models import Movement, Phase
from thidua.reporting.testing import ReportingCast

from .test_dashboard import TODAY, choice
from .test_dashboard import data as data  # the fixture

pytestmark = pytest.mark.django_db


def _province_review(rc: ReportingCast) -> review.ReviewData:
    """Hà Giang's review, its unit register keeping the short names ("VKSND tỉnh …")."""
    c = rc.cast
    chosen = choice(rc, "pa", [2024, 2025], TODAY)
    short = {pk: f"VKSND {name[:1].lower()}{name[1:]}" for pk, name in chosen.names.items()}
    chosen = dataclasses.replace(chosen, names=short)
    movement = Movement.objects.get(code="thtk")
    phase = Phase.objects.get(movement=movement, number=1)
    assert c.pa.pk in chosen.names
    return review.build(chosen, movement, phase, lambda *_a: None)


def test_the_heading_symbol_place_and_signer_are_the_units_own(data: ReportingCast) -> None:
    c = data.cast
    council.save_document_settings(c.pa, symbol="QĐ-VKSHG", place="Hà Giang", by="test")
    council.save_signer(
        RegisteredSigner(
            unit=c.pa,
            full_name="Nguyễn Văn Bình",
            title="Phó Viện trưởng",
            valid_from=dt.date(2022, 1, 1),
        ),
        by="test",
    )
    document = review_docs.review_document(_province_review(data), date=TODAY)
    assert document.issuer == "VIỆN KIỂM SÁT NHÂN DÂN TỈNH HÀ GIANG"  # in full, cell 2
    assert document.governing_body == c.root.name.upper()
    assert document.symbol == "BC-VKSHG"
    assert document.place == "Hà Giang"  # not the body's "Hà Nội"
    (signer,) = document.signers
    assert signer.lines == ["KT. VIỆN TRƯỞNG", "PHÓ VIỆN TRƯỞNG"]
    assert signer.name == "Nguyễn Văn Bình"
    # A report has no "Kính gửi", so no "Như trên": it goes up to the unit above.
    assert document.recipients == [f"{c.root.name} (để báo cáo);", "Lưu: VT."]
    last = document.body[-1]
    assert isinstance(last, Paragraph) and last.text.endswith("./.")
    assert not last.text.endswith("../.")
    headings = [b for b in document.body if isinstance(b, Paragraph) and b.bold]
    assert headings and all(h.keep_with_next for h in headings)
    assert document.keep_with_signature >= 1
    text = " ".join(b.text for b in document.body if isinstance(b, Paragraph))
    assert "VKSND" not in text  # units named in full in the text
    assert "Viện kiểm sát nhân dân tỉnh Hà Giang báo cáo sơ kết" in text
    assert "GHI CHÚ VỀ SỐ LIỆU" not in text  # the note on pending reports sits in section II


def test_every_part_says_something_and_counts_read_as_counts(data: ReportingCast) -> None:
    """No empty section: a part without data says so; counts carry no leading zero and take
    the thousands dot."""
    found = _province_review(data)
    found.best = [("Viện kiểm sát nhân dân huyện A1", Decimal("80.5"))]
    found.improved = []
    found.missed = []
    found.awards = dataclasses.replace(
        found.awards,
        by_title={"Lao động tiên tiến": {2024: 1023, 2025: 7}},
        leadership=88,
        front_line=935,
    )
    document = review_docs.review_document(found, date=TODAY)
    word = Document(io.BytesIO(render_docx(document)))
    text = "\n".join(p.text for p in word.paragraphs)
    section = text[text.index("III. ĐƠN VỊ") : text.index("IV. CÔNG TÁC")]
    assert "tiến bộ nhất: chưa xác định" in section
    assert "Không có đơn vị chưa thực hiện đầy đủ cam kết" in section
    assert "Khen thưởng cá nhân: 1.023 người, trong đó 88 người" in text
    cells = [[x.text for x in row.cells] for t in word.tables for row in t.rows]
    assert ["Lao động tiên tiến", "1.023", "7", "1.030"] in cells
    oversight = text[text.index("V. KẾT QUẢ KIỂM TRA") : text.index("VI. BÀI HỌC")]
    assert "00" not in oversight


def test_a_unit_that_missed_several_targets_has_one_row(data: ReportingCast) -> None:
    c = data.cast
    indicator = data.indicators["INV_DISBURSE_RATE"]
    for year in (2024, 2025):
        programme = Programme.objects.create(unit=c.pc, year=year, status="approved")
        Target.objects.create(
            programme=programme,
            indicator=indicator,
            kind="amount",
            comparator=">=",
            value=Decimal(95),
            status="missed",
        )
    chosen = choice(data, "root", [2024, 2025], TODAY)
    movement = Movement.objects.get(code="thtk")
    phase = Phase.objects.get(movement=movement, number=1)
    found = review.build(chosen, movement, phase, lambda *_a: None)
    rows = [r for r in found.missed if r[0] == c.pc.name]
    assert rows == [(c.pc.name, f"Chưa đạt mục tiêu “{indicator.name}” các năm 2024, 2025.")]
    assert len({name for name, _what in found.missed}) == len(found.missed)


def test_charts_print_vietnamese_figures_and_a_sectors_units_level() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    review_docs._vn_axis(ax.yaxis, 1)
    formatter = ax.yaxis.get_major_formatter()
    assert formatter(12500.0, 0) == "12.500"
    assert formatter(2.5, 0) == "2,5"
    plt.close(fig)
    labels = [f"VKSND khu vực {n} – Tuyên Quang" for n in range(1, 13)]
    assert review_docs._short_labels(labels)[:2] == ["Khu vực 1", "Khu vực 2"]
    assert review_docs._short_labels(["Quý 1/2024", "Quý 2/2024"]) == ["Quý 1/2024", "Quý 2/2024"]
    provinces = [f"VKSND tỉnh Bà Rịa - Vũng Tàu {n}" for n in range(34)] + ["Vụ 1"]  # no value
    values: list[Decimal | None] = [Decimal(n) for n in range(34)] + [None]
    chart = Chart(
        "savings_units",
        "Tiết kiệm theo đơn vị",
        "bar",
        "triệu đồng",
        provinces,
        [Dataset("2025", values)],
        decimals=0,
    )
    picture = PILImage.open(io.BytesIO(review_docs.chart_png(chart)))
    width, height = picture.size
    assert height > width  # horizontal bars, one line per unit
    few = dataclasses.replace(chart, labels=provinces[:5], datasets=[Dataset("2025", values[:5])])
    width, height = PILImage.open(io.BytesIO(review_docs.chart_png(few))).size
    assert width > height


@pytest.mark.parametrize("unit", ["root", "pa"])
def test_the_heat_maps_roots_are_found_for_all_children_at_once(
    data: ReportingCast, unit: str
) -> None:
    """The batched walk back through the reorganisations gives each predecessor to the child
    that asking child by child gives it to (the first in the children's order)."""
    from thidua.dashboards import series
    from thidua.org import tree

    chosen = choice(data, unit, [2024, 2025], TODAY)
    expected = {c: c for c in chosen.child_ids}
    for child in chosen.child_ids:
        for unit_id in tree.predecessor_ids(tree.subtree_ids(child, TODAY)):
            expected.setdefault(unit_id, child)
    assert len(expected) > len(chosen.child_ids)  # the merged districts and Bắc Kạn
    assert series._heat_roots(chosen) == expected
