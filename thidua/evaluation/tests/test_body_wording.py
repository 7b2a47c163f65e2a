"""The evaluation pages speak the body's words: the head of a unit is the position its body
calls head, and the cluster rule cites the body's own guidance."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import translation

from thidua.evaluation import actions, board
from thidua.org.body import Body
from thidua.org.models import Person, Position
from thidua.reporting.testing import ReportingCast


def test_the_phase_leaders_hold_the_body_s_head_title(ecast: ReportingCast) -> None:
    c = ecast.cast
    body = Body.objects.get()
    head, other = (
        Person.objects.create(code=f"NV-{i}", full_name=name)
        for i, name in enumerate(["Nguyễn Văn Thủ", "Trần Văn Phó"])
    )
    Position.objects.create(
        person=head, unit=c.pc1, title="Giám đốc Sở", valid_from=dt.date(2020, 1, 1)
    )
    Position.objects.create(
        person=other, unit=c.pc1, title=body.wording["head_title"], valid_from=dt.date(2020, 1, 1)
    )
    assert board.phase_leaders([c.pc1.pk], 2022, 2025) == {c.pc1.pk: ["Trần Văn Phó"]}
    body.wording = {**body.wording, "head_title": "Giám đốc Sở"}
    body.save()
    assert board.phase_leaders([c.pc1.pk], 2022, 2025) == {c.pc1.pk: ["Nguyễn Văn Thủ"]}
    assert board.phase_leaders([], 2022, 2025) == {}


def test_the_cluster_page_cites_the_body_s_guidance(client: Client, ecast: ReportingCast) -> None:
    c = ecast.cast
    cluster = actions.create_cluster(
        by=c.admin,
        year=2026,
        code="cum-1",
        name="Cụm 1",
        organiser=c.root,
        members=[c.regional, c.pc1],
    )
    url = reverse("evaluation:cluster", args=[cluster.pk])
    client.force_login(c.admin)
    guidance = Body.objects.get().wording["cluster_guidance"]
    with translation.override("vi"):
        assert f"({guidance})" in client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    Body.objects.update(wording={})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert guidance not in page and "không được làm cụm trưởng, cụm phó." in page
