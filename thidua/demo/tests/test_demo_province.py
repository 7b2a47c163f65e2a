"""The province demo (`load_demo --sector province`): a small province on the province pack."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from thidua.accounts.models import RoleAssignment, User
from thidua.awards.models import Council, Registration
from thidua.demo.build import DEMO_PASSWORD
from thidua.demo.province import USERS, build_province_demo
from thidua.evaluation.models import Cluster
from thidua.movements.models import Movement
from thidua.org.body import Body
from thidua.org.models import OrgUnit, Person, Position
from thidua.reporting.models import Report

pytestmark = pytest.mark.django_db


def test_it_builds_a_small_province_on_the_province_pack() -> None:
    demo = build_province_demo(seed=7)
    assert Body.objects.get().pack == "province"
    levels = {
        code: OrgUnit.objects.filter(level__code=code).count()
        for code in ("tinh", "so", "xa", "don-vi")
    }
    assert levels == {"tinh": 1, "so": 10, "xa": 8, "don-vi": 2}
    assert 180 <= Person.objects.count() <= 260
    assert Position.objects.count() == demo.staff == Person.objects.count() - 1  # + the admin
    for username, *_rest in [("admin",), *USERS]:
        assert RoleAssignment.objects.filter(user__username=username).exists(), username
    assert Report.objects.filter(status="approved").count() == 2 * 21 == demo.reports
    assert not [r for r in Report.objects.all() if r.is_late(dt.date(2026, 12, 31))]
    assert Report.objects.filter(submitted_at__year=2026, submitted_at__month=4).count() == 21
    registration = Registration.objects.get(unit__code="STC")
    assert registration.status == "submitted" and registration.items.count() > 10
    assert Cluster.objects.filter(kind="block").count() == 2
    assert Movement.objects.get().organisation == demo.root
    council = Council.objects.get()
    assert council.unit == demo.root and council.members.count() == 6


def test_load_demo_sector_province_and_its_pages(client: Client) -> None:
    out = io.StringIO()
    call_command("load_demo", "--sector", "province", stdout=out)
    assert "Tuyên Quang" in out.getvalue() and "nhaplieu.xa01" in out.getvalue()
    assert "chutich.tinh" in out.getvalue()
    login = {"username": "nhaplieu.stc", "password": DEMO_PASSWORD}
    assert client.post("/accounts/login/", login).status_code == 302
    assert client.get("/reports/").status_code == 200
    client.logout()
    login = {"username": "admin", "password": DEMO_PASSWORD}
    assert client.post("/accounts/login/", login).status_code == 302
    page = client.get("/org/")
    assert page.status_code == 200 and "Ủy ban nhân dân tỉnh Tuyên Quang" in page.content.decode()
    with pytest.raises(CommandError):
        call_command("load_demo", "--sector", "province", stdout=io.StringIO())
    again = io.StringIO()
    call_command("load_demo", "--sector", "province", "--if-empty", stdout=again)
    assert "nhaplieu.xa01" in again.getvalue()
    assert User.objects.filter(username="admin").count() == 1


def test_an_unknown_sector_is_refused() -> None:
    with pytest.raises(CommandError):
        call_command("load_demo", "--sector", "xyz", stdout=io.StringIO())
    assert not OrgUnit.objects.exists()


PAGES = [
    "/movements/",
    "/org/",
    "/org/people/",
    "/reports/",
    "/reports/completeness/",
    "/evaluation/",
    "/awards/",
    "/awards/catalogue/",
    "/awards/candidates/",
    "/awards/registrations/",
    "/awards/proposals/",
    "/awards/thematic/",
    "/council/",
]


@pytest.mark.parametrize("username", ["admin", "duyet.tinh", "nhaplieu.xa01", "thuky"])
def test_the_pages_work_on_the_province_pack(username: str) -> None:
    build_province_demo(seed=3)
    client = Client()
    login = {"username": username, "password": DEMO_PASSWORD}
    assert client.post("/accounts/login/", login).status_code == 302
    report = Report.objects.filter(unit__code="XA-01").first()
    assert report is not None
    for url in [*PAGES, f"/reports/{report.pk}/"]:
        assert client.get(url).status_code < 500, url
    if username == "admin":
        catalogue = client.get("/awards/catalogue/").content.decode()
        assert "Chiến sĩ thi đua cấp tỉnh" in catalogue
        assert "Ủy ban nhân dân tỉnh Tuyên Quang" in client.get("/org/").content.decode()
