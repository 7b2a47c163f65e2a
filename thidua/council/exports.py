"""Plain data for the council's documents: the minutes (biên bản) of a session and a decision.
`thidua/lib/documents/` renders them in the Decree 30/2020 layout."""

from __future__ import annotations

import datetime as dt
import functools
import json
from decimal import Decimal
from typing import Any

from thidua.lib.dates import official_date
from thidua.lib.documents import OfficialDocument, Paragraph, Signer, Table, in_full
from thidua.lib.documents.model import text_width_mm
from thidua.lib.documents.words import dong_in_words
from thidua.lib.numbers import format_vn_number
from thidua.lib.packs import pack_file
from thidua.org.body import body_for, profile_for

from .consultation import comment_counts
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


TABLE_HEAD_PT = 11
TABLE_CELL_PT = 12
CELL_PADDING_MM = 4.5
"""The grid's cell padding (4 pt each side) and borders, in mm."""
USABLE_MM = 210 - 30 - 15


def content_widths(columns: list[str], rows: list[list[str]], *, cap: int = 30) -> list[int]:
    """Relative column widths (percent) sized to content, measured in Times metrics: no column
    is narrower than its longest heading word or its longest cell word (a short cell such as
    "≥ 80%" or "100,0%" stays on one line, a short heading such as "Đồng ý" too); the space
    left goes to the columns whose text would wrap (up to `cap` characters wide)."""
    mins, wants = [], []
    cap_mm = text_width_mm("n" * cap, TABLE_CELL_PT)
    for index, heading in enumerate(columns):
        words = heading.split() or [""]
        head_word = max(text_width_mm(w, TABLE_HEAD_PT, bold=True) for w in words)
        head_line = text_width_mm(heading, TABLE_HEAD_PT, bold=True)
        head_min = head_line if len(heading) <= SHORT_HEADING else head_word
        cells = [row[index] for row in rows]
        cell_min = max(
            (
                text_width_mm(c, TABLE_CELL_PT)
                if len(c) <= SHORT_HEADING
                else max(text_width_mm(w, TABLE_CELL_PT) for w in c.split())
                for c in cells
                if c.strip()
            ),
            default=0.0,
        )
        cell_line = max((text_width_mm(c, TABLE_CELL_PT) for c in cells), default=0.0)
        mins.append(max(head_min, cell_min) + CELL_PADDING_MM)
        wants.append(max(mins[-1], min(cell_line, cap_mm) + CELL_PADDING_MM, head_line / 2))
    if sum(wants) <= USABLE_MM:
        sizes = wants
    elif sum(mins) < USABLE_MM:
        spare, extra = USABLE_MM - sum(mins), [w - m for w, m in zip(wants, mins, strict=True)]
        sizes = [m + spare * e / sum(extra) for m, e in zip(mins, extra, strict=True)]
    else:
        sizes = mins
    total = sum(sizes)
    return [max(1, round(100 * size / total)) for size in sizes]


def _sized_table(columns: list[str], rows: list[list[str]], numeric: set[int]) -> Table:
    return Table(columns, rows, widths=content_widths(columns, rows), numeric=numeric)


def council_issuer(council_name: str, parent: str) -> str:
    """The council under its body (cell 2): "Hội đồng Thi đua - Khen thưởng" when its name
    only repeats the body's name, or its place, printed above it."""
    name, parent = in_full(council_name), in_full(parent)
    if parent and name.lower().endswith(" " + parent.lower()):
        return name[: -len(parent)].strip()
    # "… tỉnh Tuyên Quang" under "Ủy ban nhân dân tỉnh Tuyên Quang": the place is above.
    for level in ("tỉnh", "thành phố", "huyện", "xã", "phường", "khu vực"):
        marker = f" {level} "
        if marker in name.lower() and marker in parent.lower():
            tail = name[name.lower().rindex(marker) :]
            if parent.lower().endswith(tail.lower()):
                return name[: -len(tail)].strip()
    return name


def minutes_document(session: CouncilSession) -> OfficialDocument:
    """Biên bản kiểm phiếu: counts and percentages per item, over all members; no names are
    tied to votes (the ballot store has none to give)."""
    members = list(session.members.all())
    present = [m for m in members if m.present]
    absent = [m for m in members if not m.present]
    council = session.council
    body: list[Paragraph | Table] = [
        Paragraph(
            f"Hôm nay, {official_date(session.date)}, tại {session.place}, {in_full(council.name)} "
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
    consulted = list(
        session.items.filter(consultation_ends_on__isnull=False).select_related(
            "proposal__person", "proposal__unit"
        )
    )
    comments = comment_counts(consulted)
    for item in consulted:
        body.append(
            Paragraph(
                f"Lấy ý kiến công khai đối với {_nominee(item)} đến hết ngày "
                f"{item.consultation_ends_on:%d/%m/%Y}. Ý kiến góp ý trong thời gian lấy "
                f"ý kiến: {comments.get(item.pk, 0)}."
            )
        )
    body.append(
        Paragraph("Biên bản được lập ngay sau khi kiểm phiếu và đã được thông qua tại cuộc họp./.")
    )
    chair = next((m for m in members if m.role == "chair"), None)
    secretary = next((m for m in members if m.role == "secretary"), None)
    return OfficialDocument(
        governing_body=in_full(council.unit.name),
        issuer=council_issuer(council.name, council.unit.name),
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


def _placement(awardee_item: AgendaItem, day: object) -> tuple[str, str]:
    """The nominee's position and unit on the decision date (a collective: the unit that
    proposed it)."""
    proposal = awardee_item.proposal
    if proposal.person is None:
        return "", str(proposal.proposing_unit.name)
    position = (
        proposal.person.positions.filter(valid_from__lte=day, valid_to__gte=day)
        .select_related("unit")
        .order_by("-valid_from")
        .first()
    )
    if position is None:
        return "", str(proposal.proposing_unit.name)
    return position.title, str(position.unit.name)


def _count(number: int) -> str:
    """Counts in a decision take two digits: "07 cá nhân" (Phụ lục I, as in cell 3)."""
    return f"{number:02d}"


def authority_line(decision: Decision) -> str:
    """Mẫu 1.2 "THẨM QUYỀN BAN HÀNH": the head's title and the issuer's full name. The head is
    who the signer signs for (KT., Q., TL.), the signer's own position when signing in their
    own name, and the collective itself for TM."""
    issuer = in_full(decision.issuer_name)
    if decision.authority == Decision.Authority.TM:
        return issuer.upper()
    head = decision.authority_of if decision.authority else decision.signer_position
    head = head or profile_for(decision.issuer).head_title_text
    return f"{head} {issuer}".upper()


def proposal_line(decision: Decision, session: CouncilSession | None) -> list[str]:
    """ "Theo đề nghị của …" once: the clerk's own line when the bases already carry one,
    else the council's proposal (Mẫu 1.2: "Theo đề nghị của …")."""
    if any(line.startswith("Theo đề nghị") for line in decision.legal_basis_lines):
        return []
    proposer = session.council.name if session else decision.issuer_name
    return [f"Theo đề nghị của {in_full(proposer)}."]


NATIONAL_CITATIONS = {
    "06/2022/QH15": "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
    "15/2003/QH11": "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, "
    "bổ sung một số điều của Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005 và ngày 16 "
    "tháng 11 năm 2013",
    "Luật Thi đua, khen thưởng 2003": "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm "
    "2003; Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng ngày 14 tháng 6 năm "
    "2005 và ngày 16 tháng 11 năm 2013",
    "91/2017/NĐ-CP": "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31 tháng 7 năm 2017 của Chính phủ "
    "quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng",
    "98/2023/NĐ-CP": "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ "
    "quy định chi tiết thi hành một số điều của Luật Thi đua, khen thưởng",
    "152/2025/NĐ-CP": "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ "
    "quy định chi tiết một số điều của Luật Thi đua, khen thưởng",
}
"""A basis typed short ("Căn cứ Luật 06/2022/QH15;") is written in full, with its date and
issuer (Mẫu 1.2), keyed by its number."""


@functools.cache
def _pack_regulations(pack: str) -> tuple[dict[str, Any], ...]:
    path = pack_file("titles.json", pack)
    if not path.exists():
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(data.get("regulations", []))


def body_regulations(unit: Any) -> tuple[dict[str, Any], ...]:
    """The body's own regulations on emulation and awards (its pack's `regulations`: the
    sector's own circular), each with its number, validity and full citation; none without a
    body."""
    body = body_for(unit)
    return _pack_regulations(body.pack) if body is not None else ()


def _in_force(regulation: dict[str, Any], day: dt.date) -> bool:
    start = dt.date.fromisoformat(regulation["valid_from"])
    end = dt.date.fromisoformat(regulation["valid_to"]) if regulation.get("valid_to") else None
    return start <= day and (end is None or day < end)


def _full_text(text: str, regulations: tuple[dict[str, Any], ...]) -> str:
    if "ngày" in text:  # already written with its date
        return text
    for regulation in regulations:
        if regulation.get("number") and regulation["number"] in text:
            return str(regulation["citation"])
    for key, citation in NATIONAL_CITATIONS.items():
        if key in text:
            return citation
    return text


def legal_bases(decision: Decision) -> list[str]:
    """The bases as typed, each "Căn cứ …" ending in ";" (Mẫu 1.2 ends every basis with ";"),
    written in full with date and issuer when typed short; a "Theo đề nghị" line the clerk
    typed is moved to the end, ending in ".". The body's own regulation follows the one in
    force on the decision's date: a repealed one typed is dropped, the one in force is added
    after the Law and Decree lines when missing (a regulation without a number in the pack is
    never added: docs/packs.md)."""
    regulations = body_regulations(decision.issuer_id) if decision.issuer_id else ()
    day = decision.date or dt.date.min
    bases: list[str] = []
    asks = []
    for line in decision.legal_basis_lines:
        text = line.rstrip(" ;.,")
        if text.startswith("Theo đề nghị"):
            asks.append(text + ".")
            continue
        own = next((r for r in regulations if r.get("number") and r["number"] in text), None)
        if own is not None and not _in_force(own, day):
            continue
        full = _full_text(text, regulations) + ";"
        if full not in bases:
            bases.append(full)
    national = [i for i, b in enumerate(bases) if b.startswith(("Căn cứ Luật", "Căn cứ Nghị định"))]
    at = national[-1] + 1 if national else len(bases)
    for regulation in regulations:
        number = regulation.get("number")
        if number and _in_force(regulation, day) and not any(number in b for b in bases):
            bases.insert(at, str(regulation["citation"]) + ";")
            at += 1
    return bases + asks[:1]


def _years(awardees: list[Any], fallback: int) -> str:
    """The years the achievements were made in (the proposals' years, not the decision's: a
    decision of 20/01/2026 rewards the achievements of 2025)."""
    years = sorted({a.proposal.year for a in awardees})
    if not years:
        return str(fallback)
    return " và ".join(str(y) for y in years) if len(years) <= 2 else f"{years[0]}–{years[-1]}"


def decision_document(decision: Decision) -> OfficialDocument:
    """Quyết định khen thưởng, Decree 30/2020 Mẫu 1.2: authority, bases, "QUYẾT ĐỊNH:",
    articles, the awardee table with unit, position and cash (figures and words), the signer
    from the register and "Nơi nhận"."""
    awardees = list(
        decision.awardees.select_related(
            "item__proposal__title",
            "item__proposal__person",
            "item__proposal__unit",
            "item__proposal__proposing_unit",
            "proposal__title",
        )
    )
    rows = []
    total, unknown = 0, False
    people = sum(1 for a in awardees if a.proposal.person_id)
    collectives = len(awardees) - people
    for index, awardee in enumerate(awardees, 1):
        unknown = unknown or awardee.cash_amount is None
        total += int(awardee.cash_amount or 0)
        position, unit = _placement(awardee.item, decision.date)
        unit = in_full(unit)
        rows.append(
            [
                str(index),
                _nominee(awardee.item),
                position,
                unit,
                awardee.proposal.title.name,
                _cash_text(awardee.cash_amount),
            ]
        )
    titles = sorted({a.proposal.title.name for a in awardees})
    counted = []
    if people:
        counted.append(f"{_count(people)} cá nhân")
    if collectives:
        counted.append(f"{_count(collectives)} tập thể")
    cash_words = (
        "Tiền thưởng tính theo mức lương cơ sở áp dụng tại ngày ký Quyết định (chưa xác định "
        "được mức lương cơ sở tại ngày này), chi từ quỹ thi đua, khen thưởng theo quy định."
        if unknown
        else (
            f"Tiền thưởng tổng cộng {format_vn_number(total)} đồng (Bằng chữ: "
            f"{dong_in_words(total)}), tính theo mức lương cơ sở áp dụng tại ngày ký Quyết "
            f"định, chi từ quỹ thi đua, khen thưởng theo quy định."
        )
    )
    body: list[Paragraph | Table] = [
        Paragraph(
            f"Tặng {', '.join(titles)} cho {' và '.join(counted)} "
            f"(có danh sách kèm theo), đã có thành tích xuất sắc trong phong trào thi đua "
            f"năm {_years(awardees, decision.year)}.",
            lead="Điều 1.",
        ),
        Table(
            [
                "STT",
                "Họ và tên / Tập thể",
                "Chức vụ",
                "Đơn vị",
                "Danh hiệu, hình thức",
                "Tiền thưởng (đồng)",
            ],
            rows,
            widths=[6, 22, 16, 22, 18, 16],
            numeric={5},
        ),
        Paragraph(cash_words, lead="Điều 2."),
        Paragraph(
            "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng các đơn vị "
            "có liên quan và các cá nhân, tập thể có tên tại Điều 1 chịu trách nhiệm thi hành "
            "Quyết định này./.",
            lead="Điều 3.",
        ),
    ]
    return OfficialDocument(
        governing_body=in_full(decision.governing_body),
        issuer=in_full(decision.issuer_name),
        symbol=decision.symbol,
        number=decision.number,
        place=decision.place,
        date=decision.date,
        doc_type="Quyết định",
        summary=decision.subject,
        authority_line=authority_line(decision),
        legal_bases=legal_bases(decision),
        preamble=proposal_line(decision, decision.session),
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
        keep_with_signature=1,  # Điều 3 stays with the signature: never a signature alone
    )
