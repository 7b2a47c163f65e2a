"""What may be published, read from the other apps as plain content (no internal ids): the
public JSON that the log hashes. Each builder returns None when there is nothing publishable
yet (no approved figures, no final result, a decision not issued)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from thidua.council.exports import decision_document
from thidua.council.models import Decision
from thidua.evaluation.figures import year_figures
from thidua.evaluation.models import Assessment, Cluster
from thidua.evaluation.results import unit_results
from thidua.lib.documents.model import OfficialDocument, Paragraph, Signer, Table
from thidua.org.models import OrgUnit
from thidua.reporting import rollups
from thidua.reporting.models import Indicator

from .models import Publication

SCHEMA = 1


@dataclass(frozen=True)
class Draft:
    kind: str
    subject: str
    title: str
    year: int | None
    content: dict[str, Any]


def figures(unit: OrgUnit, year: int) -> Draft | None:
    """A unit's approved figures for `year` (approved and accepted reports only, through the
    roll-ups' public query), each with its definition. None without any approved quarter."""
    indicators = rollups.with_inputs(list(Indicator.objects.select_related("group")))
    found = year_figures(year, indicators, [unit.pk]).get(unit.pk)
    if found is None or not found.quarters:
        return None
    rows = [
        {
            "indicator": i.name,
            "indicator_en": i.name_en,
            "group": i.group.name,
            "unit_of_measure": i.get_unit_display(),
            "legal_basis": i.legal_basis,
            "value": found.values.get(i.code),
        }
        for i in indicators
        if found.values.get(i.code) is not None
    ]
    if not rows:
        return None
    return Draft(
        Publication.Kind.FIGURES,
        f"figures/{unit.code}/{year}",
        _("THTK-CLP figures %(year)s: %(unit)s") % {"year": year, "unit": unit.name},
        year,
        {
            "schema": SCHEMA,
            "kind": "figures",
            "unit": unit.name,
            "year": year,
            "quarters": sorted(found.quarters),
            "figures": rows,
        },
    )


def ranking(year: int) -> Draft | None:
    """The final THTK-CLP assessment results of `year`, by cluster, with the rank in it."""
    results = {k: r for k, r in unit_results(year).items() if r.final and r.total is not None}
    if not results:
        return None
    units = dict(OrgUnit.objects.filter(pk__in=results).values_list("pk", "name"))
    clusters = dict(
        Cluster.objects.filter(pk__in={r.cluster_id for r in results.values()}).values_list(
            "pk", "name"
        )
    )
    grades = {
        a.unit_id: a.grade_label
        for a in Assessment.objects.filter(year=year, unit_id__in=results).select_related("rubric")
    }
    rows = sorted(
        (
            {
                "cluster": clusters.get(r.cluster_id, "") if r.cluster_id else "",
                "rank": r.rank_in_cluster,
                "unit": units[unit_id],
                "total": r.total,
                "grade": grades.get(unit_id, r.grade),
            }
            for unit_id, r in results.items()
        ),
        key=lambda row: (row["cluster"], row["rank"] or 10**6, row["unit"]),
    )
    return Draft(
        Publication.Kind.RANKING,
        f"ranking/{year}",
        _("THTK-CLP assessment results %(year)s") % {"year": year},
        year,
        {"schema": SCHEMA, "kind": "ranking", "year": year, "results": rows},
    )


def decision(decision_: Decision) -> Draft | None:
    """An issued decision's own public content: the document as issued (Decree 30/2020)."""
    if decision_.status != Decision.Status.ISSUED:
        return None
    document = decision_document(decision_)
    return Draft(
        Publication.Kind.DECISION,
        f"decision/{decision_.issuer.code}/{decision_.year}/{decision_.number}",
        _("Decision %(number)s of %(date)s: %(subject)s")
        % {
            "number": decision_.number_text,
            "date": decision_.date.strftime("%d/%m/%Y"),
            "subject": decision_.subject,
        },
        decision_.year,
        {"schema": SCHEMA, "kind": "decision", "document": document_content(document)},
    )


def document_content(document: OfficialDocument) -> dict[str, Any]:
    data = dataclasses.asdict(document)
    data["body"] = [
        {"block": "table" if isinstance(b, Table) else "paragraph", **dataclasses.asdict(b)}
        for b in document.body
    ]
    return data


def document_from_content(data: dict[str, Any]) -> OfficialDocument:
    """The document back from published content, to render its .pdf."""
    fields = dict(data)
    body: list[Paragraph | Table] = []
    for block in fields.pop("body", []):
        values = {k: v for k, v in block.items() if k != "block"}
        if block["block"] == "table":
            values["numeric"] = set(values.get("numeric") or [])
            body.append(Table(**values))
        else:
            body.append(Paragraph(**values))
    fields["signers"] = [Signer(**s) for s in fields.get("signers", [])]
    fields["date"] = dt.date.fromisoformat(str(fields["date"]))
    return OfficialDocument(**fields, body=body)
