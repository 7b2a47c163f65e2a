"""THTK-CLP programmes, clusters and assessments for the demo sector, consistent with the demo
reports (demo/reports.py): every computed point comes from the approved figures through the
same engine as the pages (evaluation/engine.py).

What is generated (deterministic for a seed; bulk inserts):
- a programme for 2022–2026 for every unit that reports in the year and was open on 1 January,
  approved by the unit head, issued in December of the previous year, with two or three
  numeric targets (conference spending down against last year, total savings up against last
  year, share of documents handled electronically; disbursement for investing units);
- sector clusters 2023–2026 of the provincial procuracies open at the year's end (about six
  a cluster, so 63 provinces before the 01/07/2025 merger and 34 after), a block of the
  high-level procuracies while they existed; pact signed at the end of March; chair and deputy
  rotating among the members finally assessed the year before;
- an assessment for every unit with approved figures in 2022–2025, final; for 2026 a third of
  the units have self-assessed (draft or submitted). Manual points (6–10 of 10) carry a demo
  evidence link; a few units have violations; about one in twelve has a point changed at review
  with a reason.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Min

from thidua.accounts.models import Role, RoleAssignment, User
from thidua.audit.chain import Change, record_many
from thidua.evaluation import engine
from thidua.evaluation.actions import rubric_for
from thidua.evaluation.catalogue import load_rubrics
from thidua.evaluation.models import (
    Assessment,
    AssessmentTransition,
    Cluster,
    ClusterMember,
    Criterion,
    Programme,
    Rubric,
    Score,
    Target,
)
from thidua.evaluation.targets import refresh_targets
from thidua.lib.numbers import format_vn_number as vn
from thidua.movements.models import Movement
from thidua.movements.scope import covers
from thidua.org.models import OrgUnit, TreePath
from thidua.reporting.models import Indicator, Report

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_YEAR, LAST_YEAR = 2022, 2026
FINAL_UNTIL = 2025
CLUSTER_FROM = 2023
CLUSTER_SIZE = 6
ACTOR = "load_demo"
EVIDENCE = "https://demo.thidua.invalid/minh-chung/{code}-{year}.pdf"
KEY_TASKS = (
    "Tiết kiệm chi thường xuyên, hội nghị, công tác phí; đẩy mạnh xử lý văn bản điện tử; "
    "mua sắm tập trung."
)
MEASURES = (
    "Giao chỉ tiêu tiết kiệm cho từng bộ phận; công khai kết quả hằng quý; kiểm tra đột xuất."
)
RESPONSIBLE = "Văn phòng; bộ phận Kế hoạch – Tài chính; các phòng nghiệp vụ."
REVIEW_REASONS = (
    "Chương trình THTK-CLP ban hành sau thời hạn; giảm điểm tiêu chí chỉ đạo.",
    "Tài liệu minh chứng chưa thể hiện việc kiểm tra thực hiện chương trình.",
    "Đã xác minh thêm một trường hợp chi sai chế độ công tác phí.",
    "Bổ sung minh chứng hợp lệ sau khi thẩm định; công nhận đủ điểm.",
)


def _reporting_units(year: int) -> set[int]:
    return set(
        Report.objects.filter(period__year=year, period__kind="quarter")
        .values_list("unit_id", flat=True)
        .distinct()
    )


def _open_ids(ids: set[int], day: dt.date) -> set[int]:
    return set(OrgUnit.objects.at(day).filter(id__in=ids).values_list("id", flat=True))


def _at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def _heads() -> dict[int, User]:
    rows = RoleAssignment.objects.filter(role=Role.UNIT_HEAD).select_related("user")
    return {r.unit_id: r.user for r in rows}


def build_programmes(rng: random.Random) -> tuple[int, int]:
    """Programmes and targets 2022–2026 for every unit that reports."""
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(
            code__in=["CONF_SPEND", "SAV_TOTAL", "DOCS_E_SHARE", "INV_DISBURSE_RATE"]
        )
    }
    investing = set(
        OrgUnit.objects.filter(level__code__in=["toi-cao", "cap-tinh"]).values_list("id", flat=True)
    )
    heads = _heads()
    programmes: list[Programme] = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for unit_id in sorted(_open_ids(_reporting_units(year), dt.date(year, 1, 1))):
            issued = dt.date(year - 1, 12, rng.randint(10, 31))
            programmes.append(
                Programme(
                    unit_id=unit_id,
                    year=year,
                    status=Programme.Status.APPROVED,
                    key_tasks=KEY_TASKS,
                    measures=MEASURES,
                    responsible_units=RESPONSIBLE,
                    issued_on=issued,
                    approved_by=heads.get(unit_id),
                    approved_at=dt.datetime.combine(issued, dt.time(15), tzinfo=TZ),
                )
            )
    Programme.objects.bulk_create(programmes, batch_size=1000)
    targets: list[Target] = []
    for p in Programme.objects.filter(year__gte=FIRST_YEAR).values_list("id", "unit_id", "year"):
        pk, unit_id, year = p
        share = Decimal(min(95, 50 + 12 * (year - FIRST_YEAR) + rng.choice([0, 5, 10])))
        targets.append(
            Target(
                programme_id=pk,
                indicator=indicators["DOCS_E_SHARE"],
                kind="amount",
                comparator=">=",
                value=share,
            )
        )
        if year > FIRST_YEAR:
            targets.append(
                Target(
                    programme_id=pk,
                    indicator=indicators["CONF_SPEND"],
                    kind="percent_change",
                    comparator="<=",
                    value=Decimal(-rng.choice([3, 5, 8, 10])),
                )
            )
            targets.append(
                Target(
                    programme_id=pk,
                    indicator=indicators["SAV_TOTAL"],
                    kind="percent_change",
                    comparator=">=",
                    value=Decimal(rng.choice([5, 10, 15, 20])),
                )
            )
        if unit_id in investing:
            targets.append(
                Target(
                    programme_id=pk,
                    indicator=indicators["INV_DISBURSE_RATE"],
                    kind="amount",
                    comparator=">=",
                    value=Decimal(rng.choice([80, 85, 90, 95])),
                )
            )
    Target.objects.bulk_create(targets, batch_size=2000)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        refresh_targets(year)
    return len(programmes), len(targets)


def _assessed_units(year: int) -> list[OrgUnit]:
    day = dt.date(year, 12, 31)
    ids = _open_ids(_reporting_units(year), day)
    return list(OrgUnit.objects.filter(id__in=ids).order_by("code"))


def _scores_for(
    a: Assessment, criteria: list[Criterion], rng: random.Random, code: str
) -> list[Score]:
    rows = []
    for c in criteria:
        s = Score(assessment=a, criterion=c)
        if c.kind == Criterion.Kind.MANUAL:
            s.self_points = Decimal(rng.choice([6, 7, 8, 8, 9, 9, 10, 10]))
            s.evidence_link = EVIDENCE.format(code=code.lower(), year=a.year)
            if a.year <= FINAL_UNTIL and rng.random() < 1 / 12:
                s.review_points = max(Decimal(0), s.self_points - rng.choice([1, 2, 3]))
                s.review_reason = rng.choice(REVIEW_REASONS)
        elif c.kind == Criterion.Kind.DEDUCTION:
            s.violations = rng.choices([0, 1, 2], weights=[85, 12, 3])[0]
        rows.append(s)
    return rows


def build_assessments(rng: random.Random) -> dict[int, int]:
    """Assessments 2022–2026 computed from the approved figures; final up to 2025."""
    rubrics: dict[int, dict[str, Rubric]] = {}
    criteria = defaultdict(list)
    for c in Criterion.objects.select_related("group").order_by("group__order", "order"):
        criteria[c.group.rubric_id].append(c)
    counts: dict[int, int] = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        rubrics[year] = {
            t: rubric_for(t, year) for t in (Rubric.EntityType.DIRECT, Rubric.EntityType.UPPER)
        }
        units = _assessed_units(year)
        if year > FINAL_UNTIL:
            units = [u for u in units if rng.random() < 0.35 or u.code.endswith("KV01")]
        parents = set(
            TreePath.objects.at(dt.date(year, 12, 31))
            .filter(depth=1, ancestor__in=units)
            .values_list("ancestor_id", flat=True)
        )
        running = Movement.objects.filter(covers(year)).distinct().order_by("pk").first()
        assessments = []
        for u in units:
            rubric = rubrics[year]["upper" if u.pk in parents else "direct"]
            movement_id = rubric.movement_id or (running.pk if running else None)
            assessments.append(
                Assessment(unit=u, year=year, rubric=rubric, movement_id=movement_id)
            )
        Assessment.objects.bulk_create(assessments, batch_size=1000)
        created = list(Assessment.objects.filter(year=year).select_related("unit"))
        scores = [
            s for a in created for s in _scores_for(a, criteria[a.rubric_id], rng, a.unit.code)
        ]
        Score.objects.bulk_create(scores, batch_size=2000)
        engine.compute(year, created)
        _review_and_finalise(year, created, rng)
        counts[year] = len(created)
    return counts


def _review_and_finalise(year: int, assessments: list[Assessment], rng: random.Random) -> None:
    """Submitted, then final after review (2022–2025); 2026 stays self-assessed or submitted."""
    reviewer = User.objects.filter(username="duyet.vkstc").first()
    heads = _heads()
    submitted_at = _at(year + 1, 1, rng.randint(5, 10))
    final_at = _at(year + 1, 2, rng.randint(10, 25))
    transitions: list[AssessmentTransition] = []
    for a in assessments:
        if year > FINAL_UNTIL:
            if a.unit.code.endswith("KV01"):
                continue  # the demo unit heads self-assess their own 2026 evaluation
            if rng.random() < 0.5:
                a.status = Assessment.Status.SUBMITTED
                transitions.append(
                    AssessmentTransition(
                        assessment=a,
                        from_status="draft",
                        to_status="submitted",
                        by=heads.get(a.unit_id),
                        at=_at(2026, 11, 20),
                    )
                )
            continue
        a.status = Assessment.Status.FINAL
        transitions.append(
            AssessmentTransition(
                assessment=a,
                from_status="draft",
                to_status="submitted",
                by=heads.get(a.unit_id),
                at=submitted_at,
            )
        )
        transitions.append(
            AssessmentTransition(
                assessment=a, from_status="submitted", to_status="final", by=reviewer, at=final_at
            )
        )
    Assessment.objects.bulk_update(assessments, ["status"], batch_size=1000)
    AssessmentTransition.objects.bulk_create(transitions, batch_size=2000)
    record_many(
        [
            Change(
                "demo.assessment.load",
                "evaluation.assessment",
                a.pk,
                None,
                {"unit": a.unit.code, "year": year, "status": a.status},
            )
            for a in assessments
        ],
        by=ACTOR,
    )


def build_clusters(rng: random.Random) -> int:
    """Sector clusters of the provincial procuracies, and a block of the high-level ones."""
    top = OrgUnit.objects.filter(level__code="toi-cao").first()
    if top is None:
        return 0
    upper = Rubric.objects.filter(entity_type=Rubric.EntityType.UPPER).first()
    made = 0
    for year in range(CLUSTER_FROM, LAST_YEAR + 1):
        day = dt.date(year, 12, 31)
        provinces = list(OrgUnit.objects.at(day).filter(level__code="cap-tinh").order_by("code"))
        n = max(1, round(len(provinces) / CLUSTER_SIZE))
        groups = [provinces[i::n] for i in range(n)]
        high = list(OrgUnit.objects.at(day).filter(level__code="cap-cao").order_by("code"))
        evaluated = set(
            Assessment.objects.filter(year=year - 1, status="final").values_list(
                "unit_id", flat=True
            )
        )
        plans = [
            ("cluster", f"cum-{i + 1:02d}", f"Cụm thi đua số {i + 1} ngành KSND", g)
            for i, g in enumerate(groups)
        ]
        if len(high) >= 2:
            plans.append(("block", "khoi-cap-cao", "Khối thi đua các VKSND cấp cao", high))
        for kind, code, name, members in plans:
            eligible = [m for m in members if m.pk in evaluated]
            rng.shuffle(eligible)
            chair, deputy = ([*eligible, None, None])[:2]
            cluster = Cluster.objects.create(
                year=year,
                code=code,
                name=name,
                kind=kind,
                organiser=top,
                chair=chair,
                deputy=deputy,
                pact_signed_on=dt.date(year, 3, rng.randint(20, 31)),
                rubric=upper,
            )
            ClusterMember.objects.bulk_create(
                ClusterMember(cluster=cluster, unit=m, year=year, kind=kind) for m in members
            )
            made += 1
    return made


def build_evaluation(rng: random.Random) -> list[str]:
    """Programmes, clusters and assessments for the demo; returns summary lines."""
    load_rubrics()
    programmes, targets = build_programmes(rng)
    counts = build_assessments(rng)
    clusters = build_clusters(rng)
    first = Assessment.objects.aggregate(Min("total"))["total__min"]
    return [
        f"Chương trình THTK-CLP 2022–2026: {vn(programmes)} chương trình, {vn(targets)} chỉ tiêu.",
        "Đánh giá THTK-CLP: "
        + ", ".join(f"{y}: {vn(n)}" for y, n in counts.items())
        + f" (chính thức đến {FINAL_UNTIL}; điểm thấp nhất {vn(first, 2)}).",
        f"Cụm, khối thi đua 2023–2026: {vn(clusters)}.",
    ]
