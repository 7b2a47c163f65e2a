"""The movement file's `dashboard` section: the key indicators the dashboard charts and the
phase-review forms whose narratives feed the review's lessons and recommendations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from thidua import packs
from thidua.dashboards.review import review_forms, review_parts
from thidua.dashboards.series import KeyIndicators
from thidua.movements.models import Movement
from thidua.packs.loader import PackError, _link_dashboard
from thidua.packs.setup import setup_body
from thidua.packs.tests.test_province_pack import PROVINCE
from thidua.reporting.models import ReportForm

pytestmark = pytest.mark.django_db
PACKS = Path(packs.__file__).parent


@pytest.mark.parametrize("name", ["ksnd", "province"])
def test_each_pack_names_key_indicators_and_review_forms_it_has(name: str) -> None:
    movement = json.loads((PACKS / name / "movement.json").read_text(encoding="utf-8"))
    forms = json.loads((PACKS / name / "forms.json").read_text(encoding="utf-8"))["forms"]
    section = movement["dashboard"]
    keys = KeyIndicators.from_data(section)
    assert keys.savings == "SAV_TOTAL" and keys.disbursement == "INV_DISBURSE_RATE"
    assert keys.shares == ("PROC_CENTRAL_SHARE", "DOCS_E_SHARE", "STAFF_FILL_RATE")
    by_code = {f["code"]: f for f in forms}
    review_years = {p["review_year"] for p in movement["phases"]}
    years = set()
    for code in section["review_forms"]:
        form = by_code[code]
        parts = {p["code"] for p in form["narrative"]}
        assert {"ket-qua", "ton-tai", "nguyen-nhan", "bai-hoc", "kien-nghi"} == parts
        assert set(section["review_parts"].values()) <= parts
        assert form["periodicity"] == "year" and form["sections"]
        prefilled = [r for s in form["sections"] for r in s["rows"] if isinstance(r, dict)]
        assert {r["prefill"]["from"] for r in prefilled} >= {keys.savings}
        first = dt.date.fromisoformat(form["valid_from"])
        assert dt.date.fromisoformat(form["valid_to"]) == first.replace(year=first.year + 1)
        years.add(first.year)
    assert years == review_years  # one form per phase review, only in its review year


def test_the_loader_stores_the_section_and_refuses_unknown_codes() -> None:
    setup_body(PROVINCE)
    movement = Movement.objects.get()
    keys = KeyIndicators.of(movement)
    assert keys.savings == "SAV_TOTAL" and len(keys.shares) == 3
    forms = review_forms(movement)
    assert {f.code for f in forms} == {"tinh-so-ket-gd1", "tinh-tong-ket-gd2"}
    assert review_parts(movement) == {"lessons": "bai-hoc", "recommendations": "kien-nghi"}
    first = ReportForm.objects.get(code="tinh-so-ket-gd1")
    assert (first.valid_from, first.valid_to) == (dt.date(2028, 1, 1), dt.date(2029, 1, 1))
    assert list(first.narrative_parts.values_list("code", flat=True)) == [
        "ket-qua",
        "ton-tai",
        "nguyen-nhan",
        "bai-hoc",
        "kien-nghi",
    ]
    with pytest.raises(PackError):
        _link_dashboard(movement, {"savings": "NO_SUCH_CODE"})
    with pytest.raises(PackError):
        _link_dashboard(movement, {"review_forms": ["no-such-form"]})
