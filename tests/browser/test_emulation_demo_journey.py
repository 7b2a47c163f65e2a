"""The emulation issue's "Done when", end to end on the demo sector (`build_demo`: 34
provinces, ~16,000 staff, reports 2022 – 2026 Q3 and the emulation demo), in headless
Chromium, every actor in their own browser context, logged in through the login form:

    thutruong.kv1tq — head of TQ-KV01 "VKSND khu vực 1 – Tuyên Quang": registers the unit's
                      titles for the coming year, proposes an eligible nominee from the
                      CSTĐCS 2025 candidate list and submits the proposal; changes one point
                      of the unit's 2026 THTK-CLP self-assessment and submits it
    duyet.tq        — reviewer at the Tuyên Quang province, the level above: changes that
                      point with a reason and finalises; as the secretary of Tuyên Quang's
                      council, plans a session, puts the proposal on the agenda, marks
                      hoidong2.tq absent, opens the ballot, votes, enters the absent
                      member's written vote, closes the session, drafts and issues the
                      decision and downloads its .docx and .pdf
    chutich.tq, hoidong1.tq — council members: vote by secret ballot

The demo is built once, inside the test (about a minute on SQLite). Assertions are on data
(codes, names, points, numbers, dates) and data-testid attributes, never on translated
wording; screenshots go to test-artifacts/browser/emulation-demo-*.png.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from docx import Document
from playwright.sync_api import Browser, Page, expect

from thidua.accounts.models import User
from thidua.awards.models import EligibilityResult, Proposal, Registration
from thidua.council.models import (
    AgendaItem,
    BallotReceipt,
    CouncilSession,
    Decision,
    DecisionRegister,
)
from thidua.demo.build import DEMO_PASSWORD, Demo, build_demo
from thidua.evaluation.models import Assessment, Score
from thidua.lib.dates import today
from thidua.org.models import OrgUnit, Person

from .conftest import ARTIFACTS, TIMEOUT_MS

pytestmark = pytest.mark.browser

HEAD, REVIEWER = "thutruong.kv1tq", "duyet.tq"  # build.USERS
CHAIR, MEMBER, ABSENT = "chutich.tq", "hoidong1.tq", "hoidong2.tq"  # awards.COUNCIL_USERS
UNIT, PROVINCE = "TQ-KV01", "TQ"
COUNCIL = "Hội đồng Thi đua - Khen thưởng VKSND tỉnh Tuyên Quang"
EVIDENCE = "https://vks.example/tq-kv01/thtk-2026-chi-dao.pdf"
REASON = "Chưa có biên bản kiểm tra việc thực hiện chương trình THTK-CLP năm 2026"
SIGNER = "Nguyễn Văn Kiểm"
PAGE = ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin")


@pytest.fixture
def demo(transactional_db: None) -> Iterator[Demo]:
    yield build_demo()
    if connection.vendor == "sqlite":
        # The flush after a transactional test deletes table by table with the foreign keys
        # checked: ~45 s for the demo's 700,000 rows. Emptied first without the checks (the
        # tables are emptied whole, so nothing dangles), the flush has nothing left to do.
        with connection.constraint_checks_disabled(), connection.cursor() as cursor:
            for table in connection.introspection.django_table_names(only_existing=True):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


@pytest.fixture
def people(browser: Browser, live_server: Any) -> Iterator[Callable[[str], Page]]:
    """people("duyet.tq") opens a fresh browser context and logs in through the form."""
    contexts = []
    errors: list[str] = []

    def person(username: str) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
        tab.goto("/accounts/login/")
        tab.locator("#id_username").fill(username)
        tab.locator("#id_password").fill(DEMO_PASSWORD)
        tab.get_by_test_id("login-submit").click()
        user = User.objects.get(username=username)
        expect(tab.get_by_test_id("whoami")).to_contain_text(user.get_full_name())
        return tab

    yield person
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def shoot(page: Page, step: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"emulation-demo-{step}.png"), full_page=True)


def vn(value: Decimal) -> str:
    """55.5 → "55,50", as the pages show points (no thousands under 1,000)."""
    return f"{value:.2f}".replace(".", ",")


def download(page: Page, testid: str, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        page.get_by_test_id(testid).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def docx_texts(path: Path) -> list[str]:
    word = Document(str(path))
    texts = [p.text for p in word.paragraphs]
    texts += [p.text for t in word.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    return [clean(t) for t in texts if t.strip()]


def test_the_emulation_round_on_the_demo_sector(
    demo: Demo, people: Callable[[str], Page], tmp_path: Path
) -> None:
    kv1 = OrgUnit.objects.get(code=UNIT)
    day = today()
    coming = day.year + 1

    # 1. The unit head registers the unit's titles for the coming year --------------------
    head = people(HEAD)
    assert not Registration.objects.filter(unit=kv1, year=coming).exists()
    head.goto(f"/awards/registrations/{kv1.pk}/{coming}/")
    head.get_by_test_id("open-registration").click()
    form = head.get_by_test_id("registration-form")
    form.locator('input[value="u:TTLDTT"]').check()
    staff = form.locator("tr[data-person]")
    expect(staff.first).to_be_visible()
    codes = [staff.nth(i).get_attribute("data-person") for i in range(3)]
    chosen = list(Person.objects.filter(code__in=codes).order_by("code"))
    for person in chosen:
        form.locator(f'input[value="{person.pk}:LDTT"]').check()
    form.locator(f'input[value="{chosen[0].pk}:CSTDCS"]').check()
    head.get_by_test_id("save-registration").click()
    head.get_by_test_id("submit-registration").click()
    expect(head.get_by_test_id("registration-status")).to_have_attribute("data-status", "submitted")
    head.get_by_test_id("approve-registration").click()
    expect(head.get_by_test_id("registration-status")).to_have_attribute("data-status", "approved")
    shoot(head, "01-registration")
    reg = Registration.objects.get(unit=kv1, year=coming)
    assert reg.status == "approved" and reg.items.count() == 1 + len(chosen) + 1

    # ... and proposes an eligible nominee from the CSTĐCS 2025 candidate list -------------
    head.goto(f"/awards/candidates/?year=2025&title=CSTDCS&unit={kv1.pk}")
    rows = head.get_by_test_id("candidates").locator("tbody tr[data-person]")
    expect(rows.first).to_be_visible()
    taken = set(Proposal.objects.filter(year=2025).values_list("person__code", flat=True))
    code = next(
        c
        for c in (rows.nth(i).get_attribute("data-person") for i in range(rows.count()))
        if c and c not in taken
    )
    nominee = Person.objects.get(code=code)
    assert EligibilityResult.objects.filter(
        year=2025, title__code="CSTDCS", person=nominee, outcome="eligible"
    ).exists()
    head.get_by_test_id("candidates").locator(f'tr[data-person="{code}"]').get_by_role(
        "link"
    ).last.click()
    expect(head.locator("#id_nominee")).to_have_value(f"p:{nominee.pk}")
    head.get_by_test_id("create-proposal").click()
    head.get_by_test_id("submit-proposal").click()
    expect(head.get_by_test_id("submit-proposal")).to_have_count(0)
    shoot(head, "02-proposal-submitted")
    proposal = Proposal.objects.get(person=nominee, year=2025, title__code="CSTDCS")
    assert proposal.status == "submitted" and proposal.proposing_unit_id == kv1.pk
    assert proposal.council is not None and proposal.council.unit.code == PROVINCE

    # 2. The head self-assesses THTK-CLP 2026 (the demo left it a draft) and submits -------
    assessment = Assessment.objects.get(unit=kv1, year=2026)
    assert assessment.status == "draft"
    a4 = Score.objects.get(assessment=assessment, criterion__code="A4")
    assert a4.self_points is not None and a4.self_points >= 4
    assert assessment.self_total is not None
    own: Decimal = a4.self_points - 1
    self_total: Decimal = assessment.self_total - 1
    head.goto(f"/evaluation/unit/{kv1.pk}/?year=2026")
    head.get_by_test_id("assessment-summary").get_by_role("link").click()
    row = head.locator("tr[data-criterion=A4]")
    row.locator("input[name=points]").fill(vn(own))
    row.locator("input[name=evidence_link]").fill(EVIDENCE)
    row.locator("button").click()  # htmx swaps the score table
    expect(head.get_by_test_id("self-total")).to_have_text(vn(self_total))
    head.get_by_test_id("submit").click()
    expect(head.get_by_test_id("submit")).to_have_count(0)
    assessment.refresh_from_db()
    assert assessment.status == "submitted"

    # ... the level above changes a point with a reason and finalises ---------------------
    reviewer = people(REVIEWER)
    reviewer.goto(f"/evaluation/unit/{kv1.pk}/?year=2026")
    reviewer.get_by_test_id("assessment-summary").get_by_role("link").click()
    row = reviewer.locator("tr[data-criterion=A4]")
    row.locator("input[name=points]").fill(vn(own - 2))
    row.locator("input[name=reason]").fill(REASON)
    row.locator("button").click()
    expect(reviewer.get_by_test_id("total")).to_have_text(vn(self_total - 2))
    expect(reviewer.get_by_test_id("effective-A4")).to_contain_text(REASON)
    reviewer.get_by_test_id("finalise").click()
    expect(reviewer.get_by_test_id("finalise")).to_have_count(0)
    expect(reviewer.get_by_test_id("status")).to_contain_text(vn(self_total - 2))
    shoot(reviewer, "03-assessment-final")
    a4.refresh_from_db()
    assessment.refresh_from_db()
    assert (a4.self_points, a4.review_points, a4.review_reason) == (own, own - 2, REASON)
    assert assessment.status == "final" and assessment.total == self_total - 2

    # 3. The secretary plans a session of Tuyên Quang's council and puts the proposal on it --
    secretary = reviewer  # duyet.tq is also the secretary of the provincial council
    secretary.locator("nav a[href='/council/']").click()
    planner = secretary.get_by_test_id("new-session")
    planner.locator("summary").click()
    planner.locator("#id_council").select_option(label=COUNCIL)
    planner.locator("#id_day").fill(f"{day:%d/%m/%Y}")
    planner.locator("#id_place").fill("Tuyên Quang")
    planner.locator("button[type=submit]").click()
    expect(secretary.get_by_test_id("session-date")).to_have_text(f"{day:%d/%m/%Y}")
    session = CouncilSession.objects.get(council__name=COUNCIL, date=day)
    adder = secretary.get_by_test_id("add-item")
    adder.locator("select").select_option(str(proposal.pk))
    adder.get_by_role("button").click()
    item = secretary.get_by_test_id("item-1")
    expect(item).to_contain_text(nominee.full_name)
    secretary.get_by_test_id(f"toggle-{ABSENT}").click()  # away: votes in writing
    expect(secretary.get_by_test_id(f"member-{ABSENT}")).to_be_visible()
    expect(secretary.get_by_test_id("quorum")).to_be_visible()
    secretary.get_by_test_id("open-session").click()
    expect(item.get_by_test_id("ballot")).to_be_visible()
    assert session.members.filter(present=False).get().user.username == ABSENT

    # ... the members vote by secret ballot, each in their own browser ----------------------
    for username in (CHAIR, MEMBER):
        member = people(username)
        member.locator("nav a[href='/council/']").click()
        member.locator(f"a[href='/council/sessions/{session.pk}/']").click()
        ballot = member.get_by_test_id("item-1").get_by_test_id("ballot")
        ballot.locator("input[value=agree]").check()
        ballot.get_by_role("button").click()
        expect(member.get_by_test_id("item-1").get_by_test_id("voted")).to_be_visible()
        shoot(member, f"04-voted-{username}")
    ballot = item.get_by_test_id("ballot")
    ballot.locator("input[value=agree]").check()
    ballot.get_by_role("button").click()
    expect(item.get_by_test_id("voted")).to_be_visible()
    written = item.get_by_test_id(f"written-{ABSENT}")
    written.locator("select").select_option("agree")
    written.get_by_role("button").click()
    expect(item.get_by_test_id(f"written-{ABSENT}")).to_have_count(0)
    assert BallotReceipt.objects.filter(session=session).count() == 4
    assert BallotReceipt.objects.filter(session=session, member__present=False).count() == 1

    secretary.reload()
    secretary.get_by_test_id("close-session").click()
    result = secretary.get_by_test_id("item-1").get_by_test_id("result")
    expect(result).to_contain_text("4/4")
    shoot(secretary, "05-session-closed")
    agenda = AgendaItem.objects.get(session=session)
    assert agenda.result == "passed" and (agenda.agree, agenda.written) == (4, 1)

    # 4. The secretary drafts and issues the decision -------------------------------------
    before = set(Decision.objects.values_list("pk", flat=True))
    province = OrgUnit.objects.get(code=PROVINCE)
    register = DecisionRegister.objects.filter(issuer=province, year=day.year).first()
    next_number = register.next_number if register else 1  # after the demo's 05/QĐ-VKSTQ
    secretary.get_by_test_id("new-decision").click()
    form = secretary.get_by_test_id("decision-form")
    form.locator("#id_date").fill(f"{day:%d/%m/%Y}")
    form.locator("#id_governing_body").fill("Viện kiểm sát nhân dân tối cao")
    form.locator("#id_symbol").fill("QĐ-VKSTQ")
    form.locator("#id_place").fill("Tuyên Quang")
    form.locator("#id_subject").fill("Về việc tặng danh hiệu Chiến sĩ thi đua cơ sở năm 2025")
    form.locator("#id_authority").select_option("KT.")
    form.locator("#id_authority_of").fill("Viện trưởng")
    form.locator("#id_signer_position").fill("Phó Viện trưởng")
    form.locator("#id_signer_name").fill(SIGNER)
    form.locator("input[name=items]").first.check()
    form.locator("button[type=submit]").click()
    secretary.get_by_test_id("issue").get_by_role("button").click()  # next number of the register
    decision = Decision.objects.exclude(pk__in=before).get()
    assert decision.status == "issued" and decision.number is not None
    number = f"{decision.number:02d}/QĐ-VKSTQ"
    assert decision.number == next_number and decision.number_text == number
    expect(secretary.get_by_test_id("decision-number")).to_have_text(number)
    expect(secretary.get_by_test_id("awardees")).to_contain_text(nominee.full_name)
    shoot(secretary, "06-decision-issued")
    proposal.refresh_from_db()
    assert proposal.status == "awarded"

    # ... and the files are what a clerk checks ---------------------------------------------
    official_date = f"Tuyên Quang, ngày {day:%d} tháng {day:%m} năm {day:%Y}"
    expected = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {number}",
        official_date,
    ]
    docx = download(secretary, "decision-docx", tmp_path)
    texts = docx_texts(docx)
    for text in expected:
        assert text in texts, (text, texts[:12])
    assert any(nominee.full_name in t for t in texts)
    word = Document(str(docx))
    assert word.styles["Normal"].font.name == "Times New Roman"
    fonts = {
        run.font.name
        for paragraph in word.paragraphs
        for run in paragraph.runs
        if run.font.name is not None
    }
    assert fonts <= {"Times New Roman"}, fonts
    for section in word.sections:
        mm = {name: round(getattr(section, name).mm) for name in PAGE}
        assert (mm["page_width"], mm["page_height"]) == (210, 297), mm  # A4
        # Decree 30/2020 Phụ lục I §I: top and bottom 20–25, left 30–35, right 15–20 mm
        assert 20 <= mm["top_margin"] <= 25 and 20 <= mm["bottom_margin"] <= 25, mm
        assert 30 <= mm["left_margin"] <= 35 and 15 <= mm["right_margin"] <= 20, mm

    pdf = download(secretary, "decision-pdf", tmp_path)
    text = clean(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    for line in [*expected, nominee.full_name]:
        assert clean(line) in text, line
    listing = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing, "no fonts in the PDF"
    for font in listing:
        assert font.split()[-5] == "yes", f"font not embedded: {font}"
