"""The administrator's councils, members, titles and rule versions: within the body (another
body's council answers 404, a member must be one of the body's staff), every change audited,
bad input refused with a message and nothing written, history kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.audit.models import AuditEvent
from thidua.awards.models import Council, CouncilMember, Title, TitleRule
from thidua.lib.dates import OPEN_END
from thidua.org import actions
from thidua.org.actions import NewUnit
from thidua.org.models import OrgLevel, OrgUnit, Person, Position
from thidua.testing import PASSWORD, START

COUNCILS = "/awards/reference/councils/"
TITLES = "/awards/reference/titles/"


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies["thidua_language"] = "en"
    return client


def staff(code: str, name: str, unit: OrgUnit) -> Person:
    person = Person.objects.create(code=code, full_name=name)
    Position.objects.create(person=person, unit=unit, title="Chuyên viên", valid_from=START)
    User.objects.create_user(username=code.lower(), password=PASSWORD, person=person)
    return person


@pytest.fixture
def other(cast):
    """A second body: its root, a council, a member of its staff and its administrator."""
    root = actions.create_unit(NewUnit("SO", "Sở Tài chính", cast.levels["top"], None), day=START)
    council = Council.objects.create(unit=root, name="Hội đồng của Sở")
    admin = User.objects.create_user(username="so-admin", password=PASSWORD)
    RoleAssignment.objects.create(user=admin, role=Role.ADMIN, unit=root, valid_from=START)
    return {"root": root, "council": council, "admin": admin, "person": staff("S1", "Lê Sở", root)}


@pytest.fixture
def admin_client(cast, client: Client) -> Client:
    client.force_login(cast.admin)
    return client


def test_other_roles_get_403(cast, client: Client, other) -> None:
    client.force_login(cast.reviewer)
    for url in (COUNCILS, f"{COUNCILS}{other['council'].pk}/", TITLES, f"{TITLES}new/"):
        assert client.get(url).status_code == 403
    assert client.post(f"{COUNCILS}new/", {"unit": cast.pa.pk, "name": "X"}).status_code == 403
    assert Council.objects.count() == 1


def test_another_bodys_council_answers_404(cast, admin_client: Client, other) -> None:
    assert other["council"].name not in admin_client.get(COUNCILS).content.decode()
    assert admin_client.get(f"{COUNCILS}{other['council'].pk}/").status_code == 404
    url = f"{COUNCILS}{other['council'].pk}/members/"
    data = {"person": other["person"].pk, "role": "member", "valid_from": "01/01/2026"}
    assert admin_client.post(url, data).status_code == 404
    # ... and a council cannot be added to another body's unit.
    page = admin_client.post(f"{COUNCILS}new/", {"unit": other["root"].pk, "name": "Lạ"})
    assert page.status_code == 200 and "valid choice" in page.content.decode()
    assert Council.objects.count() == 1
    assert not CouncilMember.objects.exists()


def test_add_a_council_and_members_then_end_a_term(cast, admin_client: Client, other) -> None:
    chair = staff("P1", "Nguyễn Văn Chủ", cast.pa)
    member = staff("P2", "Trần Thị Viên", cast.pc)
    response = admin_client.post(f"{COUNCILS}new/", {"unit": cast.pa.pk, "name": "Hội đồng tỉnh"})
    council = Council.objects.get(name="Hội đồng tỉnh")
    assert response.status_code == 302 and council.unit == cast.pa
    url = f"{COUNCILS}{council.pk}/members/"
    form = admin_client.get(f"{COUNCILS}{council.pk}/").content.decode()
    assert "Nguyễn Văn Chủ" in form and "Lê Sở" not in form
    ok = admin_client.post(url, {"person": chair.pk, "role": "chair", "valid_from": "01/01/2026"})
    assert ok.status_code == 302
    ok = admin_client.post(url, {"person": member.pk, "role": "member", "valid_from": "01/01/2026"})
    assert ok.status_code == 302
    seat = CouncilMember.objects.get(person=member)
    assert seat.user == member.user and seat.valid_to == OPEN_END
    # A second chair while the first sits, and a person of another body, are refused.
    page = admin_client.post(
        url, {"person": member.pk, "role": "chair", "valid_from": "01/02/2026"}
    )
    assert page.status_code == 400 and "already sits" in page.content.decode()
    outsider = {"person": other["person"].pk, "role": "member", "valid_from": "01/01/2026"}
    page = admin_client.post(url, outsider)
    assert page.status_code == 400 and "valid choice" in page.content.decode()
    assert CouncilMember.objects.count() == 2
    # Ending a term keeps it as history.
    end = f"{COUNCILS}{council.pk}/members/{seat.pk}/end/"
    page = admin_client.post(end, {"day": "01/01/2025"})
    assert page.status_code == 400 and "can only end after" in page.content.decode()
    assert admin_client.post(end, {"day": "01/07/2026"}).status_code == 302
    seat.refresh_from_db()
    assert seat.valid_to == dt.date(2026, 7, 1)
    assert CouncilMember.objects.count() == 2
    assert list(
        AuditEvent.objects.filter(object_type="awards.council").values_list("action", flat=True)
    ) == [
        "awards.council.create",
        "awards.council.member.add",
        "awards.council.member.add",
        "awards.council.member.end",
    ]


def test_the_other_bodys_admin_sees_only_its_own(cast, client: Client, other) -> None:
    Council.objects.create(unit=cast.pa, name="Hội đồng tỉnh")
    client.force_login(other["admin"])
    page = client.get(COUNCILS).content.decode()
    assert "Hội đồng của Sở" in page and "Hội đồng tỉnh" not in page


@pytest.fixture
def title(db: None) -> Title:
    title = Title.objects.create(code="LDTT", name="Lao động tiên tiến", subject="individual")
    TitleRule.objects.create(
        title=title,
        valid_from=dt.date(2023, 8, 15),
        legal_basis="Nghị định 98/2023/NĐ-CP",
        vote_threshold=Decimal("0.5"),
        cash_multiple=Decimal("0.3"),
        confidence="medium",
    )
    return title


def rule_data(**values: str) -> dict[str, str]:
    data = {
        "legal_basis": "Nghị định 152/2025/NĐ-CP",
        "confidence": "high",
        "vote_threshold": "",
        "cash_multiple": "0,3",
        "share_threshold": "",
        "share_comparator": "ge",
        "quota_share": "",
        "quota_minimum": "",
        "consultation_working_days": "",
        "note": "",
    }
    data.update(values)
    return data


def test_titles_list_their_rule_versions(cast, admin_client: Client, title: Title) -> None:
    page = admin_client.get(TITLES).content.decode()
    assert "Lao động tiên tiến" in page and "15/08/2023" in page
    assert "≥ 50,0%" in page
    assert "legal basis not yet checked" in page
    assert "LDTT" not in page


def test_edit_a_rule_and_add_a_version(cast, admin_client: Client, title: Title) -> None:
    rule = title.rules.get()
    data = rule_data(vote_threshold="90", quota_share="15,5", consultation_working_days="5")
    assert admin_client.post(f"/awards/reference/rules/{rule.pk}/", data).status_code == 302
    rule.refresh_from_db()
    assert rule.vote_threshold == Decimal("0.900")
    assert rule.quota_share == Decimal("0.155")
    assert rule.consultation_working_days == 5
    data = rule_data(valid_from="01/01/2026", vote_threshold="70", cash_multiple="0,5")
    assert admin_client.post(f"{TITLES}{title.pk}/rules/new/", data).status_code == 302
    rule.refresh_from_db()
    assert rule.valid_to == dt.date(2026, 1, 1)
    new = title.rules.get(valid_from=dt.date(2026, 1, 1))
    assert (new.vote_threshold, new.cash_multiple, new.valid_to) == (
        Decimal("0.700"),
        Decimal("0.5"),
        OPEN_END,
    )
    assert title.rule_on(dt.date(2026, 6, 1)) == new
    actions_done = set(
        AuditEvent.objects.filter(object_type="awards.titlerule").values_list("action", flat=True)
    )
    assert actions_done == {
        "awards.title.rule.update",
        "awards.title.rule.close",
        "awards.title.rule.create",
    }


def test_bad_rule_input_writes_nothing(cast, admin_client: Client, title: Title) -> None:
    rule = title.rules.get()
    page = admin_client.post(f"/awards/reference/rules/{rule.pk}/", rule_data(vote_threshold="150"))
    assert page.status_code == 400 and "at most 100%" in page.content.decode()
    page = admin_client.post(f"/awards/reference/rules/{rule.pk}/", rule_data(vote_threshold="9x"))
    assert page.status_code == 400 and "Write a number" in page.content.decode()
    same_day = rule_data(valid_from="15/08/2023")
    page = admin_client.post(f"{TITLES}{title.pk}/rules/new/", same_day)
    assert page.status_code == 400 and "already begins on 15/08/2023" in page.content.decode()
    rule.refresh_from_db()
    assert rule.vote_threshold == Decimal("0.5") and rule.valid_to == OPEN_END
    assert title.rules.count() == 1
    assert not AuditEvent.objects.filter(object_type="awards.titlerule").exists()


def test_add_a_title(cast, admin_client: Client) -> None:
    form = admin_client.get(f"{TITLES}new/").content.decode()
    if not hasattr(Title, "law_title"):
        assert 'data-testid="placeholder"' in form
    data = {
        "name": "Chiến sĩ thi đua cấp tỉnh",
        "name_en": "",
        "short_name": "CSTĐ tỉnh",
        "subject": "individual",
        "kind": "title",
        "yearly": "on",
        "sort_order": "3",
    }
    response = admin_client.post(f"{TITLES}new/", data)
    title = Title.objects.get(name="Chiến sĩ thi đua cấp tỉnh")
    assert response.status_code == 302 and response["Location"].endswith(f"{title.pk}/rules/new/")
    page = admin_client.post(f"{TITLES}new/", data)
    assert "already exists" in page.content.decode()
    assert Title.objects.count() == 1
    assert AuditEvent.objects.filter(action="awards.title.create").count() == 1


def test_a_version_between_two_ends_where_the_next_begins(
    cast, admin_client: Client, title: Title
) -> None:
    first = title.rules.get()
    url = f"{TITLES}{title.pk}/rules/new/"
    assert admin_client.post(url, rule_data(valid_from="01/01/2026")).status_code == 302
    assert admin_client.post(url, rule_data(valid_from="01/01/2025")).status_code == 302
    periods = list(title.rules.order_by("valid_from").values_list("valid_from", "valid_to"))
    assert periods == [
        (first.valid_from, dt.date(2025, 1, 1)),
        (dt.date(2025, 1, 1), dt.date(2026, 1, 1)),
        (dt.date(2026, 1, 1), OPEN_END),
    ]
    # The new version starts from the values of the latest one.
    form = admin_client.get(url).content.decode()
    assert 'value="Nghị định 152/2025/NĐ-CP"' in form


# Councils from the sector pack's template (councils.json)


@pytest.fixture
def pack_levels(cast):
    """The cast's levels under the codes of the ksnd pack, whose templates name them."""
    OrgLevel.objects.filter(code="top").update(code="toi-cao")
    OrgLevel.objects.filter(code="province").update(code="cap-tinh")
    for unit in (cast.root, cast.pa, cast.pc):
        unit.refresh_from_db()
        unit.level.refresh_from_db()
    return cast


def test_create_councils_from_the_pack_template(pack_levels, admin_client: Client) -> None:
    cast = pack_levels
    page = admin_client.get(COUNCILS).content.decode()
    assert "Create the council from the pack's template" in page
    assert "Hội đồng Thi đua - Khen thưởng Tỉnh Hà Giang" in page
    assert "Hội đồng Thi đua - Khen thưởng ngành Kiểm sát nhân dân" in page
    url = f"{COUNCILS}from-template/"
    assert admin_client.post(url, {"unit": cast.pa.pk}).status_code == 302
    council = Council.objects.get()
    assert (
        council.unit == cast.pa and council.name == "Hội đồng Thi đua - Khen thưởng Tỉnh Hà Giang"
    )
    assert not council.members.exists()
    # Idempotent: the same unit again creates nothing; "all" creates the others once.
    assert admin_client.post(url, {"unit": cast.pa.pk}).status_code == 302
    assert Council.objects.count() == 1
    assert admin_client.post(url, {"all": "1"}).status_code == 302
    assert admin_client.post(url, {"all": "1"}).status_code == 302
    assert sorted(Council.objects.values_list("unit__code", flat=True)) == ["PA", "PC", "ROOT"]
    assert AuditEvent.objects.filter(action="awards.council.create").count() == 3
    assert 'data-testid="missing-council"' not in admin_client.get(COUNCILS).content.decode()
    # A GET does nothing.
    assert admin_client.get(url).status_code == 302


def test_council_template_action_other_roles_and_other_bodies(pack_levels, client: Client) -> None:
    cast = pack_levels
    url = f"{COUNCILS}from-template/"
    client.force_login(cast.reviewer)
    assert client.post(url, {"unit": cast.pa.pk}).status_code == 403
    assert client.post(url, {"all": "1"}).status_code == 403
    admin_client = client
    admin_client.force_login(cast.admin)
    stranger = actions.create_unit(
        NewUnit("LA", "Tỉnh Lạ", OrgLevel.objects.get(code="cap-tinh"), None), day=START
    )
    assert stranger.name not in admin_client.get(COUNCILS).content.decode()
    assert admin_client.post(url, {"unit": stranger.pk}).status_code == 404
    assert admin_client.post(url, {"unit": "x"}).status_code == 404
    assert not Council.objects.exists()


def test_the_member_page_shows_the_templates_seats(pack_levels, admin_client: Client) -> None:
    cast = pack_levels
    admin_client.post(f"{COUNCILS}from-template/", {"unit": cast.pa.pk})
    council = Council.objects.get()
    page = admin_client.get(f"{COUNCILS}{council.pk}/").content.decode()
    assert 'data-testid="seats"' in page
    assert page.count('data-testid="seat-row"') == 6
    assert page.count('data-testid="empty-seat"') == 6
    assert "Standing vice chair" in page and "Chief Procurator" in page
    chair = staff("P1", "Nguyễn Văn Chủ", cast.pa)
    data = {"person": chair.pk, "role": "chair", "valid_from": "01/01/2026"}
    assert admin_client.post(f"{COUNCILS}{council.pk}/members/", data).status_code == 302
    page = admin_client.get(f"{COUNCILS}{council.pk}/").content.decode()
    assert page.count('data-testid="empty-seat"') == 5
    seats = page[page.index('data-testid="seats"') :]
    assert "Nguyễn Văn Chủ" in seats
    # A council of a level without a template shows no seats.
    other = Council.objects.create(unit=cast.regional, name="Hội đồng khu vực")
    assert 'data-testid="seats"' not in admin_client.get(f"{COUNCILS}{other.pk}/").content.decode()
