"""The awards pages speak the body's words: its thematic award title and the name of its
sector level of initiatives come from the body's profile (thidua/org/body.py)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import translation

from thidua.awards.models import Initiative
from thidua.org.body import Body
from thidua.testing import Cast


def test_the_initiative_level_is_named_in_the_body_s_words(client: Client, cast: Cast) -> None:
    body = Body.objects.get()
    initiative = Initiative.objects.create(
        title="Sáng kiến A",
        unit=cast.pa,
        level=Initiative.Level.SECTOR,
        recognised_on=dt.date(2025, 3, 1),
        recognised_by="Hội đồng sáng kiến",
    )
    with translation.override("vi"):
        assert initiative.level_text == body.wording["sector_initiative_level"]
        assert dict(Initiative.level_choices(cast.pa))["sector"] == initiative.level_text
        assert Initiative(level="base", unit=cast.pa).level_text == "Cấp cơ sở"
    Body.objects.update(wording={"sector_initiative_level": "Cấp Bộ Tài chính"})
    with translation.override("vi"):
        assert initiative.level_text == "Cấp Bộ Tài chính"
    with translation.override("en"):
        assert initiative.level_text == "Cấp Bộ Tài chính"  # no English text: the Vietnamese
    Body.objects.all().delete()
    with translation.override("en"):
        assert initiative.level_text == "Ministry, sector or province level"
    client.force_login(cast.admin)
    page = client.get("/awards/initiatives/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Cấp bộ, ban, ngành, tỉnh" in page


def test_the_thematic_link_proposes_the_body_s_own_award(client: Client, cast: Cast) -> None:
    Body.objects.update(wording={"thematic_award_form": "BK_BO_TT"})
    client.force_login(cast.admin)
    response = client.get("/awards/thematic/")
    assert response.status_code == 200 and response.context["form_code"] == "BK_BO_TT"
