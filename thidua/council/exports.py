"""Plain data for the council's documents: the minutes (biên bản) of a session and a decision.
`thidua/lib/documents/` renders them in the Decree 30/2020 layout."""

from __future__ import annotations

from decimal import Decimal

from thidua.lib.dates import official_date
from thidua.lib.documents import OfficialDocument, Paragraph, Signer, Table
from thidua.lib.numbers import format_vn_number

from .models import AgendaItem, CouncilSession, Decision

ROLE_VI = {
    "chair": "Chủ tịch",
    "vice_chair": "Phó Chủ tịch",
    "member": "Ủy viên",
    "secretary": "Thư ký",
}
RESULT_VI = {"passed": "Đạt", "rejected": "Không đạt", "pending": "Chưa biểu quyết"}


def _cash_text(amount: Decimal | None) -> str:
    """An amount in đồng, or "chưa xác định" when the base salary of the day is unknown."""
    return "chưa xác định" if amount is None else format_vn_number(amount)


def _nominee(item: AgendaItem) -> str:
    proposal = item.proposal
    return str(proposal.person.full_name if proposal.person else proposal.unit)


SHORT_HEADING = 8
"""Headings up to this many characters stay on one line."""


def content_widths(columns: list[str], rows: list[list[str]], *, cap: int = 30) -> list[int]:
    """Relative column widths sized to content: a column is as wide as its longest cell (up to
    `cap` characters, longer text wraps) and never narrower than its heading: a short heading
    ("Đồng ý") on one line, a long one wrapped between words."""
    weights = []
    for index, heading in enumerate(columns):
        longest_word = max((len(word) for word in heading.split()), default=1)
        shortest_heading = len(heading) if len(heading) <= SHORT_HEADING else longest_word
        longest_cell = max((len(row[index]) for row in rows), default=0)
        weights.append(max(shortest_heading, min(longest_cell, cap)) + 2)
    total = sum(weights)
    return [max(1, round(100 * weight / total)) for weight in weights]


def _sized_table(columns: list[str], rows: list[list[str]], numeric: set[int]) -> Table:
    return Table(columns, rows, widths=content_widths(columns, rows), numeric=numeric)


def minutes_document(session: CouncilSession) -> OfficialDocument:
    """Biên bản kiểm phiếu: counts and percentages per item, over all members; no names are
    tied to votes (the ballot store has none to give)."""
    members = list(session.members.all())
    present = [m for m in members if m.present]
    absent = [m for m in members if not m.present]
    council = session.council
    body: list[Paragraph | Table] = [
        Paragraph(
            f"Hôm nay, {official_date(session.date)}, tại {session.place}, {council.name} "
            f"họp xét thi đua, khen thưởng."
        ),
        Paragraph(
            f"Tổng số thành viên Hội đồng: {len(members)}; có mặt: {len(present)}; "
            f"vắng mặt: {len(absent)} (thành viên vắng mặt biểu quyết bằng văn bản). "
            f"Điều kiện hợp lệ: có mặt từ {session.quorum_numerator}/"
            f"{session.quorum_denominator} tổng số thành viên."
        ),
        _sized_table(
            ["STT", "Họ và tên", "Chức danh trong Hội đồng", "Tham dự"],
            [
                [
                    str(index),
                    m.name,
                    ROLE_VI[m.role],
                    "Có mặt" if m.present else "Vắng mặt (biểu quyết bằng văn bản)",
                ]
                for index, m in enumerate(present + absent, 1)
            ],
            {0},
        ),
    ]
    body.append(
        Paragraph(
            "Hội đồng biểu quyết bằng phiếu kín điện tử; tỷ lệ tính trên tổng số thành viên "
            "Hội đồng (Điều 30 khoản 7 Nghị định số 98/2023/NĐ-CP). Kết quả như sau:"
        )
    )
    rows = []
    for index, item in enumerate(
        session.items.select_related("proposal__title", "proposal__person", "proposal__unit"), 1
    ):
        rows.append(
            [
                str(index),
                _nominee(item),
                item.proposal.title.name,
                str(item.agree),
                item.agree_text,
                str(item.disagree),
                str(item.abstain),
                str(item.written),
                item.threshold_text,
                RESULT_VI[item.result],
            ]
        )
    body.append(
        _sized_table(
            [
                "STT",
                "Được đề nghị",
                "Danh hiệu",
                "Đồng ý",
                "Tỷ lệ",
                "Không đồng ý",
                "Không biểu quyết",
                "Bằng văn bản",
                "Ngưỡng",
                "Kết quả",
            ],
            rows,
            {0, 3, 4, 5, 6, 7},
        )
    )
    for item in session.items.filter(consultation_ends_on__isnull=False).select_related(
        "proposal__person", "proposal__unit"
    ):
        body.append(
            Paragraph(
                f"Lấy ý kiến công khai đối với {_nominee(item)} đến hết ngày "
                f"{item.consultation_ends_on:%d/%m/%Y}."
            )
        )
    body.append(
        Paragraph("Biên bản được lập ngay sau khi kiểm phiếu và đã được thông qua tại cuộc họp./.")
    )
    chair = next((m for m in members if m.role == "chair"), None)
    secretary = next((m for m in members if m.role == "secretary"), None)
    return OfficialDocument(
        governing_body=council.unit.name,
        issuer=council.name,
        symbol="BB-HĐTĐKT",
        number=None,
        place=session.place,
        date=session.closed_on or session.date,
        doc_type="Biên bản",
        summary="Kiểm phiếu xét thi đua, khen thưởng",
        body=body,
        signers=[
            Signer(secretary.name if secretary else "", "Thư ký"),
            Signer(chair.name if chair else "", "Chủ tịch Hội đồng"),
        ],
        filename_stem=f"bien-ban-{session.date:%Y%m%d}-{session.pk}",
        keep_with_signature=1,
    )


def decision_document(decision: Decision) -> OfficialDocument:
    """Quyết định khen thưởng, Decree 30/2020 Mẫu 1.2: bases, "QUYẾT ĐỊNH:", articles, the
    awardee table with the cash, signer and "Nơi nhận"."""
    awardees = list(
        decision.awardees.select_related("proposal__title", "proposal__person", "proposal__unit")
    )
    rows = []
    total, unknown = 0, False
    for index, awardee in enumerate(awardees, 1):
        unknown = unknown or awardee.cash_amount is None
        total += int(awardee.cash_amount or 0)
        rows.append(
            [
                str(index),
                _nominee(awardee.item),
                awardee.proposal.title.name,
                str(awardee.proposal.year),
                _cash_text(awardee.cash_amount),
            ]
        )
    titles = sorted({a.proposal.title.name for a in awardees})
    body: list[Paragraph | Table] = [
        Paragraph(
            f"Tặng danh hiệu, hình thức khen thưởng {', '.join(titles)} cho "
            f"{len(awardees)} cá nhân, tập thể có tên sau:",
            lead="Điều 1.",
        ),
        Table(
            ["STT", "Họ và tên / Tập thể", "Danh hiệu", "Năm", "Tiền thưởng (đồng)"],
            rows,
            widths=[7, 33, 30, 8, 22],
            numeric={3, 4},
        ),
        Paragraph(
            (
                "Tiền thưởng tính theo mức lương cơ sở áp dụng tại ngày ký Quyết định (chưa xác "
                "định được mức lương cơ sở tại ngày này), chi từ quỹ thi đua, khen thưởng theo "
                "quy định."
            )
            if unknown
            else (
                f"Tiền thưởng tổng cộng {format_vn_number(total)} đồng, tính theo mức lương cơ sở "
                f"áp dụng tại ngày ký Quyết định, chi từ quỹ thi đua, khen thưởng theo quy định."
            ),
            lead="Điều 2.",
        ),
        Paragraph(
            "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng các đơn vị "
            "có liên quan và các cá nhân, tập thể có tên tại Điều 1 chịu trách nhiệm thi hành "
            "Quyết định này./.",
            lead="Điều 3.",
        ),
    ]
    return OfficialDocument(
        governing_body=decision.governing_body,
        issuer=decision.issuer_name,
        symbol=decision.symbol,
        number=decision.number,
        place=decision.place,
        date=decision.date,
        doc_type="Quyết định",
        summary=decision.subject,
        legal_bases=decision.legal_basis_lines,
        preamble=["Theo đề nghị của Hội đồng Thi đua - Khen thưởng."],
        enacting_line="QUYẾT ĐỊNH:",
        body=body,
        signers=[
            Signer(
                decision.signer_name,
                decision.signer_position,
                authority=decision.authority,
                authority_of=decision.authority_of,
            )
        ],
        recipients=decision.recipient_lines,
        filename_stem=f"quyet-dinh-{decision.number or 'du-thao'}-{decision.year}",
    )
