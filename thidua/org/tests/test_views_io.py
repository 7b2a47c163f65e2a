"""The import/export page: who may use it, uploads with problems, downloads within scope."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from thidua.accounts.models import User
from thidua.org import actions
from thidua.org.models import OrgUnit, Person, Reorganisation

IO = "/org/io/"
TREE_CSV = "event,date,code,name,level,parent\ncreate,01/08/2025,PC-2,Huyện C2,district,PC\n"


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("boss", password="x-password-123")


@pytest.fixture
def client(client: Client) -> Client:
    """Pages in English, the msgid language (the site defaults to Vietnamese)."""
    client.cookies["thidua_language"] = "en"
    return client


@pytest.fixture
def admin_client(cast, client: Client) -> Client:
    client.force_login(cast.admin)
    return client


def upload(client: Client, what: str, name: str, data: bytes):
    return client.post(IO, {"what": what, "file": SimpleUploadedFile(name, data)})


def test_it_uses_the_io_url():
    assert reverse("org:io") == IO


@pytest.mark.django_db
def test_it_shows_the_page_to_an_administrator(admin_client):
    page = admin_client.get(IO)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="upload-units"' in body
    assert 'enctype="multipart/form-data"' in body
    assert "mã đơn vị cha" in body
    assert "style=" not in body


@pytest.mark.django_db
def test_it_lets_a_superuser_in(superuser, client):
    client.force_login(superuser)
    assert client.get(IO).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reporter", "reviewer", "supervisor", "secretary", "outsider"])
def test_it_hides_the_page_from_other_users(cast, client, who):
    client.force_login(getattr(cast, who))
    assert client.get(IO).status_code == 404
    assert upload(client, "units", "t.csv", TREE_CSV.encode()).status_code == 404
    assert not OrgUnit.objects.filter(code="PC-2").exists()


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(IO)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_it_refuses_other_methods(admin_client):
    assert admin_client.put(IO).status_code == 405
    assert admin_client.post(reverse("org:export_units", args=["csv"])).status_code == 405


@pytest.mark.django_db
def test_it_checks_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.admin)
    response = upload(client, "units", "t.csv", TREE_CSV.encode())
    assert response.status_code == 403
    assert not OrgUnit.objects.filter(code="PC-2").exists()


@pytest.mark.django_db
def test_it_imports_a_tree_file_and_reports_the_counts(admin_client, cast):
    response = upload(admin_client, "units", "t.csv", TREE_CSV.encode())
    assert response.status_code == 302
    assert OrgUnit.objects.get(code="PC-2").versions.get().parent == cast.pc
    assert Reorganisation.objects.get(subject__code="PC-2").created_by == cast.admin
    page = admin_client.get(IO)
    [message] = list(page.context["messages"])
    assert message.level_tag == "success"
    assert ": 1 " in str(message)
    assert "alert-success" in page.content.decode()


@pytest.mark.django_db
def test_it_imports_staff_records(admin_client):
    data = (
        "code,full_name,gender,unit,position,position_from\n"
        "CB1,Lê Thị A,Nữ,PC,Chuyên viên,01/08/2025\n"
    )
    assert upload(admin_client, "people", "p.csv", data.encode()).status_code == 302
    assert Person.objects.get(code="CB1").positions.get().unit.code == "PC"


@pytest.mark.django_db
def test_it_lists_row_numbered_problems_and_writes_nothing(admin_client):
    data = TREE_CSV + "rename,31/02/2026,PC,Tên,,\nabolish,01/08/2025,PA,,,\n"
    before = OrgUnit.objects.count()
    response = upload(admin_client, "units", "t.csv", data.encode())
    assert response.status_code == 200
    assert OrgUnit.objects.count() == before
    errors = response.context["errors"]
    assert any(e.startswith("Row 3:") and "31/02/2026" in e for e in errors)
    assert any(e.startswith("Row 4:") and "abolish" in e for e in errors)
    assert 'data-testid="import-errors"' in response.content.decode()


CP1258 = b"event,date,code,name,level,parent\ncreate,01/08/2025,X,H\xe0 N\xf4\xf2i,district,PC\n"


def _xlsx_with_macros() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["event", "date", "code"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00" * 10)
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("t.csv", CP1258, "UTF-8"),
        ("t.xlsx", TREE_CSV.encode(), "not a real .xlsx"),
        ("t.xlsm", _xlsx_with_macros(), "macros"),
        ("t.csv", b'event,date,code\n"create,01/08/2025\n', "malformed"),
        ("t.pdf", b"%PDF-1.4", ".xlsx or .csv"),
    ],
)
def test_it_explains_an_unreadable_file_without_a_500(admin_client, name, data, fragment):
    before = OrgUnit.objects.count()
    response = upload(admin_client, "units", name, data)
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert OrgUnit.objects.count() == before


@pytest.mark.django_db
def test_it_refuses_an_oversized_upload_before_reading_it(admin_client, settings):
    settings.THIDUA_MAX_UPLOAD_BYTES = 100
    response = upload(admin_client, "units", "t.csv", TREE_CSV.encode() * 5)
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not OrgUnit.objects.filter(code="PC-2").exists()


@pytest.mark.django_db
def test_it_needs_a_file(admin_client):
    response = admin_client.post(IO, {"what": "units"})
    assert response.status_code == 200
    assert response.context["uploads"]["units"].errors["file"]


# --- downloads -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("fmt", "start"), [("xlsx", b"PK\x03\x04"), ("csv", b"\xef\xbb\xbf")])
def test_it_downloads_the_tree(admin_client, fmt, start):
    response = admin_client.get(reverse("org:export_units", args=[fmt]), {"date": "01/01/2024"})
    assert response.status_code == 200
    assert response.content.startswith(start)
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.django_db
def test_it_exports_the_tree_as_of_a_date(admin_client):
    url = reverse("org:export_units", args=["csv"])
    before = admin_client.get(url, {"date": "30/06/2025"}).content.decode("utf-8-sig")
    after = admin_client.get(url, {"date": "01/07/2025"}).content.decode("utf-8-sig")
    assert "PB-1" in before
    assert "PB-1" not in after
    assert "PA-R1" in after


@pytest.mark.django_db
def test_it_exports_events_as_csv(admin_client):
    response = admin_client.get(reverse("org:export_units", args=["csv"]), {"what": "events"})
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Event,") or "Sự kiện" in text.splitlines()[0]
    assert "merge,01/07/2025,PA-1" in text


@pytest.mark.django_db
def test_it_says_when_the_export_date_does_not_exist(admin_client):
    response = admin_client.get(reverse("org:export_units", args=["xlsx"]), {"date": "31/02/2025"})
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "31/02/2025" in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["export_units", "export_people"])
def test_it_404s_an_unknown_format(admin_client, name):
    assert admin_client.get(reverse(f"org:{name}", args=["pdf"])).status_code == 404


@pytest.mark.django_db
def test_it_limits_exports_to_the_users_scope(cast, client):
    for code, unit in (("IN", cast.regional), ("OUT", cast.pc1)):
        person = actions.save_person(Person(code=code, full_name=f"Người {code}"))
        actions.assign_position(person, unit, "Chuyên viên", day=cast.regional.valid_from)
    client.force_login(cast.reporter)
    tree = client.get(reverse("org:export_units", args=["csv"])).content.decode("utf-8-sig")
    people = client.get(reverse("org:export_people", args=["csv"])).content.decode("utf-8-sig")
    assert "PA-R1" in tree
    assert "PC-1" not in tree
    assert "IN," in people
    assert "OUT," not in people


@pytest.mark.django_db
def test_it_sends_anonymous_downloads_to_login(client):
    response = client.get(reverse("org:export_people", args=["csv"]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_it_asks_what_to_import_when_the_choice_is_missing(admin_client):
    response = admin_client.post(IO, {"what": "budgets", "file": SimpleUploadedFile("a.csv", b"x")})
    assert response.status_code == 200
    assert response.context["errors"]


@pytest.mark.django_db
def test_it_lists_problems_in_vietnamese_by_default(cast):
    client = Client()
    client.force_login(cast.admin)
    response = upload(client, "units", "t.csv", (TREE_CSV + "rename,31/02/2026,PC,X,,\n").encode())
    assert response.context["errors"][0].startswith("Dòng 3: ")
    assert 'lang="vi"' in response.content.decode()


@pytest.mark.django_db
def test_a_staff_file_that_updates_a_record_is_previewed_and_needs_confirmation(admin_client, cast):
    person = actions.save_person(Person(code="CB1", full_name="Lê Thị A", gender="female"))
    data = "code,full_name,gender,birth_date\nCB1,Lê Thị A,Nữ,05/03/1980\nCB2,Trần Văn B,Nam,\n"
    preview = upload(admin_client, "people", "p.csv", data.encode())
    assert preview.status_code == 200
    body = preview.content.decode()
    assert 'data-testid="preview-updates"' in body and "05/03/1980" in body
    assert not Person.objects.filter(code="CB2").exists()
    person.refresh_from_db()
    assert person.birth_date is None
    unticked = admin_client.post(IO, {"what": "people_confirm"})
    assert 'data-testid="preview-updates"' in unticked.content.decode()
    assert "Tick the box" in unticked.content.decode()
    done = admin_client.post(IO, {"what": "people_confirm", "confirm": "yes"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.birth_date is not None and Person.objects.filter(code="CB2").exists()
    again = admin_client.post(IO, {"what": "people_confirm", "confirm": "yes"}, follow=True)
    assert "Nothing to confirm" in again.content.decode()


@pytest.mark.django_db
def test_a_reused_staff_code_with_another_name_is_refused_on_the_page(admin_client):
    actions.save_person(Person(code="CB1", full_name="Lê Thị A"))
    data = "code,full_name\nCB1,Phạm Văn Khác\n"
    response = upload(admin_client, "people", "p.csv", data.encode())
    assert response.status_code == 200
    errors = response.context["errors"]
    assert errors and errors[0].startswith("Row 2:") and "Phạm Văn Khác" in errors[0]
