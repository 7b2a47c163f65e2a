"""The demo's public portal (issue 12): the council secretary publishes Tuyên Quang's approved
2024 and 2025 THTK-CLP figures (the province and its regional procuracy 1), the final 2025
assessment results and the award decisions of the 2025 round, through the same action as the
publishing page; the log's signing key is generated into var/ on first use."""

from __future__ import annotations

from thidua.accounts.models import User
from thidua.council.models import Decision
from thidua.disclosures import actions, sources
from thidua.disclosures.sources import Draft
from thidua.org.models import OrgUnit

from .council import DECISION_DAY

UNITS = ("TQ", "TQ-KV01")
YEARS = (2024, 2025)


def build_disclosures() -> list[str]:
    by = User.objects.filter(username="thuky").first() or "demo"
    drafts: list[Draft | None] = []
    for unit in OrgUnit.objects.filter(code__in=UNITS).order_by("code"):
        drafts += [sources.figures(unit, year) for year in YEARS]
    drafts.append(sources.ranking(2025))
    issued = Decision.objects.filter(status=Decision.Status.ISSUED, date=DECISION_DAY)
    drafts += [sources.decision(d) for d in issued.order_by("issuer_id", "number")]
    published = [actions.publish(d, by=by) for d in drafts if d is not None]
    return [f"Cổng công khai: {len(published)} nội dung đã công khai (/public/)."]
