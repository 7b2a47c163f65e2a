"""Publishing and withdrawing: a leaf each, idempotent, audited and anchored."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction

from thidua.audit.chain import Change, record_many
from thidua.audit.models import AuditEvent, AuditHead
from thidua.council import actions as council
from thidua.council.models import CouncilSession, Decision
from thidua.council.testing import DECISION_DAY, SESSION_DAY, World
from thidua.disclosures import actions, log, merkle, sources
from thidua.disclosures.models import LogLeaf
from thidua.evaluation.testing import regional_year
from thidua.reporting.testing import ReportingCast

pytestmark = pytest.mark.django_db

FIELDS = {
    "issuer_name": "Viện kiểm sát nhân dân tối cao",
    "symbol": "QĐ-VKSTC",
    "place": "Hà Nội",
    "signer_name": "Nguyễn Huy Tiến",
    "signer_position": "Phó Viện trưởng",
    "authority": "KT.",
    "authority_of": "Viện trưởng",
    "subject": "Về việc tặng danh hiệu thi đua năm 2024",
    "legal_bases": "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15.",
    "recipients": "Như Điều 3;\nLưu: VT, TĐKT.",
}


def issued_decision(world: World) -> Decision:
    session = council.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    for proposal in world.proposals:
        council.add_agenda_item(session, proposal, by=world.secretary)
    council.open_session(session, by=world.secretary)
    for item in session.items.all():
        for user in world.voters:
            council.cast_ballot(item, user=user, choice="agree")
    closed: CouncilSession = council.close_session(
        session, by=world.secretary, day=SESSION_DAY, confirm_missing=True
    )
    items = [i for i in closed.items.all() if i.proposal.title != world.national_title]
    decision = council.create_decision(
        closed,
        issuer=world.cast.root,
        day=DECISION_DAY,
        fields=dict(FIELDS),
        items=items,
        by=world.secretary,
    )
    return council.issue_decision(decision, by=world.secretary)


def test_it_publishes_approved_figures_once(ecast: ReportingCast) -> None:
    regional_year(ecast, 2026, quarters=2)
    draft = sources.figures(ecast.cast.regional, 2026)
    assert draft is not None
    values = {row["indicator"]: row["value"] for row in draft.content["figures"]}
    assert draft.content["quarters"] == [1, 2]
    assert Decimal(2000) in values.values()  # 2 quarters × 1000 estimated
    first = actions.publish(draft, by=ecast.cast.secretary)
    size = log.size()
    again = actions.publish(sources.figures(ecast.cast.regional, 2026) or draft, by="x")
    assert again.pk == first.pk
    assert log.size() == size == 2  # the figures and one anchor
    leaf = json.loads(first.leaf.content)
    assert leaf["content"] == json.loads(first.content)
    assert leaf["content_sha256"] == first.content_hash
    assert "id" not in first.content and str(ecast.cast.regional.pk) not in leaf["subject"]


def test_nothing_to_publish_without_approved_figures(ecast: ReportingCast) -> None:
    assert sources.figures(ecast.cast.pc, 2026) is None
    assert sources.ranking(2026) is None


def test_it_publishes_an_issued_decision_and_renders_it_again(world: World) -> None:
    decision = issued_decision(world)
    draft = sources.decision(decision)
    assert draft is not None
    publication = actions.publish(draft, by=world.secretary)
    content = json.loads(publication.content)
    document = sources.document_from_content(content["document"])
    assert document.number == decision.number
    rebuilt = log.canonical_bytes(sources.document_content(document))
    assert rebuilt == log.canonical_bytes(content["document"])
    decision.status = Decision.Status.DRAFT
    assert sources.decision(decision) is None


def test_withdrawal_is_a_new_leaf_and_needs_a_reason(ecast: ReportingCast) -> None:
    regional_year(ecast, 2026, quarters=1)
    draft = sources.figures(ecast.cast.regional, 2026)
    assert draft is not None
    publication = actions.publish(draft, by=ecast.cast.secretary)
    first_leaf = publication.leaf.content
    head = log.latest_head()
    assert head is not None
    with pytest.raises(ValidationError):
        actions.withdraw(publication, by=ecast.cast.secretary, reason="  ")
    withdrawn = actions.withdraw(publication, by=ecast.cast.secretary, reason="Số liệu sai")
    assert withdrawn.withdrawal_leaf is not None
    entry = json.loads(withdrawn.withdrawal_leaf.content)
    assert (entry["withdraws_index"], entry["reason"]) == (publication.leaf_id, "Số liệu sai")
    assert LogLeaf.objects.get(index=publication.leaf_id).content == first_leaf
    new = log.latest_head()
    assert new is not None and new.size > head.size
    proof = log.consistency_proof(head.size, new.size)
    assert merkle.verify_consistency(head.size, new.size, proof, head.root, new.root)
    with pytest.raises(ValidationError):
        actions.withdraw(withdrawn, by=ecast.cast.secretary, reason="again")


def _events(count: int) -> None:
    with transaction.atomic():
        record_many([Change("x.y", "x", i) for i in range(count)], by="admin")


def test_audit_verify_matches_the_anchors(capsys: pytest.CaptureFixture[str]) -> None:
    _events(5)
    actions.anchor_audit_chain()
    assert actions.anchor_audit_chain() is None  # the same head is not anchored twice
    call_command("audit_verify")
    assert capsys.readouterr().out.splitlines()[-1] == "Khớp với 1 mốc neo trong sổ công khai."


def test_audit_verify_catches_deleted_events_with_the_head_rewritten() -> None:
    _events(5)
    actions.anchor_audit_chain()
    last = AuditEvent.objects.get(seq=4)
    AuditEvent.objects.filter(seq=5).delete()
    AuditHead.objects.update(seq=4, hash=last.hash)  # the operator covers the tracks
    with pytest.raises(CommandError, match="5"):
        call_command("audit_verify")


def test_audit_verify_catches_a_rewritten_anchor() -> None:
    _events(3)
    actions.anchor_audit_chain()
    leaf = LogLeaf.objects.get(kind=LogLeaf.Kind.AUDIT_ANCHOR)
    LogLeaf.objects.filter(pk=leaf.pk).update(content=leaf.content.replace('"seq":3', '"seq":2'))
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_the_daily_task_anchors_the_chain_head() -> None:
    from thidua.disclosures.tasks import anchor_audit_chain_daily

    _events(2)
    anchor_audit_chain_daily.call_local()
    leaf = LogLeaf.objects.get(kind=LogLeaf.Kind.AUDIT_ANCHOR)
    head = AuditHead.objects.get()
    assert json.loads(leaf.content) == {"kind": "audit_anchor", "seq": 2, "hash": head.hash}
