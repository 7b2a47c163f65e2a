"""People named in an open oversight finding are held from titles until the case closes
(issue 13 point 5); the reason links the case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from thidua.audit.models import AuditEvent
from thidua.awards import eligibility as engine
from thidua.awards import facts
from thidua.awards.reasons import show
from thidua.awards.tests.test_eligibility import TT02
from thidua.org.models import Person
from thidua.oversight import actions
from thidua.oversight.models import Finding, Norm, ProcurementPackage
from thidua.oversight.norms import load_norms
from thidua.testing import Cast

AS_OF = dt.date(2027, 2, 1)


def _finding(cast: Cast) -> Finding:
    load_norms(Norm)  # a transactional test elsewhere may have flushed the migration's rows
    p = ProcurementPackage(
        unit=cast.regional,
        year=2026,
        item="Máy tính",
        category="goods",
        method="direct",
        estimate=Decimal(900_000_000),
        award_price=Decimal(900_000_000),
        bidders=1,
        award_date=dt.date(2026, 5, 4),
    )
    actions.save_record(p, by=cast.reporter)
    return Finding.objects.get(rule="DIRECT_OVER_LIMIT")


def _person(code: str) -> Person:
    return Person.objects.create(code=code, full_name=f"Cán bộ {code}", search_key=code)


def _holds(person: Person) -> list[engine.Reason]:
    p = facts.person_facts(2026, AS_OF, [person.pk])[person.pk]
    return engine.holds(p.cases, AS_OF, TT02)


def test_a_person_named_in_an_open_finding_is_held_until_it_closes(cast: Cast) -> None:
    named, other = _person("CB001"), _person("CB002")
    f = _finding(cast)
    people = actions.people_by_codes("cb001")
    actions.ask_to_explain(f, by=cast.supervisor, reason="Giải trình", people=people)
    assert list(f.named_people.all()) == [named]
    assert AuditEvent.objects.filter(action="oversight.finding.people").exists()
    [reason] = _holds(named)
    assert (reason.code, reason.status, reason.params["finding"]) == ("finding_open", "hold", f.pk)
    assert _holds(other) == []
    with translation.override("vi"):
        [shown] = show([list(reason)])
    assert shown.url == f"/oversight/findings/{f.pk}/"
    assert "%(" not in shown.text
    actions.dismiss_finding(f, by=cast.supervisor, reason="Đã giải trình hợp lý")
    assert _holds(named) == []


def test_unknown_staff_codes_are_refused_and_nothing_is_named(cast: Cast) -> None:
    _person("CB001")
    f = _finding(cast)
    with pytest.raises(ValidationError) as exc:
        actions.people_by_codes("CB001, CB404")
    assert "CB404" in str(exc.value.message_dict["people"])
    assert f.named_people.count() == 0
    assert actions.people_by_codes("  ") == []


def test_the_finding_page_names_the_people_and_the_form_names_more(
    cast: Cast, client: Client
) -> None:
    named = _person("CB007")
    f = _finding(cast)
    client.force_login(cast.supervisor)
    response = client.post(
        f"/oversight/findings/{f.pk}/review/",
        {"deadline": "01/03/2027", "reason": "Giải trình", "people": "CB007"},
    )
    assert response.status_code == 302
    assert list(f.named_people.all()) == [named]
    page = client.get(f"/oversight/findings/{f.pk}/").content.decode()
    assert "Cán bộ CB007" in page
    bad = client.post(
        f"/oversight/findings/{f.pk}/confirmed/",
        {"reason": "Vi phạm", "people": "XX9"},
        follow=True,
    )
    f.refresh_from_db()
    assert f.status == "review"
    assert "XX9" in bad.content.decode()
