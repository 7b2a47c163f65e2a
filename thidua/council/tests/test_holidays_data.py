"""The official calendar data (council/data/holidays-vn.json, issue 10 point 4): its shape,
Tết and the Hùng Kings' day on the Vietnamese lunar calendar, every fixed holiday of the
Labour Code 2019 Art. 112 each year, a compensating day for each one on a weekend, and the
years from 2027 labelled as projections (and shown so on the administrator's page)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from django.test import Client

from thidua.council.holidays import OFFICIAL, confidence_of, load_holidays
from thidua.council.models import Holiday

D = dt.date
DOC = json.loads(OFFICIAL.read_text(encoding="utf-8"))
DAYS = {dt.date.fromisoformat(e["day"]): e for e in DOC["days"]}
OFF = {d for d, e in DAYS.items() if e["kind"] == "day_off"}
YEARS = range(2022, 2031)

# Mùng 1 Tết and 10/3 âm lịch on the Vietnamese calendar (UTC+7): Hồ Ngọc Đức, "Âm lịch Việt
# Nam" (https://www.informatik.uni-leipzig.de/~duc/amlich/), the new moons computed at UTC+7.
# It differs from the Chinese calendar (UTC+8, e.g. the Hong Kong Observatory's table) in 2030:
# Tết Canh Tuất falls on 02/02/2030 in Việt Nam, 03/02/2030 in China.
LUNAR = {
    2022: (D(2022, 2, 1), D(2022, 4, 10)),
    2023: (D(2023, 1, 22), D(2023, 4, 29)),
    2024: (D(2024, 2, 10), D(2024, 4, 18)),
    2025: (D(2025, 1, 29), D(2025, 4, 7)),
    2026: (D(2026, 2, 17), D(2026, 4, 26)),
    2027: (D(2027, 2, 6), D(2027, 4, 16)),
    2028: (D(2028, 1, 26), D(2028, 4, 4)),
    2029: (D(2029, 2, 13), D(2029, 4, 23)),
    2030: (D(2030, 2, 2), D(2030, 4, 12)),
}
FIXED = [(1, 1), (4, 30), (5, 1), (9, 2)]  # Labour Code 2019 Art. 112(1), solar dates


def test_every_entry_has_a_day_a_kind_a_name_a_source_and_a_confidence() -> None:
    entries = DOC["days"]
    assert [e["day"] for e in entries] == sorted(e["day"] for e in entries)
    assert len(DAYS) == len(entries)  # no day twice
    assert set(DOC["confidence_levels"]) == {"announced", "unconfirmed", "projected"}
    for e in entries:
        assert set(e) == {"day", "kind", "name", "source", "confidence"}, e
        assert e["kind"] in {"day_off", "workday"} and e["name"].strip() and e["source"].strip()
        assert e["confidence"] in DOC["confidence_levels"], e
        day = dt.date.fromisoformat(e["day"])
        assert day.year in YEARS
        if e["kind"] == "workday":
            assert day.weekday() == 5, e  # a Saturday worked in exchange
        # Everything from 2027 is a projection; nothing before it is.
        assert (e["confidence"] == "projected") == (day.year >= 2027), e


def test_tet_is_on_the_lunar_new_year_with_five_days_off_around_it() -> None:
    for year, (tet, _hung) in LUNAR.items():
        assert tet in OFF and DAYS[tet]["name"] == "Tết Nguyên Đán", year
        around = [d for d in OFF if -5 <= (d - tet).days <= 7]
        assert len(around) >= 5, (year, sorted(around))
        assert min(around) < tet, year  # the last day of the old year is off


def test_every_fixed_holiday_and_the_hung_kings_day_are_there_each_year() -> None:
    for year in YEARS:
        wanted = [D(year, m, d) for m, d in FIXED] + [LUNAR[year][1]]
        missing = [d for d in wanted if d not in OFF]
        assert not missing, missing
        # Quốc khánh: 2/9 and one day next to it (the Prime Minister chooses 1/9 or 3/9).
        assert D(year, 9, 1) in OFF or D(year, 9, 3) in OFF, year


def test_a_holiday_on_a_weekend_has_a_compensating_weekday() -> None:
    for year in YEARS:
        for day in [D(year, m, d) for m, d in FIXED] + [LUNAR[year][1]]:
            if day.weekday() < 5:
                continue
            after = [day + dt.timedelta(days=n) for n in range(1, 5)]
            assert any(d in OFF and d.weekday() < 5 for d in after), day


def test_the_known_swaps_are_there() -> None:
    # Tết Dương lịch 2026: 02/01 off, Saturday 10/01 worked (Văn bản 12729/VPCP-KGVX).
    assert D(2026, 1, 2) in OFF and DAYS[D(2026, 1, 10)]["kind"] == "workday"
    # 2024 and 2025: the announced swaps around 30/4–1/5.
    assert D(2024, 4, 29) in OFF and DAYS[D(2024, 5, 4)]["kind"] == "workday"
    assert D(2025, 5, 2) in OFF and DAYS[D(2025, 4, 26)]["kind"] == "workday"
    workdays = Counter(d.year for d, e in DAYS.items() if e["kind"] == "workday")
    assert all(year <= 2026 for year in workdays)  # no swap is invented for later years


@pytest.mark.django_db
def test_the_holidays_page_labels_projected_days(cast: object) -> None:
    from thidua.testing import Cast

    assert isinstance(cast, Cast)
    load_holidays()
    projected = Holiday.objects.get(day=D(2027, 2, 6))
    assert confidence_of(projected) == "projected"
    client = Client()
    client.force_login(cast.admin)
    page = client.get("/council/reference/holidays/?year=2027").content.decode()
    assert (
        page.count('data-confidence="projected"') == Holiday.objects.filter(day__year=2027).count()
    )
    assert "dự kiến (độ tin cậy thấp)" in page
    # An administrator's correction is their own entry: no longer labelled.
    projected.source = "Quyết định của Thủ tướng"
    projected.save()
    assert confidence_of(projected) == ""
    announced = client.get("/council/reference/holidays/?year=2025").content.decode()
    assert 'data-confidence="announced"' in announced and "dự kiến" not in announced
