"""The dashboard's charts as plain data: labels, datasets, a link behind every figure.

A chart is drawn by Chart.js on the page (`as_chartjs`), written as a native Excel chart in
the .xlsx (exports.py) and by matplotlib in the review documents (review_docs.py); its table
beneath is the same data. Nothing here reads the database: series.py does.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _

from thidua.lib.dates import format_vn_date
from thidua.lib.numbers import format_vn_number
from thidua.reporting import rollups
from thidua.reporting.models import Indicator, Period

from . import series
from .series import Choice, YearFigures

PALETTE = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d"]


@dataclass
class Dataset:
    label: str
    values: list[Decimal | None]
    links: list[str | None] = field(default_factory=list)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar, line, doughnut
    unit: str
    labels: list[str]
    datasets: list[Dataset]
    decimals: int = 1
    stacked: bool = False
    note: str = ""

    @property
    def empty(self) -> bool:
        """No figure at all (None everywhere), or nothing but zeros in a doughnut."""
        if self.kind == "doughnut":
            return not any(v for d in self.datasets for v in d.values)
        return all(v is None for d in self.datasets for v in d.values)

    def rows(self) -> list[tuple[str, list[tuple[str, str | None]]]]:
        """The table beneath: one row per label, one (formatted figure, link) per dataset."""
        out = []
        for i, label in enumerate(self.labels):
            cells = []
            for d in self.datasets:
                value = d.values[i]
                text = "" if value is None else format_vn_number(value, self.decimals)
                link = d.links[i] if i < len(d.links) else None
                cells.append((text, link))
            out.append((label, cells))
        return out

    def as_chartjs(self) -> dict[str, Any]:
        """The chart's configuration for Chart.js (numbers as floats, gaps as null)."""
        datasets = []
        for n, d in enumerate(self.datasets):
            colour = PALETTE[n % len(PALETTE)]
            datasets.append(
                {
                    "label": d.label,
                    "data": [None if v is None else float(v) for v in d.values],
                    "backgroundColor": PALETTE if self.kind == "doughnut" else colour,
                    "borderColor": colour,
                }
            )
        return {
            "type": self.kind,
            "data": {"labels": self.labels, "datasets": datasets},
            "unit": self.unit,
            "stacked": self.stacked,
        }


def rollup_link(unit_id: int, year: int | None, choice: Choice, **extra: Any) -> str:
    """The roll-up page the figure came from (with its reports behind it)."""
    params: dict[str, Any] = {"unit": unit_id}
    if year is not None:
        params["year"] = year
    params.update(extra)
    if choice.mapped_to is not None:
        params["structure"] = "mapped"
        params["on"] = format_vn_date(choice.mapped_to)
    return f"{_rollup_path(get_script_prefix())}?{urlencode(params)}"


@functools.cache
def _rollup_path(_prefix: str) -> str:
    """The roll-up page's path, reversed once per script prefix (a chart links every bar)."""
    return reverse("reporting:rollup")


def _indicator(code: str) -> Indicator | None:
    return Indicator.objects.filter(code=code).first()


def _unit_label(ind: Indicator) -> str:
    return str(ind.get_unit_display())


def year_chart(
    key: str, codes: list[str], figures: list[YearFigures], choice: Choice, kind: str = "line"
) -> Chart | None:
    """The unit's figures of some indicators (same unit of measure) year by year."""
    indicators = [i for c in codes if (i := _indicator(c)) is not None]
    if not indicators:
        return None
    years = [f.year for f in figures]
    datasets = [
        Dataset(
            ind.display_name,
            [f.total.get(ind.code) for f in figures],
            [rollup_link(choice.unit.pk, y, choice) for y in years],
        )
        for ind in indicators
    ]
    title = indicators[0].display_name if len(indicators) == 1 else _("Shares by year")
    return Chart(
        key,
        title,
        kind,
        _unit_label(indicators[0]),
        [str(y) for y in years],
        datasets,
        decimals=max(1, indicators[0].decimals),
    )


def children_chart(key: str, code: str, figures: list[YearFigures], choice: Choice) -> Chart | None:
    """One indicator for each child (columns in natural order), one dataset per year."""
    ind = _indicator(code)
    if ind is None or not choice.child_ids:
        return None
    datasets = [
        Dataset(
            str(f.year),
            [f.children.get(c, {}).get(code) for c in choice.child_ids],
            [rollup_link(c, f.year, choice) for c in choice.child_ids],
        )
        for f in figures
    ]
    return Chart(
        key,
        _("%(indicator)s by unit") % {"indicator": ind.display_name},
        "bar",
        _unit_label(ind),
        [choice.names.get(c, "") for c in choice.child_ids],
        datasets,
        decimals=max(1, ind.decimals),
    )


def quarter_chart(choice: Choice) -> Chart | None:
    code = choice.keys.disbursement
    ind = _indicator(code) if code else None
    if code is None or ind is None:
        return None
    rows = series.quarter_figures(choice, code)
    return Chart(
        "disbursement",
        _("%(indicator)s by quarter") % {"indicator": ind.display_name},
        "bar",
        _unit_label(ind),
        [p.label for p, _v in rows],
        [
            Dataset(
                ind.display_name,
                [v for _p, v in rows],
                [
                    rollup_link(choice.unit.pk, None, choice, first=p.pk, last=p.pk)
                    for p, _v in rows
                ],
            )
        ],
    )


def score_chart(choice: Choice, rows: list[series.ScoreRow]) -> Chart:
    return Chart(
        "scores",
        _("THTK-CLP scores by unit"),
        "bar",
        _("points"),
        [choice.names.get(r.unit_id, "") for r in rows],
        [
            Dataset(
                str(y),
                [r.scores.get(y) for r in rows],
                [
                    reverse("evaluation:unit", args=[r.unit_id])
                    if r.scores.get(y) is not None
                    else None
                    for r in rows
                ],
            )
            for y in choice.years
        ],
        decimals=2,
    )


def award_charts(choice: Choice, found: series.Awards) -> list[Chart]:
    years = list(choice.years)
    titles = sorted(found.by_title)
    by_title = Chart(
        "awards",
        _("Awards by title and year"),
        "bar",
        _("awards"),
        [str(y) for y in years],
        [Dataset(t, [Decimal(found.by_title[t].get(y, 0)) for y in years]) for t in titles],
        decimals=0,
        stacked=True,
    )
    balance = Chart(
        "balance",
        _("Individual awards: leadership posts and front-line staff"),
        "doughnut",
        _("people"),
        [_("Leadership posts"), _("Front-line staff")],
        [Dataset(_("People awarded"), [Decimal(found.leadership), Decimal(found.front_line)])],
        decimals=0,
        note=_("A leadership post is a head or deputy head of a unit or of its departments."),
    )
    return [by_title, balance]


def period_labels(periods: list[Period]) -> list[str]:
    return [p.label for p in periods]


def build(choice: Choice) -> list[Chart]:
    """Every chart of the dashboard for the choice, in reading order (absent ones skipped)."""
    with rollups.reusing_mappings():  # the unit mapped once for its years and its quarters
        figures = series.year_figures(choice)
        by_quarter = quarter_chart(choice)
    keys = choice.keys
    charts = [
        year_chart("savings", [keys.savings], figures, choice, kind="bar")
        if keys.savings
        else None,
        year_chart("saving_rate", [keys.saving_rate], figures, choice)
        if keys.saving_rate
        else None,
        by_quarter,
        year_chart("shares", list(keys.shares), figures, choice),
        children_chart("savings_units", keys.savings, figures, choice) if keys.savings else None,
        *[children_chart(f"units_{c.lower()}", c, figures, choice) for c in keys.shares],
        score_chart(choice, series.scores(choice)) if choice.child_ids else None,
        *award_charts(choice, series.awards(choice)),
        *findings_charts(choice, series.findings(choice)),
    ]
    return [c for c in charts if c is not None]


def findings_charts(choice: Choice, found: series.Findings) -> list[Chart]:
    """Oversight findings by rule and by child unit (confirmed, open); none where oversight
    found nothing in the years (or does not run)."""
    if found.empty:
        return []
    queue = reverse("oversight:queue")
    years = choice.years
    year = years[0] if len(years) == 1 else None

    def link(rule: str, status: str) -> str:
        params = {"rule": rule, "status": status, **({"year": year} if year else {})}
        return f"{queue}?{urlencode(params)}"

    by_rule = Chart(
        "findings",
        _("Oversight findings by rule"),
        "bar",
        _("findings"),
        [title for _code, title in found.rules],
        [
            Dataset(
                _("Confirmed"),
                [Decimal(found.by_rule[c][0]) for c, _t in found.rules],
                [link(c, "confirmed") for c, _t in found.rules],
            ),
            Dataset(_("Being examined"), [Decimal(found.by_rule[c][1]) for c, _t in found.rules]),
        ],
        decimals=0,
        stacked=True,
        note=_(
            "Being examined: new, under review or explained by the unit; dismissed findings "
            "are not counted."
        ),
    )
    out = [by_rule]
    if choice.child_ids and any(any(v) for v in found.by_child.values()):
        out.append(
            Chart(
                "findings_units",
                _("Oversight findings by unit"),
                "bar",
                _("findings"),
                [choice.names.get(c, "") for c in choice.child_ids],
                [
                    Dataset(
                        _("Confirmed"),
                        [Decimal(found.by_child[c][0]) for c in choice.child_ids],
                    ),
                    Dataset(
                        _("Being examined"),
                        [Decimal(found.by_child[c][1]) for c in choice.child_ids],
                    ),
                ],
                decimals=0,
                stacked=True,
            )
        )
    return out
