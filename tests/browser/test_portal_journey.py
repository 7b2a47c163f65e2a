"""The public portal in headless Chromium: a citizen opens the portal without logging in,
reads a unit's published figures and an award decision, downloads the .pdf, and the verify
page (Web Crypto: SHA-256 and Ed25519 in the browser) says "verified"; after an edited entry
or a rewritten history the same page says what does not match."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from thidua.disclosures import actions, log, merkle
from thidua.disclosures.models import LogLeaf, LogNode, Publication, TreeHead, node_key
from thidua.disclosures.sources import Draft, document_content
from thidua.lib.documents import OfficialDocument, Paragraph, Signer, Table

pytestmark = pytest.mark.browser

FIGURES = {
    "kind": "figures",
    "unit": "UBND tỉnh Tuyên Quang",
    "year": 2025,
    "quarters": [1, 2, 3, 4],
    "figures": [
        {
            "indicator": "Dự toán chi thường xuyên",
            "indicator_en": "Recurrent budget",
            "group": "Chi thường xuyên",
            "unit_of_measure": "triệu đồng",
            "legal_basis": "",
            "value": "1234567.5",
        },
        {
            "indicator": "Số tiền tiết kiệm",
            "indicator_en": "Savings",
            "group": "Chi thường xuyên",
            "unit_of_measure": "triệu đồng",
            "legal_basis": "",
            "value": "61728",
        },
    ],
}


def decision_draft() -> Draft:
    document = OfficialDocument(
        issuer="ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG",
        symbol="QĐ-UBND",
        place="Tuyên Quang",
        date=dt.date(2025, 12, 20),
        doc_type="QUYẾT ĐỊNH",
        summary="Về việc tặng Bằng khen năm 2025",
        number=7,
        body=[
            Paragraph("Tặng Bằng khen cho 01 tập thể.", lead="Điều 1."),
            Table(["STT", "Tập thể"], [["1", "Sở Tài chính"]], numeric=set()),
        ],
        signers=[Signer("Nguyễn Văn A", "Chủ tịch", "TM.", "Ủy ban nhân dân")],
        filename_stem="quyet-dinh-07",
    )
    return Draft(
        "decision",
        "decision/TQ/2025/7",
        "Quyết định 07/QĐ-UBND",
        2025,
        {"kind": "decision", "document": document_content(document)},
    )


def rebuild_and_resign() -> None:
    """What an operator holding the key would do to hide an edit: rehash every leaf, rebuild
    the tree and sign a new head."""
    nodes: dict[merkle.Node, bytes] = {}
    for leaf in LogLeaf.objects.order_by("index"):
        digest = merkle.leaf_hash(leaf.content.encode())
        LogLeaf.objects.filter(pk=leaf.pk).update(leaf_hash=digest)
        nodes[(0, leaf.index)] = digest
        for parent, left, right in merkle.parents_after_append(leaf.index):
            nodes[parent] = merkle.node_hash(nodes[left], nodes[right])
    LogNode.objects.all().delete()
    LogNode.objects.bulk_create([LogNode(key=node_key(*k), hash=v) for k, v in nodes.items()])
    TreeHead.objects.all().delete()
    log.sign_head()
    cache.clear()


def checks(page: Page) -> dict[str, str]:
    items = page.locator("#checks li")
    return {
        items.nth(i).get_attribute("data-check") or "": items.nth(i).get_attribute("data-ok") or ""
        for i in range(items.count())
    }


@pytest.fixture
def portal(transactional_db: None) -> dict[str, Publication]:
    cache.clear()
    figures = actions.publish(
        Draft(
            "figures",
            "figures/TQ/2025",
            "Số liệu THTK-CLP năm 2025: UBND tỉnh Tuyên Quang",
            2025,
            FIGURES,
        ),
        by="thuky",
    )
    decision = actions.publish(decision_draft(), by="thuky")
    return {"figures": figures, "decision": decision}


def test_a_citizen_reads_and_verifies_the_published_figures(
    page: Page, portal: dict[str, Publication], live_server: Any
) -> None:
    figures = portal["figures"]
    page.goto("/public/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("link", name=figures.title).first.click()
    expect(page.get_by_test_id("figures")).to_contain_text("1.234.567,5")
    expect(page.get_by_test_id("content-hash")).to_have_text(figures.content_hash)
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("figures")).to_contain_text("Recurrent budget")
    expect(page.get_by_test_id("figures")).to_contain_text("1,234,567.5")
    page.get_by_test_id("verify-link").click()
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-ok", "1")
    expect(page.get_by_test_id("verdict")).to_have_text("Verified")
    assert set(checks(page).values()) == {"1"}
    assert {"leaf", "content", "signature", "inclusion", "first", "consistency"} <= set(
        checks(page)
    )

    decision = portal["decision"]
    page.goto("/public/decisions/")
    page.get_by_role("link", name=decision.title).first.click()
    expect(page.get_by_test_id("decision")).to_contain_text("Sở Tài chính")
    pdf = page.request.get(f"/public/items/{decision.leaf_id}.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    page.get_by_test_id("verify-link").click()
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-ok", "1")
    expect(page.get_by_test_id("verdict")).to_have_text("Đã xác minh")


def test_the_verify_page_reports_an_edited_entry(
    page: Page, portal: dict[str, Publication]
) -> None:
    figures = portal["figures"]
    LogLeaf.objects.filter(index=figures.leaf_id).update(
        content=figures.leaf.content.replace("1234567.5", "1234567")
    )
    page.goto(f"/public/verify/{figures.leaf_id}/")
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-ok", "0")
    expect(page.get_by_test_id("verdict")).to_have_text("Không khớp")
    assert checks(page)["leaf"] == "0"


def test_the_verify_page_reports_a_rewritten_history(
    page: Page, portal: dict[str, Publication]
) -> None:
    figures = portal["figures"]
    page.goto(f"/public/verify/{figures.leaf_id}/")
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-ok", "1")  # head remembered
    anchor = LogLeaf.objects.get(index=figures.leaf_id + 1)
    LogLeaf.objects.filter(pk=anchor.pk).update(content=anchor.content.replace('"seq":', '"seq":9'))
    rebuild_and_resign()
    page.reload()
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-ok", "0")
    result = checks(page)
    assert result["inclusion"] == "1" and result["signature"] == "1"  # the new head is signed
    assert result["seen"] == "0"  # but it does not extend the head this browser saw
