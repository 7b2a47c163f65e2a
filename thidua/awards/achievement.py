"""The achievement report (báo cáo thành tích) in the official form of the regulation in force.

The report is stored structured in `Proposal.report` (a JSON object): the form chosen by the
report's date (`report_forms.json`: Decree 91/2017, 98/2023 or 152/2025), the nominee's
profile, the narrative sections the unit writes (prefilled with a draft from the data), and
the tables prefilled from the data (ratings, initiatives, THTK-CLP results, titles and awards
by year), which "refresh" recomputes without touching the narrative. `document()` lays it out
as an `OfficialDocument` (Decree 30/2020) for .docx and .pdf. The document is Vietnamese, as the
form is; it shows names and words, never codes.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from thidua.lib.documents import OfficialDocument, Paragraph, Signer, Table, in_full
from thidua.org import tree
from thidua.org.body import profile_for
from thidua.org.models import OrgUnit, Person

from . import facts
from .models import AwardRecord, Initiative, PerformanceRating, Proposal, Title

RATING_VI = {
    "HTXS": "Hoàn thành xuất sắc nhiệm vụ",
    "HTT": "Hoàn thành tốt nhiệm vụ",
    "HT": "Hoàn thành nhiệm vụ",
    "KHT": "Không hoàn thành nhiệm vụ",
}
GENDER_VI = {"male": "Nam", "female": "Nữ"}
RATING_YEARS = 5
"""Ratings, titles and awards are listed for the evaluated year and the years before it, as
far back as the longest chain of the Law needs (CSTĐ toàn quốc: two CSTĐ ngành, six years)."""


@dataclass(frozen=True)
class Field:
    """A section the unit writes. `multiline` is a paragraph box, else a one-line input."""

    key: str
    label: Any
    required: bool = False
    multiline: bool = True


FIELDS: dict[str, list[Field]] = {
    "individual": [
        Field("hometown", _("Home town"), multiline=False),
        Field("residence", _("Place of residence"), multiline=False),
        Field("qualification", _("Professional qualification"), multiline=False),
        Field("background", _("Career summary")),
        Field("duties", _("Powers and duties assigned"), required=True),
        Field("results", _("Achievements"), required=True),
        Field("measures", _("Solutions, initiatives and studies applied")),
    ],
    "collective": [
        Field("address", _("Head office address"), multiline=False),
        Field("background", _("Characteristics and situation")),
        Field("duties", _("Functions and duties"), required=True),
        Field("results", _("Results of the assigned duties"), required=True),
        Field("measures", _("Measures, solutions and initiatives applied")),
    ],
}


@functools.cache
def _forms() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (Path(__file__).parent / "report_forms.json").read_text(encoding="utf-8")
    )
    return data


def _day(text: str | None) -> dt.date:
    return dt.date.fromisoformat(text) if text else dt.date.max


def regime_on(day: dt.date) -> dict[str, Any]:
    """The forms' regime in force on `day` (its `valid_from` ≤ day < its `valid_to`); before
    the first, the first."""
    regimes: list[dict[str, Any]] = _forms()["regimes"]
    for regime in regimes:
        if _day(regime["valid_from"]) <= day < _day(regime["valid_to"]):
            return regime
    return regimes[0]


def form_for(day: dt.date, *, individual: bool) -> tuple[str, str, str]:
    """(regime key, form name, confidence) of the achievement report made on `day`:
    "Mẫu số 05" of Decree 152/2025 for a person from 01/07/2025, and so on."""
    regime = regime_on(day)
    form = regime["individual" if individual else "collective"]
    return regime["key"], f"{form['form']} {regime['instrument']}", form["confidence"]


def _kind(report: dict[str, Any]) -> str:
    return "collective" if report.get("kind") == "collective" else "individual"


def fields_of(report: dict[str, Any]) -> list[Field]:
    return FIELDS[_kind(report)]


def missing(report: dict[str, Any]) -> list[str]:
    """The labels of the required narrative sections left empty."""
    narrative = report.get("narrative") or {}
    return [
        str(f.label)
        for f in fields_of(report)
        if f.required and not str(narrative.get(f.key, "")).strip()
    ]


def _dmy(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _placements(person: Person, day: dt.date) -> list[tuple[str, str]]:
    return [
        (p.title, p.unit.name)
        for p in person.positions.filter(valid_from__lte=day, valid_to__gte=day)
        .select_related("unit")
        .order_by("-valid_from")
    ]


def _issuer(award: AwardRecord) -> str:
    proposal = award.proposal
    if proposal is not None and proposal.council is not None:
        return str(proposal.council.unit.name)
    return ""


def _award_rows(awards: Any, kind: str) -> list[list[str]]:
    rows = []
    for a in awards:
        if a.title.kind != kind:
            continue
        decision = ", ".join(
            part
            for part in (
                f"Quyết định số {a.decision_number}" if a.decision_number else "",
                f"ngày {_dmy(a.decided_on)}" if a.decided_on else "",
                _issuer(a),
            )
            if part
        )
        rows.append([str(a.year), a.title.name, decision])
    return rows


def tables(
    title: Title, year: int, *, person: Person | None, unit: OrgUnit | None, day: dt.date
) -> dict[str, Any]:
    """The parts of the report computed from the data (the refreshable part)."""
    first = year - RATING_YEARS + 1
    awards = (
        AwardRecord.objects.filter(revoked_on__isnull=True, year__gte=first, year__lte=year)
        .select_related("title", "proposal__council__unit")
        .exclude(title=title, year=year)  # the award being proposed (once decided) is not prior
        .order_by("year", "decided_on", "title__sort_order")
    )
    out: dict[str, Any] = {"profile": [], "ratings": [], "initiatives": [], "results": []}
    if person is not None:
        end = min(day, dt.date(year, 12, 31))
        places = _placements(person, end) or _placements(person, day)
        out["profile"] = [
            ["Họ và tên", person.full_name],
            ["Sinh ngày, tháng, năm", _dmy(person.birth_date)],
            ["Giới tính", GENDER_VI.get(person.gender, "")],
            ["Đơn vị công tác", "; ".join(dict.fromkeys(u for _t, u in places))],
            ["Chức vụ", "; ".join(dict.fromkeys(t for t, _u in places))],
        ]
        out["ratings"] = [
            [str(y), RATING_VI.get(level, level)]
            for y, level in PerformanceRating.objects.filter(
                person=person, year__gte=first, year__lte=year
            )
            .order_by("year")
            .values_list("year", "level")
        ]
        initiatives = Initiative.objects.filter(authors=person, recognised_on__lte=day)
        awards = awards.filter(person=person)
    else:
        assert unit is not None
        parents = tree.ancestor_ids(unit.pk, day)
        parent = OrgUnit.objects.filter(pk=parents[-1]).first() if parents else None
        out["profile"] = [
            ["Tên tập thể", unit.name],
            ["Cơ quan cấp trên", parent.name if parent else ""],
        ]
        initiatives = Initiative.objects.filter(unit=unit, recognised_on__lte=day)
        for y in range(year - 1, year + 1):
            result = facts.unit_results(y).get(unit.pk)
            if result is not None and result.total is not None:
                points = f"{result.total:.2f}".rstrip("0").rstrip(".").replace(".", ",")
                out["results"].append(
                    [str(y), points, "Chính thức" if result.final else "Chưa chính thức"]
                )
        awards = awards.filter(unit=unit)
    out["initiatives"] = [
        [i.title, str(i.level_text), _dmy(i.recognised_on), i.recognised_by]
        for i in initiatives.order_by("recognised_on")
    ]
    out["titles"] = _award_rows(awards, Title.Kind.TITLE)
    out["awards"] = _award_rows(awards, Title.Kind.FORM)
    return out


def _draft(
    parts: dict[str, Any], title: Title, year: int, *, person: Person | None
) -> dict[str, str]:
    """A first draft of the narrative from the data; the unit rewrites it."""
    if person is not None:
        placement = dict(parts["profile"])
        duties = (
            f"{placement['Chức vụ']}, {placement['Đơn vị công tác']}."
            if placement["Chức vụ"]
            else ""
        )
        lines = [f"Năm {y}: {text}." for y, text in parts["ratings"]]
    else:
        duties = ""
        lines = [
            f"Năm {y}: kết quả đánh giá công tác thực hành tiết kiệm, chống lãng phí đạt "
            f"{points} điểm ({state.lower()})."
            for y, points, state in parts["results"]
        ]
    lines += [
        f"Sáng kiến “{name}” được {by} công nhận ({level})."
        for name, level, _d, by in parts["initiatives"]
    ]
    return {"duties": duties, "results": "\n".join(lines)}


def prefill(
    title: Title, year: int, *, person: Person | None, unit: OrgUnit | None, day: dt.date
) -> dict[str, Any]:
    """A new report: the form in force on `day`, the tables from the data, and a draft of the
    narrative."""
    individual = person is not None
    regime, form, confidence = form_for(day, individual=individual)
    parts = tables(title, year, person=person, unit=unit, day=day)
    return {
        "kind": "individual" if individual else "collective",
        "regime": regime,
        "form": form,
        "confidence": confidence,
        "date": day.isoformat(),
        "narrative": _draft(parts, title, year, person=person),
        **parts,
    }


def refresh(proposal: Proposal, day: dt.date) -> dict[str, Any]:
    """The report with its form, date and tables recomputed; the narrative kept."""
    fresh = prefill(
        proposal.title, proposal.year, person=proposal.person, unit=proposal.unit, day=day
    )
    fresh["narrative"] = dict((proposal.report or {}).get("narrative") or fresh["narrative"])
    return fresh


def report_date(proposal: Proposal) -> dt.date:
    """The report's date: set when prefilled or refreshed, else the proposal's."""
    stored = (proposal.report or {}).get("date")
    return dt.date.fromisoformat(stored) if stored else proposal.created_at.date()


def plain_text(report: dict[str, Any]) -> str:
    """The narrative and tables as plain text (search, audit, older callers)."""
    lines = [str(report.get("form", ""))]
    for row in report.get("profile", []):
        lines.append(": ".join(row))
    narrative = report.get("narrative") or {}
    lines += [str(narrative[f.key]) for f in fields_of(report) if narrative.get(f.key)]
    for key in ("ratings", "initiatives", "results", "titles", "awards"):
        lines += [" – ".join(row) for row in report.get(key, [])]
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------- the document


def _heading(text: str) -> Paragraph:
    return Paragraph(text, bold=True, align="left", indent=True)


def _paragraphs(text: str) -> list[Paragraph]:
    """The lines of a section; "…" where the unit has not written it yet."""
    lines = [Paragraph(line.strip()) for line in str(text).splitlines() if line.strip()]
    return lines or [Paragraph("…")]


def _table(columns: list[str], rows: list[list[str]], widths: list[int]) -> Table:
    numbered = [[str(i), *row] for i, row in enumerate(rows, 1)]
    return Table(["STT", *columns], numbered, widths=[6, *widths], numeric={0})


def document(proposal: Proposal) -> OfficialDocument:
    """The report in the form's layout: the header (the unit and its parent for a collective;
    the Quốc hiệu and Tiêu ngữ), "BÁO CÁO THÀNH TÍCH" and what it proposes, sections I–III,
    and the two signature blocks (the nominee or the unit's head; the certifying level)."""
    report = proposal.report or {}
    kind = _kind(report)
    sections = _forms()["sections"][kind]
    narrative = report.get("narrative") or {}
    day = report_date(proposal)
    profile = [list(row) for row in report.get("profile", [])]
    body: list[Paragraph | Table] = [
        Paragraph(
            profile[0][1] if profile else str(proposal.nominee),
            bold=True,
            align="center",
            indent=False,
        ),
        Paragraph(f"({report.get('form', '')})", italic=True, align="center", indent=False),
        _heading(sections["profile"]),
    ]
    if kind == "individual":
        extra = [
            ["Quê quán", narrative.get("hometown", "")],
            ["Trú quán", narrative.get("residence", "")],
            ["Trình độ chuyên môn, nghiệp vụ", narrative.get("qualification", "")],
        ]
        body.append(_heading("1. Sơ lược lý lịch"))
        rows = profile[:3] + extra[:2] + profile[3:] + extra[2:]
        body += [Paragraph(f"- {label}: {value or '…'}") for label, value in rows]
        body.append(_heading(sections["background"]))
        body += _paragraphs(narrative.get("background", ""))
        body.append(_heading(sections["achievements"]))
        body.append(_heading(sections["duties"]))
        body += _paragraphs(narrative.get("duties", ""))
        body.append(_heading(sections["results"]))
        body += _paragraphs(narrative.get("results", ""))
        if report.get("ratings"):
            body.append(Paragraph("Kết quả đánh giá, xếp loại chất lượng hằng năm:"))
            body.append(_table(["Năm", "Mức xếp loại"], report["ratings"], [14, 80]))
    else:
        parent = dict(profile).get("Cơ quan cấp trên", "")
        body += [
            Paragraph(f"- Tên tập thể: {dict(profile).get('Tên tập thể', '')}"),
            Paragraph(f"- Cơ quan cấp trên trực tiếp: {parent or '…'}"),
            Paragraph(f"- Địa chỉ trụ sở: {narrative.get('address') or '…'}"),
            _heading(sections["background"]),
        ]
        body += _paragraphs(narrative.get("background", ""))
        body.append(_heading(sections["duties"]))
        body += _paragraphs(narrative.get("duties", ""))
        body.append(_heading(sections["achievements"]))
        body.append(_heading(sections["results"]))
        body += _paragraphs(narrative.get("results", ""))
        if report.get("results"):
            body.append(Paragraph("Kết quả đánh giá công tác thực hành tiết kiệm, chống lãng phí:"))
            body.append(_table(["Năm", "Tổng điểm", "Tình trạng"], report["results"], [14, 30, 50]))
    body.append(_heading(sections["measures"]))
    body += _paragraphs(narrative.get("measures", ""))
    if report.get("initiatives"):
        body.append(Paragraph("Sáng kiến đã được công nhận:"))
        body.append(
            _table(
                ["Tên sáng kiến", "Cấp công nhận", "Ngày công nhận", "Cơ quan công nhận"],
                report["initiatives"],
                [36, 18, 16, 24],
            )
        )
    body.append(_heading(sections["awards"]))
    decision_col = "Số, ngày, tháng, năm của quyết định; cơ quan ban hành"
    body.append(_heading("1. Danh hiệu thi đua"))
    if report.get("titles"):
        body.append(
            _table(["Năm", "Danh hiệu thi đua", decision_col], report["titles"], [10, 36, 48])
        )
    else:
        body.append(Paragraph("Không có."))
    body.append(_heading("2. Hình thức khen thưởng"))
    if report.get("awards"):
        body.append(
            _table(["Năm", "Hình thức khen thưởng", decision_col], report["awards"], [10, 36, 48])
        )
    else:
        body.append(Paragraph("Không có."))
    body.append(
        Paragraph(
            "Tôi xin cam đoan nội dung báo cáo trên là đúng sự thật./."
            if kind == "individual"
            else "Trên đây là báo cáo thành tích của tập thể./."
        )
    )
    unit = proposal.proposing_unit
    nominee_name = proposal.person.full_name if proposal.person else ""
    stem = "bao-cao-thanh-tich"
    return OfficialDocument(
        governing_body=in_full(str(dict(profile).get("Cơ quan cấp trên", "")))
        if kind == "collective"
        else "",
        issuer=in_full(proposal.unit.name) if kind == "collective" and proposal.unit else "",
        symbol="",
        place=profile_for(unit).place or "",
        date=day,
        doc_type="Báo cáo thành tích",
        summary=f"Đề nghị tặng {proposal.title.name} năm {proposal.year}".upper(),
        body=body,
        signers=[
            Signer("", sections["left_signer"], note=sections["left_note"]),
            Signer(nominee_name, sections["right_signer"], note=sections["right_note"]),
        ],
        filename_stem=f"{stem}-{proposal.year}-{proposal.pk}",
        keep_with_signature=1,
    )
