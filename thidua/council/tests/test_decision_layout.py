"""Issue 9 item 6: the award decision's content in the form of Decree 30/2020 Mẫu 1.2
(docs/decisions/0007-decision-layout.md). The layout itself: thidua/lib/tests/
test_decision_golden.py."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.council import actions, exports
from thidua.council.models import Decision
from thidua.council.testing import World
from thidua.lib.documents import Paragraph, Table

from .test_decisions import FIELDS, _closed_session, _decision


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Law 06/2022 (effective 01/01/2024) with Decree 98/2023 until 30/06/2025 ...
        (
            dt.date(2025, 6, 30),
            ["Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022", "98/2023/NĐ-CP"],
        ),
        # ... and Decree 152/2025 of 14/06/2025 from 01/07/2025.
        (
            dt.date(2025, 7, 1),
            ["Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022", "152/2025/NĐ-CP"],
        ),
    ],
)
def test_the_default_bases_follow_the_decision_date(day: dt.date, expected: list[str]) -> None:
    bases = actions.default_legal_bases(day)
    assert len(bases) == len(expected)
    for line, part in zip(bases, expected, strict=True):
        assert line.startswith("Căn cứ ") and part in line and line.endswith(";")


@pytest.mark.parametrize(
    ("authority", "authority_of", "position", "line"),
    [
        (
            "KT.",
            "Viện trưởng",
            "Phó Viện trưởng",
            "VIỆN TRƯỞNG VIỆN KIỂM SÁT NHÂN DÂN TỈNH TUYÊN QUANG",
        ),
        ("", "", "Viện trưởng", "VIỆN TRƯỞNG VIỆN KIỂM SÁT NHÂN DÂN TỈNH TUYÊN QUANG"),
        ("TM.", "Ủy ban nhân dân", "Chủ tịch", "VIỆN KIỂM SÁT NHÂN DÂN TỈNH TUYÊN QUANG"),
    ],
)
def test_the_authority_line_names_the_head_and_the_full_issuer(
    authority: str, authority_of: str, position: str, line: str
) -> None:
    decision = Decision(
        issuer_name="Viện kiểm sát nhân dân tỉnh Tuyên Quang",
        authority=authority,
        authority_of=authority_of,
        signer_position=position,
    )
    assert exports.authority_line(decision) == line


def test_bases_end_in_a_semicolon_and_the_proposal_line_comes_once() -> None:
    decision = Decision(
        issuer_name="Ủy ban nhân dân tỉnh Tuyên Quang",
        legal_bases=(
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022\n"
            "Căn cứ Nghị định số 152/2025/NĐ-CP.\n"
            "Theo đề nghị của Giám đốc Sở Nội vụ;"
        ),
    )
    assert exports.legal_bases(decision) == [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "Căn cứ Nghị định số 152/2025/NĐ-CP;",
        "Theo đề nghị của Giám đốc Sở Nội vụ.",
    ]
    assert exports.proposal_line(decision, None) == []


def test_the_decision_reads_as_mau_1_2(world: World) -> None:
    session = _closed_session(world)
    decision = actions.issue_decision(_decision(world, session), by=world.secretary, number=7)
    document = exports.decision_document(decision)
    assert document.issuer == FIELDS["issuer_name"]
    assert document.authority_line == "VIỆN TRƯỞNG VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO"
    assert all(line.endswith(";") for line in document.legal_bases)
    assert document.preamble == [f"Theo đề nghị của {session.council.name}."]
    article_1, table, article_2 = document.body[0], document.body[1], document.body[2]
    assert isinstance(article_1, Paragraph) and isinstance(table, Table)
    assert isinstance(article_2, Paragraph)
    people = sum(1 for a in decision.awardees.all() if a.proposal.person_id)
    collectives = decision.awardees.count() - people
    counted = [
        f"{n:02d} {what}" for n, what in ((people, "cá nhân"), (collectives, "tập thể")) if n
    ]
    assert " và ".join(counted) in article_1.text
    assert table.columns[2:4] == ["Chức vụ", "Đơn vị"]
    assert all(row[3] for row in table.rows), "every awardee has a unit"
    # 7.020.000 + 18.720.000 in figures and in words.
    assert "25.740.000 đồng (Bằng chữ: Hai mươi lăm triệu bảy trăm bốn mươi nghìn đồng)" in (
        article_2.text
    )
    assert document.signers[0].lines == ["KT. VIỆN TRƯỞNG", "PHÓ VIỆN TRƯỞNG"]
    assert document.signers[0].name == FIELDS["signer_name"]
