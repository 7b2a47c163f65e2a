"""A province from a clean install to an issued decision, in headless Chromium at 1366 px
(issue 15, "Checks"). No demo, no cast: the database is empty until the holder of the set-up
token creates "Ủy ban nhân dân tỉnh Tuyên Quang" on the `province` pack at /setup/.

Every step is done on a page, by the person whose job it is:
1. /setup/ with the set-up token: the body on the `province` pack and its administrator;
2. /org/io/: the tree (.csv: two departments, a ward and a unit under the ward), the staff (.xlsx);
3. /accounts/users/: six accounts linked to their staff records, each with a role;
4. /reports/: the quarterly THTK-CLP report of Sở Tài chính opened and filled by the reporter,
   submitted by the head, approved (and accepted) by the province's reviewer;
5. /evaluation/: the THTK-CLP self-assessment of Sở Tài chính, finalised by the reviewer;
6. /awards/registrations/: the registration for 2026 (submitted, approved);
   /council/reference/ → councils: the province's council and its members;
   /awards/proposals/new/: the chair's proposal (override reason), submitted;
   /council/: the session, the proposal on the agenda, the ballot, the votes, the closing;
7. the decision drafted and issued, and its .docx heading.

Assertions are on data (names, numbers, statuses) and data-testid attributes. The last check:
the number "12/QĐ-UBND" and the place "Tuyên Quang" come from the province pack's document
defaults through the body's wording, never "QĐ-VKSTC" or "Hà Nội".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document
from playwright.sync_api import Browser, Page, expect

from thidua.accounts.models import RoleAssignment, User
from thidua.awards.achievement import missing
from thidua.awards.models import Council, Proposal, Registration
from thidua.council.models import CouncilSession, Decision
from thidua.evaluation.models import Assessment
from thidua.org.body import Body
from thidua.org.models import OrgUnit, Person
from thidua.reporting.models import DataValue, Period, Report, ReportForm

from .conftest import ARTIFACTS, TIMEOUT_MS

pytestmark = pytest.mark.browser

PASSWORD = "Mat-khau-tinh-Tuyen-Quang-2026"
TOKEN = "ma-thiet-lap-tuyen-quang-2026"
BODY = "Ủy ban nhân dân tỉnh Tuyên Quang"
ROOT = "UBND-TQ"
VIEWPORT = {"width": 1366, "height": 900}

UNITS_CSV = "\n".join(
    [
        "event,date,code,name,level,parent",
        f"create,01/01/2026,SO-TC,Sở Tài chính,so,{ROOT}",
        f"create,01/01/2026,SO-NV,Sở Nội vụ,so,{ROOT}",
        f"create,01/01/2026,XA-MX,Phường Minh Xuân,xa,{ROOT}",
        "create,01/01/2026,XA-MX-TT,Trung tâm Phục vụ hành chính công phường,don-vi,XA-MX",
    ]
)
STAFF = [
    ("TQ-001", "Nguyễn Văn Hùng", ROOT, "Chủ tịch"),
    ("TQ-002", "Lê Thị Mai", ROOT, "Chánh Văn phòng"),
    ("TQ-003", "Trần Quốc Bảo", "SO-TC", "Giám đốc"),
    ("TQ-004", "Phạm Thị Lan", "SO-TC", "Chuyên viên"),
    ("TQ-005", "Hoàng Văn Nam", "SO-NV", "Giám đốc"),
    ("TQ-006", "Đỗ Thu Trang", "SO-NV", "Chuyên viên"),
    ("TQ-007", "Vũ Minh Đức", "XA-MX", "Chủ tịch"),
    ("TQ-008", "Ngô Thị Hạnh", "XA-MX-TT", "Giám đốc"),
]
STAFF_HEADER = ["Mã cán bộ", "Họ và tên", "Mã đơn vị", "Chức vụ", "Từ ngày"]
# username, staff code, role, unit of the role
USERS = [
    ("baocao", "TQ-004", "reporter", "SO-TC"),
    ("giamdoc", "TQ-003", "unit_head", "SO-TC"),
    ("thamdinh", "TQ-002", "reviewer", ROOT),
    ("chutich", "TQ-001", "unit_head", ROOT),  # the chair of the province's council
    ("uyvien", "TQ-005", "council_member", ROOT),
    ("thuky", "TQ-006", "council_secretary", ROOT),
]
OVERRIDE = "Hồ sơ xếp loại các năm trước chưa nhập vào hệ thống mới"
COUNCIL = "Hội đồng Thi đua - Khen thưởng tỉnh Tuyên Quang"
SEATS = [("TQ-001", "chair"), ("TQ-005", "member"), ("TQ-006", "secretary")]


@pytest.fixture
def clean_database(
    transactional_db: None, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("THIDUA_SETUP_TOKEN", TOKEN)


@pytest.fixture
def people(browser: Browser, live_server: Any) -> Iterator[Callable[[str], Page]]:
    """people("thuky") -> a page logged in as that user in a context of its own."""
    contexts = []
    errors: list[str] = []

    def person(username: str) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            viewport={"width": 1366, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda exc: errors.append(f"{username}: {exc}"))
        tab.goto("/accounts/login/")
        if username:
            log_in(tab, username)
        return tab

    yield person
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("whoami")).to_be_attached()


def shoot(page: Page, step: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"province-journey-{step}.png"), full_page=True)


def upload(page: Page, testid: str, file: Path) -> None:
    form = page.get_by_test_id(testid)
    form.locator("input[type=file]").set_input_files(str(file))
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.get_by_test_id("import-errors")).to_have_count(0)


def report_status(page: Page) -> Any:
    return page.locator("[data-testid=report-title] + div [data-status]")


# 1. Set-up.


def set_up_the_body(page: Page, live_server: Any) -> None:
    page.goto("/accounts/login/")
    page.get_by_test_id("setup-link").locator("a").click()
    expect(page.get_by_test_id("setup-form")).to_be_visible()
    page.locator("#id_token").fill(TOKEN)
    page.locator("#id_name").fill(BODY)
    page.locator("#id_short_name").fill(ROOT)
    page.locator("#id_seat").fill("Tuyên Quang")
    page.locator("#pack-province").check()
    page.locator("#id_admin_username").fill("quantri")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    shoot(page, "01-setup")
    page.get_by_test_id("setup-submit").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.locator("main")).to_contain_text(BODY)
    body = Body.objects.select_related("unit").get()
    assert (body.pack, body.unit.code, body.unit.name) == ("province", ROOT, BODY)
    log_in(page, "quantri")


# 2. The tree and the staff.


def import_tree_and_staff(page: Page, tmp_path: Path) -> None:
    units = tmp_path / "cay-don-vi.csv"
    units.write_text(UNITS_CSV + "\n", encoding="utf-8")
    staff = tmp_path / "can-bo.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(STAFF_HEADER)
    for code, name, unit, position in STAFF:
        sheet.append([code, name, unit, position, "01/01/2026"])
    book.save(staff)
    page.goto("/org/io/")
    upload(page, "upload-units", units)
    upload(page, "upload-people", staff)
    shoot(page, "02-imports")
    assert OrgUnit.objects.count() == 5
    assert Person.objects.filter(code__startswith="TQ-").count() == len(STAFF)
    page.goto(f"/org/unit/{OrgUnit.objects.get(code=ROOT).pk}/")
    expect(page.locator("main")).to_contain_text("Sở Tài chính")
    expect(page.locator("main")).to_contain_text("Phường Minh Xuân")


# 3. Users and roles.


def create_users(page: Page) -> None:
    names = {code: name for code, name, _unit, _position in STAFF}
    for username, code, role, unit in USERS:
        page.goto("/accounts/users/new/")
        page.locator("#id_username").fill(username)
        page.locator("#id_first_name").fill(names[code])
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_person_code").fill(code)
        page.locator("main form button[type=submit]").click()
        expect(page.get_by_test_id("roles")).to_be_attached()
        page.locator("#id_role").select_option(role)
        page.locator("#id_unit_code").fill(unit)
        page.locator("#id_valid_from").fill("01/01/2026")
        page.locator("main form.row button[type=submit]").last.click()
        expect(page.get_by_test_id("roles")).to_contain_text(unit_name(unit))
    shoot(page, "03-user")
    assert RoleAssignment.objects.filter(user__username="giamdoc", role="unit_head").exists()
    assert User.objects.get(username="thuky").person.code == "TQ-006"  # type: ignore[union-attr]


def unit_name(code: str) -> str:
    return OrgUnit.objects.get(code=code).name


# 4. The quarterly THTK-CLP report.


def quarterly_report(people: Callable[[str], Page]) -> Report:
    unit = OrgUnit.objects.get(code="SO-TC")
    form = ReportForm.objects.get(code="thtk-quy")
    period = Period.objects.get(year=2026, kind="quarter", number=3)
    reporter = people("baocao")
    reporter.locator("nav a[href='/reports/']").click()
    opener = reporter.get_by_test_id("open-report")
    reporter.wait_for_load_state("load")  # htmx (deferred) swaps the periods of the form
    opener.locator("#id_unit").select_option(str(unit.pk))
    opener.locator("#id_form").select_option(str(form.pk))
    expect(opener.locator(f"#id_period option[value='{period.pk}']")).to_be_attached()
    opener.locator("#id_period").select_option(str(period.pk))
    opener.locator("button[type=submit]").click()
    report = Report.objects.get(unit=unit, form=form, period=period)
    expect(reporter).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(report_status(reporter)).to_have_attribute("data-status", "draft")
    for code, text in [("EST_RECURRENT", "1.200"), ("SETTLE_RECURRENT", "1.150")]:
        cell = reporter.get_by_test_id(f"cell-{code}")
        with reporter.expect_response(lambda r: "/cells/" in r.url and r.request.method == "POST"):
            cell.click()
            cell.fill(text)
            cell.press("Tab")
        expect(reporter.locator(f"tr[data-code='{code}']").get_by_test_id("saved")).to_be_visible()
    reporter.reload()
    expect(reporter.get_by_test_id("value-SAVING_RATE_RECURRENT")).to_have_text("4,17")
    shoot(reporter, "04-report-filled")
    value = DataValue.objects.get(report=report, indicator__code="SETTLE_RECURRENT")
    assert value.value == Decimal("1150")

    head = people("giamdoc")
    head.goto(f"/reports/{report.pk}/")
    head.get_by_test_id("submit").click()
    head.get_by_test_id("confirm-submit").click()
    expect(report_status(head)).to_have_attribute("data-status", "submitted")

    reviewer = people("thamdinh")
    reviewer.goto(f"/reports/{report.pk}/")
    expect(reviewer.get_by_test_id("value-EST_RECURRENT")).to_have_text("1.200")
    reviewer.get_by_test_id("approve").click()
    expect(reviewer.locator(".alert-success")).to_be_visible()
    expect(reviewer.locator(".alert-danger")).to_have_count(0)
    expect(report_status(reviewer)).to_have_attribute(
        "data-status", re.compile("approved|accepted")
    )
    if reviewer.get_by_test_id("accept").count():  # the province is the top of the chain
        reviewer.get_by_test_id("accept").click()
        expect(report_status(reviewer)).to_have_attribute("data-status", "accepted")
    shoot(reviewer, "05-report-approved")
    report.refresh_from_db()
    assert report.status in {Report.Status.APPROVED, Report.Status.ACCEPTED}
    return report


# 5. The THTK-CLP assessment.


def assessment(people: Callable[[str], Page]) -> Assessment:
    unit = OrgUnit.objects.get(code="SO-TC")
    head = people("giamdoc")
    head.locator("nav a[href='/evaluation/']").click()
    head.get_by_role("link", name=unit.name).first.click()
    head.get_by_test_id("open-assessment").click()
    # 25 (A1: 4,17 % saved, from the approved report) - 10 (C2: the year's other reports are
    # overdue on a clean install; the deduction stops at its maximum of 10).
    expect(head.get_by_test_id("total")).to_have_text("15,00")
    head.wait_for_load_state("load")  # htmx (deferred) swaps the score table in place
    a4 = head.locator("tr[data-criterion=A4]")
    a4.locator("input[name=points]").fill("8")
    a4.locator("input[name=evidence_link]").fill(
        "https://tuyenquang.example/chuong-trinh-thtk-2026.pdf"
    )
    with head.expect_response(lambda r: "/score/" in r.url and r.request.method == "POST"):
        a4.locator("button").click()
    expect(head.get_by_test_id("self-total")).to_have_text("23,00")
    c1 = head.locator("tr[data-criterion=C1]")
    c1.locator("input[name=violations]").fill("0")
    with head.expect_response(lambda r: "/score/" in r.url and r.request.method == "POST"):
        c1.locator("button").click()
    expect(head.locator("tr[data-criterion=C1] input[name=violations]")).to_have_value("0")
    shoot(head, "06-assessment")
    head.get_by_test_id("submit").click()
    head.wait_for_load_state("load")
    assert head.locator(".alert-danger").count() == 0, head.locator(
        ".alert-danger"
    ).all_inner_texts()
    expect(head.get_by_test_id("submit")).to_have_count(0)
    found = Assessment.objects.get(unit=unit, year=2026)
    assert found.status == "submitted"
    reviewer = people("thamdinh")
    reviewer.goto(f"/evaluation/assessment/{found.pk}/")
    reviewer.get_by_test_id("finalise").click()
    expect(reviewer.get_by_test_id("finalise")).to_have_count(0)
    shoot(reviewer, "07-assessment-final")
    found.refresh_from_db()
    assert found.status == "final"
    return found


# 6. Registration, council, proposal, session.


def registration(people: Callable[[str], Page]) -> Registration:
    """The head of Sở Tài chính registers the unit and one of its staff for 2026 and submits;
    the reviewer of the province approves."""
    unit = OrgUnit.objects.get(code="SO-TC")
    lan = Person.objects.get(code="TQ-004")
    head = people("giamdoc")
    head.goto(f"/awards/registrations/{unit.pk}/2026/")
    head.get_by_test_id("open-registration").click()
    form = head.get_by_test_id("registration-form")
    form.locator("input[value='u:TTLDTT']").check()
    form.locator(f"input[value='{lan.pk}:CSTDCS']").check()
    head.get_by_test_id("save-registration").click()
    expect(head.locator(".alert-success")).to_be_visible()
    head.get_by_test_id("submit-registration").click()
    expect(head.get_by_test_id("registration-status")).to_have_attribute("data-status", "submitted")
    reviewer = people("thamdinh")
    reviewer.goto(f"/awards/registrations/{unit.pk}/2026/")
    reviewer.get_by_test_id("approve-registration").click()
    status = reviewer.get_by_test_id("registration-status")
    expect(status).to_have_attribute("data-status", "approved")
    shoot(reviewer, "08-registration")
    reg = Registration.objects.get(unit=unit, year=2026)
    assert reg.items.count() == 2 and reg.approved_by == User.objects.get(username="thamdinh")
    return reg


def set_up_council(page: Page) -> Council:
    page.goto("/council/reference/")
    page.get_by_test_id("section-councils").click()
    # The body's own council was made at set-up from the pack's council template.
    page.get_by_test_id("councils").get_by_role("link", name=COUNCIL).click()
    names = {code: name for code, name, _unit, _position in STAFF}
    for code, role in SEATS:
        members = page.get_by_test_id("member-form")
        person = Person.objects.get(code=code)
        members.locator("#id_person").select_option(str(person.pk))
        members.locator("#id_role").select_option(role)
        members.locator("#id_valid_from").fill("01/01/2026")
        members.locator("button[type=submit]").click()
        expect(page.get_by_test_id("members")).to_contain_text(names[code])
    shoot(page, "09-council")
    council = Council.objects.get(name=COUNCIL)
    assert council.unit.code == ROOT and council.members.count() == len(SEATS)
    return council


def proposal(people: Callable[[str], Page], council: Council) -> Proposal:
    """The chair of the province (head of the root unit and chair of the council) proposes
    Phạm Thị Lan; a clean install holds none of her past ratings, so the rules say "not
    eligible" and the chair records an override reason. The proposal is submitted."""
    unit = OrgUnit.objects.get(code="SO-TC")
    lan = Person.objects.get(code="TQ-004")
    chair = people("chutich")
    chair.goto(f"/awards/proposals/new/?unit={unit.pk}&year=2026")
    form = chair.get_by_test_id("proposal-form")
    form.locator("#id_title").select_option("CSTDCS")
    form.locator("#id_year").fill("2026")
    form.locator("#id_nominee").select_option(f"p:{lan.pk}")
    form.locator("#id_override").fill(OVERRIDE)
    chair.get_by_test_id("create-proposal").click()
    expect(chair.get_by_test_id("proposal-error")).to_have_count(0)
    expect(chair.get_by_test_id("override")).to_contain_text(OVERRIDE)
    # The reasons cite the Law and the Decree, never another body's circular.
    body_text = chair.locator("main").inner_text()
    assert "Luật 06/2022/QH15" in body_text and "VKSTC" not in body_text, body_text
    made = Proposal.objects.get(person=lan)
    if missing(made.report):  # the structured report: its required sections written first
        edit = chair.get_by_test_id("report-form-edit")
        if not edit.locator("textarea[name=duties]").input_value().strip():
            edit.locator("textarea[name=duties]").fill("Chuyên viên, thực hiện nhiệm vụ được giao.")
        if not edit.locator("textarea[name=results]").input_value().strip():
            edit.locator("textarea[name=results]").fill("Hoàn thành xuất sắc nhiệm vụ năm 2026.")
        chair.get_by_test_id("report-save").click()
        expect(chair.get_by_test_id("report-missing")).to_have_count(0)
    chair.get_by_test_id("submit-proposal").click()
    expect(chair.get_by_test_id("submit-proposal")).to_have_count(0)
    shoot(chair, "10-proposal")
    made.refresh_from_db()
    assert made.status == Proposal.Status.SUBMITTED and made.council == council
    return made


def session_votes(people: Callable[[str], Page], council: Council, made: Proposal) -> Page:
    secretary = people("thuky")
    secretary.locator("nav a[href='/council/']").click()
    new = secretary.get_by_test_id("new-session")
    new.locator("summary").click()
    new.locator("#id_council").select_option(str(council.pk))
    new.locator("#id_day").fill("01/12/2026")
    new.locator("#id_place").fill("Tuyên Quang")
    new.locator("button[type=submit]").click()
    expect(secretary.get_by_test_id("session-date")).to_have_text("01/12/2026")
    add = secretary.get_by_test_id("add-item")
    add.locator("select").select_option(str(made.pk))
    add.locator("button").click()
    expect(secretary.get_by_test_id("item-1")).to_contain_text("Phạm Thị Lan")
    secretary.get_by_test_id("open-session").click()
    session = CouncilSession.objects.get(council=council)
    for username in ("chutich", "uyvien"):
        member = people(username)
        member.goto(f"/council/sessions/{session.pk}/")
        vote(member)
    vote(secretary)
    secretary.reload()
    secretary.get_by_test_id("close-session").click()
    result = secretary.get_by_test_id("item-1").get_by_test_id("result")
    expect(result).to_contain_text("3/3")
    shoot(secretary, "11-session-closed")
    session.refresh_from_db()
    assert session.status == "closed"
    return secretary


def vote(page: Page) -> None:
    ballot = page.get_by_test_id("item-1").get_by_test_id("ballot")
    ballot.locator("input[value=agree]").check()
    ballot.get_by_role("button").click()
    expect(page.get_by_test_id("item-1").get_by_test_id("voted")).to_be_visible()


# 7. The decision.


def decision(secretary: Page) -> Decision:
    secretary.get_by_test_id("new-decision").click()
    form = secretary.get_by_test_id("decision-form")
    # Heading, symbol and place are left as the page proposes them (the body's defaults).
    expect(form.locator("#id_issuer_name")).to_have_value(BODY)
    form.locator("#id_date").fill("02/12/2026")
    form.locator("#id_authority").select_option("KT.")
    form.locator("#id_authority_of").fill("Chủ tịch")
    form.locator("#id_signer_position").fill("Phó Chủ tịch")
    form.locator("#id_signer_name").fill("Nguyễn Văn Hùng")
    form.locator("input[name=items]").first.check()
    form.locator("button[type=submit]").click()
    secretary.get_by_test_id("issue").locator("#id_number").fill("12")
    secretary.get_by_test_id("issue").get_by_role("button").click()
    expect(secretary.get_by_test_id("awardees")).to_contain_text("Phạm Thị Lan")
    shoot(secretary, "12-decision")
    issued = Decision.objects.get()
    assert issued.status == "issued"
    return issued


def decision_heading(secretary: Page, tmp_path: Path) -> list[str]:
    """The texts of the .docx heading table (issuer, number, place and date)."""
    with secretary.expect_download() as info:
        secretary.get_by_test_id("decision-docx").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    word = Document(str(path))
    return [p.text for t in word.tables for r in t.rows for c in r.cells for p in c.paragraphs]


def test_a_province_goes_from_a_clean_install_to_an_issued_decision(
    clean_database: None, people: Callable[[str], Page], live_server: Any, tmp_path: Path
) -> None:
    admin = people("")
    set_up_the_body(admin, live_server)
    import_tree_and_staff(admin, tmp_path)
    create_users(admin)
    quarterly_report(people)
    assessment(people)
    registration(people)
    council = set_up_council(admin)
    made = proposal(people, council)
    secretary = session_votes(people, council, made)
    issued = decision(secretary)
    assert issued.number == 12
    heading = decision_heading(secretary, tmp_path)
    # A name wider than its header cell is broken into lines (model.header_lines).
    assert any(BODY.upper() in " ".join(text.upper().split()) for text in heading), heading

    # Numbered from the province's own register (pack: issuer_symbol "QĐ-UBND") and dated at
    # its seat, not at the Supreme People's Procuracy in Hà Nội.
    place = next((t for t in heading if ", ngày " in t), "")
    assert not place.startswith("Hà Nội"), heading
    expect(secretary.get_by_test_id("decision-number")).to_have_text("12/QĐ-UBND")
    assert "Số: 12/QĐ-UBND" in heading, heading
    assert "Tuyên Quang, ngày 02 tháng 12 năm 2026" in heading, heading
