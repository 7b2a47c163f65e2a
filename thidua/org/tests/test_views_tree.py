import pytest
from django.test import Client

from thidua.org.models import OrgUnit, Person, Position, Reorganisation
from thidua.testing import Cast

pytestmark = pytest.mark.django_db


def test_it_shows_the_tree_as_of_two_dates(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    before = client.get("/org/?date=30/06/2025").content.decode()
    after = client.get("/org/?date=01/07/2025").content.decode()
    assert "30/06/2025" in before
    assert 'data-unit="ROOT"' in before
    children = client.get(
        f"/org/unit/{cast.root.pk}/children/?date=30/06/2025", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Tỉnh Bắc Kạn" in children
    assert "<html" not in children  # a fragment, not a page
    children = client.get(
        f"/org/unit/{cast.root.pk}/children/?date=01/07/2025", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Tỉnh Bắc Kạn" not in children
    assert "01/07/2025" in after


def test_it_roots_a_reporters_tree_at_its_own_history(client: Client, cast: Cast) -> None:
    client.force_login(cast.reporter)
    before = client.get("/org/?date=30/06/2025").content.decode()
    assert all(f'data-unit="{c}"' in before for c in ("PA-1", "PA-2", "PB-1"))
    assert 'data-unit="PC-1"' not in before
    after = client.get("/org/?date=01/07/2025").content.decode()
    assert 'data-unit="PA-R1"' in after
    assert 'data-unit="PA-1"' not in after


def test_it_warns_about_a_date_that_does_not_exist(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    response = client.get("/org/?date=31/02/2025")
    assert response.status_code == 200
    assert "31/02/2025" in response.content.decode()


def test_it_shows_predecessors_and_successors(client: Client, cast: Cast) -> None:
    client.force_login(cast.reviewer)
    page = client.get(f"/org/unit/{cast.regional.pk}/").content.decode()
    assert "Huyện A1" in page and "Huyện B1" in page
    page = client.get(f"/org/unit/{cast.pb.pk}/?date=01/01/2024").content.decode()
    assert "Tỉnh Hà Giang" in page  # successor of the merged province


def test_it_gives_404_to_an_outsider(client: Client, cast: Cast) -> None:
    client.force_login(cast.outsider)
    assert client.get(f"/org/unit/{cast.regional.pk}/").status_code == 404
    assert client.get(f"/org/unit/{cast.root.pk}/children/").status_code == 404
    assert client.get(f"/org/unit/{cast.pc1.pk}/").status_code == 200


def test_it_finds_units_without_diacritics(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    page = client.get("/org/search/?q=ha+giang").content.decode()
    assert "Tỉnh Hà Giang" in page and "Cà Mau" not in page
    fragment = client.get("/org/search/?q=bac+kan", HTTP_HX_REQUEST="true").content.decode()
    assert "Tỉnh Bắc Kạn" in fragment and "<html" not in fragment


def test_it_keeps_search_results_in_scope(client: Client, cast: Cast) -> None:
    client.force_login(cast.outsider)
    assert "Hà Giang" not in client.get("/org/search/?q=ha+giang").content.decode()


def test_it_records_a_rename_through_the_form(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    url = f"/org/unit/{cast.pc.pk}/reorganise/rename/"
    response = client.post(
        url,
        {
            "day": "01/01/2026",
            "new_name": "Tỉnh Cà Mau (mới)",
            "legal_basis": "NQ 1/2026",
            "note": "",
        },
    )
    assert response.status_code == 302
    cast.pc.refresh_from_db()
    assert cast.pc.name == "Tỉnh Cà Mau (mới)"
    assert Reorganisation.objects.filter(kind="rename", subject=cast.pc).exists()


def test_it_refuses_a_bad_event_with_a_message_and_writes_nothing(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.admin)
    events = Reorganisation.objects.count()
    response = client.post(
        "/org/reorganise/merge/",
        {"day": "01/01/2026", "sources": "PC-1", "into": "PB", "legal_basis": "", "note": ""},
    )
    assert response.status_code == 200
    assert "đã chấm dứt hoạt động" in response.content.decode()  # Vietnamese by default
    response = client.post(
        f"/org/unit/{cast.pc.pk}/reorganise/rename/", {"day": "31/02/2026", "new_name": "X"}
    )
    assert "Nhập ngày hợp lệ theo dạng dd/mm/yyyy" in response.content.decode()
    assert Reorganisation.objects.count() == events


def test_it_merges_into_a_new_unit_through_the_form(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    response = client.post(
        "/org/reorganise/merge/",
        {
            "day": "01/01/2026",
            "sources": "PC-1",
            "new_code": "PC-R1",
            "new_name": "Khu vực 1 – C",
            "new_level": cast.levels["regional"].pk,
            "new_parent": "PC",
        },
    )
    assert response.status_code == 302
    new = OrgUnit.objects.get(code="PC-R1")
    assert new.predecessor_links.get().predecessor == cast.pc1


def test_it_hides_reorganisation_from_non_admins(client: Client, cast: Cast) -> None:
    client.force_login(cast.reviewer)
    assert client.get(f"/org/unit/{cast.pa.pk}/reorganise/rename/").status_code == 404
    assert client.post("/org/reorganise/create/", {}).status_code == 404


def test_it_lists_people_in_scope_and_their_history(client: Client, cast: Cast) -> None:
    from thidua.org import actions

    lan = actions.save_person(Person(code="CB1", full_name="Nguyễn Thị Lan"))
    Position.objects.create(
        person=lan,
        unit=cast.pa1,
        title="Kế toán",
        valid_from=cast.pa1.valid_from,
        valid_to=cast.pa1.valid_to,
    )
    actions.assign_position(lan, cast.regional, "Kế toán", day=cast.regional.valid_from)
    hung = actions.save_person(Person(code="CB2", full_name="Trần Văn Hùng"))
    actions.assign_position(hung, cast.pc1, "Kiểm sát viên", day=cast.pc1.valid_from)
    client.force_login(cast.reporter)
    page = client.get("/org/people/?q=nguyen+lan").content.decode()
    assert "Nguyễn Thị Lan" in page and "Trần Văn Hùng" not in page
    detail = client.get(f"/org/people/{lan.pk}/").content.decode()
    assert "Huyện A1" in detail and "Khu vực 1" in detail
    assert client.get(f"/org/people/{hung.pk}/").status_code == 404


def test_it_lists_units_of_a_level_on_a_date(client: Client, cast: Cast) -> None:
    client.force_login(cast.admin)
    before = client.get("/org/search/?level=district&date=30/06/2025").content.decode()
    after = client.get("/org/search/?level=district&date=01/07/2025").content.decode()
    assert all(name in before for name in ("Huyện A1", "Huyện A2", "Huyện B1", "Huyện C1"))
    assert "Huyện A1" not in after
    assert "Huyện C1" in after


def test_it_lists_people_by_given_name_the_vietnamese_way(client: Client, cast: Cast) -> None:
    from thidua.org import actions

    names = ["Đỗ Văn Đức", "Bùi Thị Dung", "Trần Ánh", "Trần Anh", "Nguyễn Văn Ân", "Lê Thị Bình"]
    for i, name in enumerate(names):
        person = actions.save_person(Person(code=f"CB9{i}", full_name=name))
        actions.assign_position(person, cast.regional, "Kế toán", day=cast.regional.valid_from)
    client.force_login(cast.admin)
    page = client.get("/org/people/").content.decode()
    shown = sorted(names, key=page.index)
    expected = ["Trần Anh", "Trần Ánh", "Nguyễn Văn Ân", "Lê Thị Bình", "Bùi Thị Dung"]
    assert shown == [*expected, "Đỗ Văn Đức"]
    unit = client.get(f"/org/unit/{cast.regional.pk}/").content.decode()
    assert sorted(names, key=unit.index)[:2] == ["Trần Anh", "Trần Ánh"]


def test_it_lists_numbered_units_in_natural_order(client: Client, cast: Cast) -> None:
    from thidua.org import actions
    from thidua.org.actions import NewUnit

    for n in (10, 2, 1):
        actions.create_unit(
            NewUnit(f"PC-KV{n}", f"Khu vực {n} – Cà Mau", cast.levels["regional"], cast.pc),
            day=cast.regional.valid_from,
        )
    client.force_login(cast.admin)
    page = client.get("/org/search/?level=regional&date=01/07/2025").content.decode()
    shown = sorted(
        ["Khu vực 10 – Cà Mau", "Khu vực 2 – Cà Mau", "Khu vực 1 – Cà Mau"], key=page.index
    )
    assert shown == ["Khu vực 1 – Cà Mau", "Khu vực 2 – Cà Mau", "Khu vực 10 – Cà Mau"]
    children = client.get(
        f"/org/unit/{cast.pc.pk}/children/?date=01/07/2025", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert children.index("Khu vực 2 –") < children.index("Khu vực 10 –")
