"""Issue 9 item 6: the award decision's content in the form of Decree 30/2020 Mẫu 1.2
(docs/decisions/0007-decision-layout.md). The layout itself: thidua/lib/tests/
test_decision_golden.py."""

from __future__ import annotations

import datetime as dt

import pytest

from thidua.council import actions, exports
from thidua.council.models import Decision
from thidua.council.testing import World
from thidua.lib.documents import Paragraph, Table, in_full
from thidua.org.body import Body

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
        # typed short, written in full with its date and issuer
        "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định "
        "chi tiết một số điều của Luật Thi đua, khen thưởng;",
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
    # The achievements' year (the proposals', 2024), not the decision's (2025).
    assert decision.year == 2025 and "phong trào thi đua năm 2024." in article_1.text
    # Điều 3 is kept with the signature: the signature is never alone on a page.
    assert document.keep_with_signature == 1
    assert table.columns[2:4] == ["Chức vụ", "Đơn vị"]
    assert all(row[3] for row in table.rows), "every awardee has a unit"
    # 7.020.000 + 18.720.000 in figures and in words.
    assert "25.740.000 đồng (Bằng chữ: Hai mươi lăm triệu bảy trăm bốn mươi nghìn đồng)" in (
        article_2.text
    )
    assert document.signers[0].lines == ["KT. VIỆN TRƯỞNG", "PHÓ VIỆN TRƯỞNG"]
    assert document.signers[0].name == FIELDS["signer_name"]


LAW = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
TT_02_2024 = (
    "Căn cứ Thông tư số 02/2024/TT-VKSTC ngày 12 tháng 8 năm 2024 của Viện trưởng Viện kiểm sát "
    "nhân dân tối cao quy định về công tác thi đua, khen thưởng trong ngành Kiểm sát nhân dân;"
)
TT_01_2019 = (
    "Căn cứ Thông tư số 01/2019/TT-VKSTC ngày 14 tháng 5 năm 2019 của Viện trưởng Viện kiểm sát "
    "nhân dân tối cao quy định về công tác thi đua, khen thưởng trong ngành Kiểm sát nhân dân;"
)


@pytest.mark.parametrize(
    ("day", "typed", "expected"),
    [
        # In force from 01/10/2024: added after the Law and Decree lines when not typed ...
        (
            dt.date(2025, 12, 1),
            "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;\nCăn cứ Nghị định 152/2025/NĐ-CP;"
            "\nCăn cứ Quyết định số 12/QĐ-VKSTC ngày 02/01/2025 về việc thành lập Hội đồng;",
            [LAW, "152/2025/NĐ-CP ngày 14 tháng 6 năm 2025", TT_02_2024, "12/QĐ-VKSTC"],
        ),
        # ... a repealed regulation typed by mistake is replaced by the one in force ...
        (
            dt.date(2024, 12, 20),
            "Căn cứ Luật 06/2022/QH15;\nCăn cứ Nghị định 98/2023/NĐ-CP;\n"
            "Căn cứ Thông tư 01/2019/TT-VKSTC;",
            [LAW, "98/2023/NĐ-CP ngày 31 tháng 12 năm 2023", TT_02_2024],
        ),
        # ... and before 01/10/2024 TT 01/2019 is the one in force, written in full.
        (
            dt.date(2024, 6, 3),
            "Căn cứ Luật 06/2022/QH15;\nCăn cứ Nghị định 98/2023/NĐ-CP;\n"
            "Căn cứ Thông tư 01/2019/TT-VKSTC;",
            [LAW, "98/2023/NĐ-CP ngày 31 tháng 12 năm 2023", TT_01_2019],
        ),
    ],
)
@pytest.mark.django_db
def test_the_bodys_own_regulation_follows_the_decision_date(
    world: World, day: dt.date, typed: str, expected: list[str]
) -> None:
    Body.objects.update_or_create(unit=world.cast.root, defaults={"pack": "ksnd"})
    decision = Decision(
        issuer=world.cast.root, issuer_name="Viện kiểm sát nhân dân tối cao", date=day
    )
    decision.legal_bases = typed
    bases = exports.legal_bases(decision)
    assert len(bases) == len(expected)
    for line, part in zip(bases, expected, strict=True):
        assert part == line if part.startswith("Căn cứ") else part in line, bases
        assert line.endswith(";") and "ngày" in line  # every basis with its date


@pytest.mark.django_db
def test_a_regulation_without_a_number_is_never_added(world: World) -> None:
    Body.objects.update_or_create(unit=world.cast.root, defaults={"pack": "province"})
    decision = Decision(
        issuer=world.cast.root, issuer_name="Ủy ban nhân dân tỉnh", date=dt.date(2025, 12, 1)
    )
    decision.legal_bases = "Căn cứ Luật 06/2022/QH15;"
    assert exports.legal_bases(decision) == [
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
    ]


def test_an_abbreviated_issuer_is_written_in_full() -> None:
    decision = Decision(
        issuer_name="VKSND tỉnh Tuyên Quang",
        governing_body="VKSND tối cao",
        authority="KT.",
        authority_of="Viện trưởng",
        signer_position="Phó Viện trưởng",
    )
    assert exports.authority_line(decision) == (
        "VIỆN TRƯỞNG VIỆN KIỂM SÁT NHÂN DÂN TỈNH TUYÊN QUANG"
    )
    assert exports.proposal_line(decision, None) == [
        "Theo đề nghị của Viện kiểm sát nhân dân tỉnh Tuyên Quang."
    ]
    assert in_full("Hội đồng Thi đua - Khen thưởng UBND tỉnh") == (
        "Hội đồng Thi đua - Khen thưởng Ủy ban nhân dân tỉnh"
    )
    assert in_full("Viện kiểm sát nhân dân tỉnh Tuyên Quang") == (
        "Viện kiểm sát nhân dân tỉnh Tuyên Quang"
    )
