"""The stored log: append, heads, proofs through the database, tampering detected."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidSignature
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.disclosures import log, merkle
from thidua.disclosures.keys import public_key
from thidua.disclosures.models import LogLeaf, LogNode, TreeHead

pytestmark = pytest.mark.django_db


def fill(count: int) -> list[bytes]:
    log.append([("publication", {"n": i}) for i in range(count)], sign=False)
    return [merkle.leaf_hash(log.canonical_bytes({"n": i})) for i in range(count)]


def test_it_appends_leaves_whose_roots_match_the_reference() -> None:
    leaves = fill(40)
    for n in (1, 2, 3, 17, 32, 40):
        assert log.root(n) == merkle.reference_root(leaves[:n])
    assert log.size() == 40
    assert LogNode.objects.count() == 2 * 40 - bin(40).count("1")


def test_it_appends_one_at_a_time_like_in_a_batch() -> None:
    for i in range(21):
        log.append([("publication", {"n": i})], sign=False)
    leaves = [merkle.leaf_hash(log.canonical_bytes({"n": i})) for i in range(21)]
    assert log.root(21) == merkle.reference_root(leaves)


def test_it_serves_proofs_that_verify_in_one_query() -> None:
    leaves = fill(300)
    head = log.sign_head()
    public_key().verify(head.signature, log.head_message(head.size, head.root, head.timestamp))
    for index in (0, 1, 150, 255, 256, 299):
        with CaptureQueriesContext(connection) as queries:
            path = log.inclusion_proof(index, 300)
        assert len(queries) == 2  # the size check and the nodes
        assert merkle.verify_inclusion(leaves[index], index, 300, path, head.root)
    for old in (1, 64, 100, 299, 300):
        proof = log.consistency_proof(old, 300)
        assert merkle.verify_consistency(old, 300, proof, log.root(old), head.root)


def test_it_signs_each_size_once() -> None:
    fill(3)
    first = log.sign_head()
    assert log.sign_head() == first
    assert TreeHead.objects.count() == 1


def test_a_forged_signature_or_edited_head_does_not_verify() -> None:
    fill(5)
    head = log.sign_head()
    with pytest.raises(InvalidSignature):
        public_key().verify(
            head.signature, log.head_message(head.size + 1, head.root, head.timestamp)
        )


def test_an_edited_leaf_no_longer_matches_the_signed_root() -> None:
    fill(10)
    head = log.sign_head()
    LogLeaf.objects.filter(index=4).update(content='{"n":999}')
    edited = LogLeaf.objects.get(index=4)
    path = log.inclusion_proof(4, 10)
    recomputed = merkle.leaf_hash(edited.content.encode())
    assert not merkle.verify_inclusion(recomputed, 4, 10, path, head.root)


@pytest.mark.parametrize(("index", "size"), [(-1, 3), (3, 3), (0, 99)])
def test_it_refuses_impossible_inclusion_proofs(index: int, size: int) -> None:
    fill(3)
    with pytest.raises(log.ProofError):
        log.inclusion_proof(index, size)


@pytest.mark.parametrize(("old", "new"), [(0, 3), (3, 2), (1, 99)])
def test_it_refuses_impossible_consistency_proofs(old: int, new: int) -> None:
    fill(3)
    with pytest.raises(log.ProofError):
        log.consistency_proof(old, new)
