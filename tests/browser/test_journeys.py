"""End-to-end journeys in headless Chromium against the live server, on the standard cast
(thidua.testing): a reporter in the regional unit created by the 01/07/2025 merger, an
outsider who must get 404, an administrator recording a reorganisation, a reviewer searching
without diacritics, and the council secretary setting up a movement.

Vietnamese UI strings are looked up through the project's catalogue (`ui()`), so a journey
checks what a Vietnamese user really sees; `VERBATIM_VI` lists the few strings relied on
word for word. Unit names, movement titles and dates are data and are asserted literally.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from playwright.sync_api import Page, expect

from thidua.movements.models import Milestone, Movement, Phase
from thidua.org.models import OrgUnitVersion, Reorganisation
from thidua.testing import PASSWORD, Cast, build_cast

Shot = Callable[[str], Path]

VI_CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.mo"
# Relied on word for word once locale/vi is compiled (everything else goes through ui()).
VERBATIM_VI = {"Log in": "Đăng nhập", "Log out": "Đăng xuất"}
# Django's own Vietnamese catalogue: present whatever the state of locale/vi.
REQUIRED_VI = "Trường này là bắt buộc."

FIRST_TITLE = "Phong trào thi đua thực hành tiết kiệm, chống lãng phí giai đoạn 2021–2025"
FIRST_TITLE_EN = "Emulation movement on thrift and anti-waste, 2021–2025"


def ui(msgid: str, language: str = "vi") -> str:
    """The text the app renders for `msgid` in `language`. Once the Vietnamese catalogue is
    compiled, a Vietnamese lookup must really be translated (and match VERBATIM_VI)."""
    with translation.override(language):
        text = translation.gettext(msgid)
    if language == "vi" and VI_CATALOGUE.exists():
        assert text != msgid, f"{msgid!r} is not translated in locale/vi"
        assert text == VERBATIM_VI.get(msgid, text), f"{msgid!r} is now {text!r}"
    return text


@pytest.fixture
def live_cast(transactional_db: None) -> Cast:
    """The standard cast, committed so the live server's threads see it."""
    return build_cast()


@pytest.fixture
def first_movement(live_cast: Cast) -> Movement:
    return Movement.objects.create(
        code="thtk-clp-2021-2025",
        title=FIRST_TITLE,
        title_en=FIRST_TITLE_EN,
        launching_body="Bộ trưởng",
        organisation=live_cast.root,
        start_year=2021,
        end_year=2025,
    )


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("whoami")).to_contain_text(username)


def show_tree_on(page: Page, day: str) -> None:
    """Type a dd/mm/yyyy date into the tree's date form and submit it."""
    form = page.get_by_test_id("date-form")
    form.locator("input[name=date]").fill(day)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("tree-date")).to_contain_text(day)
    expect(page).to_have_url(re.compile(r"date=" + re.escape(day).replace("/", "(/|%2F)")))


@pytest.mark.browser
def test_reporter_journey(
    page: Page, shot: Shot, live_cast: Cast, first_movement: Movement
) -> None:
    if not VI_CATALOGUE.exists():
        warnings.warn(
            "locale/vi is not compiled (make messages): project UI strings were "
            "checked against their English msgids",
            stacklevel=1,
        )
    html = page.locator("html")

    # The login page is Vietnamese although the browser asks for English.
    page.goto("/accounts/login/")
    expect(html).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("login-submit")).to_have_text(ui("Log in"))
    expect(page.locator("main h1")).to_have_text(ui("Thrift and anti-waste emulation"))
    shot("login")
    page.get_by_test_id("login-submit").click()  # empty form: Vietnamese validation messages
    expect(page.locator(".invalid-feedback").first).to_have_text(REQUIRED_VI)
    shot("login-empty")

    page.locator("#id_username").fill("reporter")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    whoami = page.get_by_test_id("whoami")
    expect(whoami).to_contain_text("reporter")
    expect(whoami).to_contain_text(ui("Reporter"))
    # Home is "Việc của tôi" (issue 10); the movement plan is one click away, and the only
    # visible movement opens directly.
    expect(page.get_by_test_id("now")).to_be_visible()
    page.get_by_test_id("movement-plan").click()
    expect(page.get_by_test_id("movement-title")).to_have_text(FIRST_TITLE)
    shot("home")

    # Before the merger the reporter sees the districts its unit came from, nothing else.
    page.locator("nav a[href='/org/']").click()
    expect(page.locator("main h1")).to_contain_text(ui("Organisation tree"))
    show_tree_on(page, "30/06/2025")
    tree = page.get_by_test_id("tree")
    for code, name in (("PA-1", "Huyện A1"), ("PA-2", "Huyện A2"), ("PB-1", "Huyện B1")):
        expect(tree.locator(f"li[data-unit='{code}']")).to_contain_text(name)
    expect(tree.locator("li[data-unit='PC-1']")).to_have_count(0)
    expect(tree).not_to_contain_text("Huyện C1")
    expect(tree).not_to_contain_text("Khu vực 1")
    shot("tree-30-06-2025")

    # From the merger day: the regional unit.
    show_tree_on(page, "01/07/2025")
    expect(tree.locator("li[data-unit='PA-R1']")).to_contain_text("Khu vực 1")
    expect(tree).not_to_contain_text("Huyện A1")
    shot("tree-01-07-2025")

    # Its page: the three predecessors, and its parent province in the history table.
    tree.get_by_role("link", name="Khu vực 1").click()
    expect(page.get_by_test_id("unit-name")).to_contain_text("Khu vực 1")
    predecessors = page.get_by_test_id("predecessors")
    for name in ("Huyện A1", "Huyện A2", "Huyện B1"):
        expect(predecessors).to_contain_text(name)
    expect(page.locator("main table")).to_contain_text("Hà Giang")
    shot("unit-khu-vuc-1")

    # English and back: the page, the UI strings and bilingual data follow the choice.
    page.locator("nav a[href='/org/']").click()
    show_tree_on(page, "01/07/2025")
    logout = page.locator("form[action='/accounts/logout/'] button")
    expect(logout).to_have_text(ui("Log out"))
    page.get_by_test_id("lang-en").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("tree-date")).to_contain_text("01/07/2025")  # `next` kept
    expect(logout).to_have_text("Log out")
    expect(page.locator("main h1")).to_contain_text("Organisation tree")
    expect(whoami).to_contain_text("Reporter")
    expect(tree.locator("li[data-unit='PA-R1']")).to_contain_text("Khu vực 1")
    shot("tree-english")
    page.locator("nav a[href='/movements/']").click()
    expect(page.get_by_test_id("movement-title")).to_have_text(FIRST_TITLE_EN)
    shot("movement-english")

    page.get_by_test_id("lang-vi").click()
    expect(html).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("movement-title")).to_have_text(FIRST_TITLE)
    expect(logout).to_have_text(ui("Log out"))
    expect(whoami).to_contain_text(ui("Reporter"))
    shot("movement-vietnamese")


@pytest.mark.browser
def test_outsider_typing_a_unit_url_gets_404(page: Page, shot: Shot, live_cast: Cast) -> None:
    log_in(page, "outsider")
    response = page.goto(f"/org/unit/{live_cast.regional.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("main h1")).to_have_text(ui("Not found"))
    expect(page.locator("main")).not_to_contain_text("Khu vực 1")
    shot("regional-unit-404")
    # Nor through the tree's htmx fragment, nor its province.
    fragment = page.request.get(f"/org/unit/{live_cast.pa.pk}/children/")
    assert fragment.status == 404
    assert "Khu vực 1" not in fragment.text()
    # Its own district is fine.
    response = page.goto(f"/org/unit/{live_cast.pc1.pk}/")
    assert response is not None
    assert response.status == 200
    expect(page.get_by_test_id("unit-name")).to_contain_text("Huyện C1")
    shot("own-unit")


@pytest.mark.browser
def test_admin_expands_the_tree_and_records_a_rename(
    page: Page, shot: Shot, live_cast: Cast
) -> None:
    log_in(page, "admin")
    page.goto("/org/")
    tree = page.get_by_test_id("tree")
    expect(tree.locator("li[data-unit='ROOT']")).to_contain_text("Cơ quan trung ương")
    expect(tree.locator("li[data-unit='PA']")).to_have_count(0)
    shot("tree")

    # Expanding fetches the children with htmx: same document, no navigation.
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    page.evaluate("window.__sameDocument = true")
    page.get_by_test_id("expand-ROOT").click()
    root_children = tree.locator("li[data-unit='ROOT'] > ul")
    expect(root_children.locator("li[data-unit='PA']")).to_contain_text("Tỉnh Hà Giang")
    expect(root_children.locator("li[data-unit='PC']")).to_contain_text("Tỉnh Cà Mau")
    expect(root_children.locator("li[data-unit='PB']")).to_have_count(0)  # merged 01/07/2025
    page.get_by_test_id("expand-PA").click()
    expect(tree.locator("li[data-unit='PA'] > ul li[data-unit='PA-R1']")).to_contain_text(
        "Khu vực 1"
    )
    assert page.evaluate("window.__sameDocument") is True
    assert navigations == []
    shot("tree-expanded")

    # The province's page, then its rename form; the date is typed the Vietnamese way.
    root_children.get_by_role("link", name="Tỉnh Cà Mau").click()
    unit_name = page.get_by_test_id("unit-name")
    expect(unit_name).to_contain_text("Tỉnh Cà Mau")
    shot("unit")
    rename_url = f"/org/unit/{live_cast.pc.pk}/reorganise/rename/"
    page.get_by_test_id("reorg-actions").locator(f"a[href='{rename_url}']").click()
    events_before = Reorganisation.objects.count()
    page.locator("#id_day").fill("05/03/2026")  # 5 March, not 3 May
    page.locator("#id_new_name").fill("Tỉnh Cà Mau (mới)")
    page.locator("#id_legal_basis").fill("Quyết định số 12/QĐ-UBND")
    shot("rename-form")
    page.get_by_test_id("reorg-submit").click()
    expect(page.locator(".alert-success")).to_have_text(ui("The reorganisation was recorded."))
    expect(unit_name).to_contain_text("Tỉnh Cà Mau (mới)")
    expect(page.locator("main table")).to_contain_text("05/03/2026")
    shot("renamed")
    assert Reorganisation.objects.count() == events_before + 1
    assert OrgUnitVersion.objects.filter(
        unit=live_cast.pc, name="Tỉnh Cà Mau (mới)", valid_from=dt.date(2026, 3, 5)
    ).exists()

    # The day before the rename the page still shows the old name.
    page.locator("main form input[name=date]").fill("04/03/2026")
    page.locator("main form input[name=date]").press("Enter")
    expect(unit_name).to_contain_text("Tỉnh Cà Mau")
    expect(unit_name).not_to_contain_text("(mới)")

    # An impossible date is refused with a clear message, and nothing is recorded.
    page.goto(rename_url)
    page.locator("#id_day").fill("31/02/2026")
    page.locator("#id_new_name").fill("Tỉnh Cà Mau (sai)")
    page.get_by_test_id("reorg-submit").click()
    expect(page.locator(".invalid-feedback")).to_have_text(
        ui("Enter a real date as dd/mm/yyyy, e.g. 05/03/2025.")
    )
    expect(page.locator("#id_day")).to_have_value("31/02/2026")
    expect(page).to_have_url(re.compile(re.escape(rename_url) + "$"))
    shot("impossible-date")
    assert Reorganisation.objects.count() == events_before + 1
    assert not OrgUnitVersion.objects.filter(name="Tỉnh Cà Mau (sai)").exists()


@pytest.mark.browser
def test_reviewer_searches_without_diacritics(page: Page, shot: Shot, live_cast: Cast) -> None:
    log_in(page, "reviewer")
    page.goto("/org/search/")
    search = page.locator("main input[name=q]")
    search.fill("ha giang")  # live search through htmx
    results = page.get_by_test_id("search-results")
    expect(results.get_by_role("link", name="Tỉnh Hà Giang")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=ha(\+|%20)giang"))
    shot("ha-giang")
    page.reload()  # the pushed URL renders the same results server-side
    expect(search).to_have_value("ha giang")
    expect(results.get_by_role("link", name="Tỉnh Hà Giang")).to_be_visible()
    # A province outside the reviewer's scope is not found.
    search.fill("ca mau")
    expect(results).to_contain_text(ui("No unit matches."))
    expect(results).not_to_contain_text("Cà Mau")
    shot("ca-mau-out-of-scope")


@pytest.mark.browser
def test_secretary_sets_up_a_movement(
    page: Page, shot: Shot, live_cast: Cast, first_movement: Movement
) -> None:
    log_in(page, "secretary")
    page.goto("/movements/new/")
    page.locator("#id_code").fill("thtk-clp-2026-2030")
    page.locator("#id_title").fill("Phong trào thi đua tiết kiệm giai đoạn 2026–2030")
    page.locator("#id_title_en").fill("Thrift emulation movement, 2026–2030")
    page.locator("#id_launching_body").fill("Hội đồng Thi đua – Khen thưởng")
    page.locator("#id_organisation_code").fill("ROOT")
    page.locator("#id_start_year").fill("2026")
    page.locator("#id_end_year").fill("2030")
    shot("new-movement")
    page.get_by_test_id("movement-submit").click()
    expect(page.get_by_test_id("movement-title")).to_have_text(
        "Phong trào thi đua tiết kiệm giai đoạn 2026–2030"
    )
    expect(page.get_by_test_id("decision")).to_contain_text("Cơ quan trung ương")
    shot("created")
    movement = Movement.objects.get(code="thtk-clp-2026-2030")

    phase_form = page.locator("form[action$='/add/phase/']")
    phase_form.locator("#id_phase-number").fill("1")
    phase_form.locator("#id_phase-start_year").fill("2026")
    phase_form.locator("#id_phase-end_year").fill("2027")
    phase_form.locator("#id_phase-review").select_option("preliminary")
    phase_form.locator("#id_phase-review_year").fill("2027")
    phase_form.locator("#id_phase-description").fill("Triển khai và sơ kết")
    phase_form.locator("button").click()
    phases = page.get_by_test_id("phases")
    expect(phases).to_contain_text(ui("Phase %(n)s") % {"n": 1})
    expect(phases).to_contain_text("Triển khai và sơ kết")
    # The years themselves: see test_years_are_printed_without_grouping.
    shot("phase-added")

    milestone_form = page.locator("form[action$='/add/milestone/']")
    milestone_form.locator("#id_milestone-title").fill("Hội nghị sơ kết giai đoạn 1")
    milestone_form.locator("#id_milestone-due_date").fill("15/12/2027")
    milestone_form.locator("button").click()
    milestones = page.get_by_test_id("milestones")
    expect(milestones).to_contain_text("Hội nghị sơ kết giai đoạn 1")
    expect(milestones).to_contain_text("15/12/2027")
    shot("milestone-added")
    assert Phase.objects.filter(movement=movement, number=1, review_year=2027).count() == 1
    assert Milestone.objects.get(movement=movement).due_date == dt.date(2027, 12, 15)

    # Two movements now: the list shows both instead of opening the only one.
    page.locator("nav a[href='/movements/']").click()
    expect(page.locator("main table")).to_contain_text(FIRST_TITLE)
    expect(page.locator("main table")).to_contain_text("giai đoạn 2026–2030")
    shot("movement-list")


@pytest.mark.browser
def test_years_are_printed_without_grouping(
    page: Page, shot: Shot, live_cast: Cast, first_movement: Movement
) -> None:
    Phase.objects.create(
        movement=first_movement,
        number=1,
        start_year=2021,
        end_year=2022,
        review=Phase.Review.PRELIMINARY,
        review_year=2023,
    )
    log_in(page, "secretary")
    page.goto(f"/movements/{first_movement.pk}/")
    shot("movement")
    expect(page.get_by_test_id("decision")).to_contain_text("2021–2025", timeout=2_000)
    expect(page.get_by_test_id("phases")).to_contain_text("2021–2022", timeout=2_000)
    expect(page.get_by_test_id("phases")).to_contain_text("2023", timeout=2_000)
    page.goto("/movements/?all=1")
    expect(page.locator("main table")).to_contain_text("2021–2025", timeout=2_000)
