"""Saving records (validated, audited, re-checked) and the triage of a finding."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from thidua.audit.models import AuditEvent
from thidua.oversight import actions
from thidua.oversight.models import (
    Finding,
    FindingState,
    Norm,
    ProcurementPackage,
    TravelClaim,
)
from thidua.oversight.queries import confirmed_counts, confirmed_violations
from thidua.testing import Cast

D = dt.date


def claim(cast: Cast, **kw: object) -> TravelClaim:
    values: dict[str, object] = {
        "unit": cast.regional,
        "year": 2026,
        "person": "Nguyễn Văn A",
        "start": D(2026, 3, 2),
        "end": D(2026, 3, 4),
        "destination": "town",
        "allowance_paid": Decimal(1_350_000),
    }
    return TravelClaim(**(values | kw))


def direct(cast: Cast, day: dt.date, amount: int = 200_000_000) -> ProcurementPackage:
    return ProcurementPackage(
        unit=cast.regional,
        year=day.year,
        item="Máy tính",
        category="goods",
        method="direct",
        estimate=Decimal(amount),
        award_price=Decimal(amount),
        bidders=1,
        supplier_tax_code=f"01{day.toordinal()}",
        award_date=day,
    )


def test_the_norms_are_loaded_by_the_migration(db: None) -> None:
    from django.apps import apps

    migration = importlib.import_module("thidua.oversight.migrations.0002_load_norms")
    Norm.objects.all().delete()
    migration.load(apps, None)
    n = Norm.objects.in_force("travel.allowance", D(2026, 1, 1))
    assert n is not None and n.value == 300_000 and n.legal_basis == "Thông tư 12/2025/TT-BTC"
    old = Norm.objects.in_force("travel.allowance", D(2025, 5, 3))
    assert old is not None and old.value == 200_000


def test_it_saves_audits_and_finds_the_excess(cast: Cast) -> None:
    found = actions.save_record(claim(cast), by=cast.reporter)
    assert [(f.rule, f.amount) for f in found] == [("NORM_ALLOWANCE", Decimal(450_000))]
    assert AuditEvent.objects.filter(action="oversight.travel.add").count() == 1
    assert list(found[0].travel_claims.values_list("person", flat=True)) == ["Nguyễn Văn A"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": D(2026, 3, 1)}, "end"),
        ({"allowance_paid": Decimal(-1)}, "allowance_paid"),
        ({"start": D(2025, 12, 30), "end": D(2026, 1, 2)}, "start"),
    ],
)
def test_it_refuses_impossible_claims_naming_the_field(
    cast: Cast, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.save_record(claim(cast, **changes), by=cast.reporter)
    assert field in exc.value.message_dict
    assert not TravelClaim.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="oversight.").exists()


def test_it_refuses_an_award_without_bidders(cast: Cast) -> None:
    p = direct(cast, D(2026, 3, 1))
    p.bidders = 0
    with pytest.raises(ValidationError) as exc:
        actions.save_record(p, by=cast.reporter)
    assert "bidders" in exc.value.message_dict


def test_a_fixed_record_drops_the_new_finding(cast: Cast) -> None:
    c = claim(cast)
    actions.save_record(c, by=cast.reporter)
    c.allowance_paid = Decimal(900_000)
    assert actions.save_record(c, by=cast.reporter) == []


def test_triage_from_new_to_confirmed_counts_a_violation(cast: Cast) -> None:
    for day in (D(2026, 3, 1), D(2026, 3, 10), D(2026, 3, 20)):
        actions.save_record(direct(cast, day), by=cast.reporter)
    f = Finding.objects.get(rule="SPLIT")
    assert f.packages.count() == 3
    with pytest.raises(ValidationError):
        actions.dismiss_finding(f, by=cast.supervisor, reason="  ")
    actions.ask_to_explain(f, by=cast.supervisor, deadline=D(2026, 4, 1), reason="Giải trình")
    actions.explain_finding(f, by=cast.reporter, explanation="Ba lần mua khác nhu cầu")
    actions.confirm_finding(f, by=cast.supervisor, reason="Chia nhỏ để chỉ định thầu")
    f.refresh_from_db()
    assert f.status == FindingState.CONFIRMED
    assert [h.to_status for h in f.history.all()] == ["review", "explained", "confirmed"]
    assert [v.rule for v in confirmed_violations(cast.regional.pk, 2026)] == ["SPLIT"]
    assert confirmed_counts([cast.regional.pk, cast.pa.pk], 2026) == {cast.regional.pk: 1}
    with pytest.raises(ValidationError):
        actions.dismiss_finding(f, by=cast.supervisor, reason="late")
    # Re-checking keeps a triaged finding even if its records change.
    actions.save_record(direct(cast, D(2026, 6, 1), 10_000_000), by=cast.reporter)
    assert Finding.objects.get(pk=f.pk).status == FindingState.CONFIRMED


def test_changed_figures_keep_the_finding_and_relink_its_records(cast: Cast) -> None:
    first = direct(cast, D(2026, 3, 1), 300_000_000)
    second = direct(cast, D(2026, 3, 10), 300_000_000)
    actions.save_record(first, by=cast.reporter)
    [split] = [f for f in actions.save_record(second, by=cast.reporter) if f.rule == "SPLIT"]
    third = direct(cast, D(2026, 3, 20), 300_000_000)
    found = actions.save_record(third, by=cast.reporter)
    # A third purchase in the window makes another cluster key; the old one goes while new.
    assert [f.key for f in found if f.rule == "SPLIT"] == [
        f"SPLIT:p{first.pk},p{second.pk},p{third.pk}"
    ]
    assert not Finding.objects.filter(pk=split.pk).exists()
    [split] = [f for f in found if f.rule == "SPLIT"]
    assert set(split.packages.values_list("pk", flat=True)) == {first.pk, second.pk, third.pk}
    # Same key, new figures: the finding (and its triage) stays, its records follow the hit.
    actions.ask_to_explain(split, by=cast.reporter, reason="")
    third.award_price = third.estimate = Decimal(350_000_000)
    actions.save_record(third, by=cast.reporter)
    split.refresh_from_db()
    assert (split.status, split.numbers["total"], split.amount) == (
        FindingState.REVIEW,
        "950000000",
        Decimal(950_000_000),
    )
    assert set(split.packages.values_list("pk", flat=True)) == {first.pk, second.pk, third.pk}


def test_a_norm_edit_rewrites_the_figures_of_the_year(cast: Cast) -> None:
    actions.save_record(claim(cast), by=cast.reporter)
    [before] = Finding.objects.filter(rule="NORM_ALLOWANCE")
    rate = Norm.objects.in_force("travel.allowance", D(2026, 3, 2))
    assert rate is not None
    Norm.objects.filter(pk=rate.pk).update(value=Decimal(350_000))
    actions.recheck_year(2026)
    [after] = Finding.objects.filter(rule="NORM_ALLOWANCE")
    assert after.pk == before.pk
    assert (after.numbers["norm"], after.amount) == ("350000", Decimal(300_000))
    assert list(after.travel_claims.values_list("person", flat=True)) == ["Nguyễn Văn A"]
