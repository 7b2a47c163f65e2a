"""Sampled second review: the draw is weighted by risk and recomputable from its seed; the
results follow the triage (a corrected figure reopens the approved report)."""

from __future__ import annotations

import hashlib
import hmac
import math

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from thidua.oversight import sampling
from thidua.oversight.models import Finding, SampleDraw, SampleItem
from thidua.reporting.models import Report
from thidua.reporting.testing import ReportingCast
from thidua.reporting.tests.test_views_rollups import approved


def by_hand(seed: str, weights: dict[int, float], size: int) -> list[int]:
    """The documented algorithm written again from the module's docstring."""
    keys = []
    for uid, w in weights.items():
        h = int(hmac.new(seed.encode(), str(uid).encode(), hashlib.sha256).hexdigest(), 16)
        u = (h + 1) / (2**256 + 1)
        keys.append((math.log(u) / w, uid))
    keys.sort(key=lambda k: (-k[0], k[1]))
    return [uid for _k, uid in keys[:size]]


def test_the_draw_is_the_documented_algorithm() -> None:
    weights = {i: float(1 + i % 5) for i in range(1, 200)}
    for seed in ("a", "2026-kiem-tra", "f00d"):
        assert sampling.choose(seed, weights, 12) == by_hand(seed, weights, 12)
    assert sampling.choose("a", weights, 12) != sampling.choose("b", weights, 12)


def test_units_with_open_flags_are_drawn_more_often() -> None:
    weights = {i: (5.0 if i <= 10 else 1.0) for i in range(1, 101)}
    risky = sum(1 for s in range(300) for u in sampling.choose(f"s{s}", weights, 5) if u <= 10)
    # 10 % of the units, 5 times the weight: about a third of the draws, never a tenth.
    assert risky > 300 * 5 * 0.2


def test_a_draw_is_recorded_and_recomputes_from_its_seed(rcast: ReportingCast) -> None:
    cast = rcast.cast
    report = approved(rcast, "pa1", 2024, 4, EST_RECURRENT="1.000")
    d = sampling.draw_sample(cast.pa.pk, 2024, 2, by=cast.supervisor, seed="hat-giong")
    items = list(d.items.all())
    assert {i.unit_id for i in items} == {cast.pa1.pk, cast.pa2.pk}
    assert sampling.recompute(d) == [i.unit_id for i in items]
    assert by_hand("hat-giong", {int(u): float(w) for u, w in d.weights.items()}, 2) == [
        i.unit_id for i in items
    ]
    assert next(i for i in items if i.unit_id == cast.pa1.pk).report_id == report.pk
    with pytest.raises(ValidationError):
        sampling.draw_sample(cast.pa.pk, 2024, 2, by=cast.supervisor)


def test_the_results_follow_the_triage(rcast: ReportingCast) -> None:
    cast = rcast.cast
    report = approved(rcast, "pa1", 2024, 4, EST_RECURRENT="1.000")
    d = sampling.draw_sample(cast.pa.pk, 2024, 2, by=cast.supervisor, seed="x")
    one = d.items.get(unit=cast.pa1)
    two = d.items.get(unit=cast.pa2)
    with pytest.raises(ValidationError):
        sampling.record_result(one, "corrected", by=cast.supervisor, note=" ")
    with pytest.raises(ValidationError):  # no approved report to reopen: nothing written
        sampling.record_result(two, "corrected", by=cast.supervisor, note="Sai số liệu")
    two.refresh_from_db()
    assert two.result == "pending"
    sampling.record_result(one, "corrected", by=cast.supervisor, note="Số tiết kiệm sai")
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    last = report.transitions.last()
    assert last is not None and last.reason == "Số tiết kiệm sai"
    sampling.record_result(two, "violation", by=cast.supervisor, note="Chi sai định mức")
    f = Finding.objects.get(unit=cast.pa2, rule="SAMPLE_REVIEW")
    assert (f.status, f.year) == ("review", 2024)
    with pytest.raises(ValidationError):
        sampling.record_result(two, "confirmed", by=cast.supervisor)


def test_the_supervisor_draws_on_the_page(rcast: ReportingCast, client: Client) -> None:
    cast = rcast.cast
    client.force_login(cast.supervisor)
    page = client.get("/oversight/samples/")
    assert page.status_code == 200
    r = client.post("/oversight/samples/", {"scope": cast.pa.pk, "year": 2024, "size": 1})
    d = SampleDraw.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/oversight/samples/{d.pk}/"
    text = client.get(r["Location"]).content.decode()
    assert d.seed in text and "Tính lại từ hạt giống: đúng các đơn vị đã chọn." in text
    item = SampleItem.objects.get()
    client.post(f"/oversight/samples/items/{item.pk}/", {"result": "confirmed"})
    item.refresh_from_db()
    assert item.result == "confirmed"
    client.force_login(cast.reporter)
    assert client.get(f"/oversight/samples/{d.pk}/").status_code == 404
    assert client.get("/oversight/samples/").status_code == 404
