"""The body's profile: its wording and document defaults from the pack, neutral ones without
a body, in the page's language; the pages and the staff import use it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from thidua.lib.spreadsheets import read_table
from thidua.org.actions import NewUnit, create_unit
from thidua.org.body import (
    JOINED_ON_LABEL,
    NEUTRAL,
    Body,
    body_for,
    profile_for,
    root_of,
    wording_from_pack,
)
from thidua.org.imports import import_people
from thidua.org.models import Person
from thidua.testing import START, Cast


def test_without_a_body_the_wording_is_neutral(cast: Cast) -> None:
    Body.objects.all().delete()
    profile = profile_for(cast.pc1)
    assert profile == NEUTRAL
    with translation.override("vi"):
        assert (profile.head_title_text, profile.joined_on_text) == (
            "Thủ trưởng cơ quan",
            "Ngày vào cơ quan",
        )
        assert str(JOINED_ON_LABEL) == "Ngày vào cơ quan"
    with translation.override("en"):
        assert profile.joined_on_text == "Joined the body on"
    assert (profile.issuer_symbol, profile.place, profile.thematic_award_form) == ("QĐ", "", "")


def test_the_body_of_a_unit_is_the_one_of_its_root(cast: Cast) -> None:
    body = Body.objects.get()
    assert body.unit == cast.root and root_of(cast.pc1) == cast.root.pk
    assert root_of(cast.root) == cast.root.pk
    assert body_for(cast.pc1) == body_for() == body
    with translation.override("vi"):
        assert profile_for(cast.pc1).joined_on_text == body.wording["joined_on"]
    with translation.override("en"):
        assert profile_for(cast.pc1).joined_on_text == body.wording["joined_on_en"]
    # A second body (another root): each unit gets its own root's; no unit, no guess.
    other_root = create_unit(NewUnit("OTHER", "Sở khác", cast.levels["top"], None), day=START)
    child = create_unit(NewUnit("OTHER-1", "Phòng", cast.levels["province"], other_root), day=START)
    other = Body.objects.create(
        unit=other_root, pack="x", pack_version="1", wording={"head_title": "Giám đốc Sở"}
    )
    assert body_for(child) == other and body_for(cast.pa) == body and body_for() is None
    assert profile_for(child).head_title == "Giám đốc Sở"
    assert profile_for(child).joined_on == NEUTRAL.joined_on  # missing: neutral
    assert profile_for(None) == NEUTRAL


def test_the_pack_section_is_flattened_and_checked() -> None:
    section = {
        "note": "ignored",
        "documents": {"issuer_symbol": "QĐ-STC", "place": "Huế"},
        "head_title": "Giám đốc",
        "wording": {"joined_on": "Ngày vào Sở"},
    }
    assert wording_from_pack(section) == {
        "issuer_symbol": "QĐ-STC",
        "place": "Huế",
        "head_title": "Giám đốc",
        "joined_on": "Ngày vào Sở",
    }
    with pytest.raises(ValidationError):
        wording_from_pack({"boss": "x"})
    with pytest.raises(ValidationError):
        wording_from_pack({"place": 3})
    body = Body(wording={"place": ["Huế"]})
    with pytest.raises(ValidationError):
        body.full_clean(exclude=["unit", "pack", "pack_version"])


def test_the_staff_import_reads_either_header_for_the_joining_date(cast: Cast) -> None:
    for header in ("Ngày vào ngành", "Ngày vào cơ quan", "Joined the sector on"):
        text = f"Mã cán bộ,Họ và tên,{header}\nCB-1,Trần Thị Mai,01/03/2015"
        result = import_people(read_table("people.csv", text.encode()))
        assert result.ok, (header, result.errors)
        assert Person.objects.get(code="CB-1").joined_on == dt.date(2015, 3, 1)
        Person.objects.all().delete()


def test_the_person_page_shows_the_body_s_wording(client: Client, cast: Cast) -> None:
    person = Person.objects.create(
        code="CB-9", full_name="Lê Văn Hải", joined_on=dt.date(2012, 3, 1)
    )
    client.force_login(cast.admin)
    url = reverse("org:person", args=[person.pk])
    with translation.override("vi"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert Body.objects.get().wording["joined_on"] in page and "01/03/2012" in page
    Body.objects.update(wording={})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Ngày vào cơ quan" in page
