"""The tree against the RFC 6962 definitions computed from the leaves, for every size 1..300."""

from __future__ import annotations

import hashlib

import pytest

from thidua.disclosures import merkle

N = 300
LEAVES = [merkle.leaf_hash(f"leaf {i}".encode()) for i in range(N)]


def mth(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = merkle.split_point(len(leaves))
    return merkle.node_hash(mth(leaves[:k]), mth(leaves[k:]))


def ref_path(m: int, leaves: list[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = merkle.split_point(n)
    if m < k:
        return [*ref_path(m, leaves[:k]), mth(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), mth(leaves[:k])]


def ref_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = merkle.split_point(n)
    if m <= k:
        return [*ref_subproof(m, leaves[:k], complete), mth(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def stored_nodes() -> dict[merkle.Node, bytes]:
    """The nodes as the log stores them, built leaf by leaf as `append` does."""
    nodes: dict[merkle.Node, bytes] = {}
    for index, digest in enumerate(LEAVES):
        nodes[(0, index)] = digest
        for parent, left, right in merkle.parents_after_append(index):
            nodes[parent] = merkle.node_hash(nodes[left], nodes[right])
    return nodes


NODES = stored_nodes()


def proof(ranges: list[merkle.Range]) -> list[bytes]:
    return [merkle.range_hash(lo, hi, NODES.__getitem__) for lo, hi in ranges]


def test_it_stores_a_node_per_perfect_subtree_only() -> None:
    assert len(NODES) == 2 * N - bin(N).count("1")


def test_it_hashes_the_empty_tree_and_leaves_as_rfc_6962() -> None:
    assert merkle.EMPTY_ROOT.hex() == hashlib.sha256(b"").hexdigest()
    assert merkle.leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()


@pytest.mark.parametrize("n", range(1, N + 1))
def test_it_matches_the_reference_for_every_size(n: int) -> None:
    leaves = LEAVES[:n]
    root = mth(leaves)
    assert merkle.range_hash(0, n, NODES.__getitem__) == root == merkle.reference_root(leaves)
    for m in range(n):
        path = proof(merkle.inclusion_ranges(m, n))
        assert path == ref_path(m, leaves)
        assert merkle.verify_inclusion(leaves[m], m, n, path, root)
    for old in range(1, n + 1):
        cons = proof(merkle.consistency_ranges(old, n))
        assert cons == (ref_subproof(old, leaves, True) if old < n else [])
        assert merkle.verify_consistency(old, n, cons, mth(LEAVES[:old]), root)


def test_it_needs_log_n_nodes_per_proof() -> None:
    n = 1_000_000
    worst = max(len(merkle.nodes_for(merkle.inclusion_ranges(m, n))) for m in range(0, n, 9973))
    assert worst <= 2 * n.bit_length()
    worst = max(len(merkle.nodes_for(merkle.consistency_ranges(o, n))) for o in range(1, n, 9973))
    assert worst <= 2 * n.bit_length()


def test_it_detects_a_forged_dropped_or_reordered_leaf() -> None:
    n = 77
    root = mth(LEAVES[:n])
    path = ref_path(10, LEAVES[:n])
    forged = merkle.leaf_hash(b"forged")
    assert not merkle.verify_inclusion(forged, 10, n, path, root)
    # dropped: the same item in a log without leaf 3 does not give the signed root
    dropped = LEAVES[:3] + LEAVES[4 : n + 1]
    assert mth(dropped) != root
    assert not merkle.verify_inclusion(LEAVES[10], 10, n, ref_path(10, dropped), root)
    # reordered: leaves 10 and 11 swapped
    swapped = [*LEAVES[:10], LEAVES[11], LEAVES[10], *LEAVES[12:n]]
    assert mth(swapped) != root
    assert not merkle.verify_inclusion(LEAVES[10], 11, n, ref_path(11, swapped), root)
    assert not merkle.verify_consistency(
        12, n, ref_subproof(12, LEAVES[:n], True), mth(swapped[:12]), root
    )
    assert not merkle.verify_inclusion(LEAVES[10], 11, n, path, root)


def test_it_detects_a_forked_history() -> None:
    old, new = 50, 120
    fork = [*LEAVES[:40], merkle.leaf_hash(b"rewritten"), *LEAVES[41:new]]
    honest_old = mth(LEAVES[:old])
    cons = ref_subproof(old, fork, True)
    assert not merkle.verify_consistency(old, new, cons, honest_old, mth(fork))
    assert not merkle.verify_consistency(old, new, [], honest_old, mth(fork))


def test_it_refuses_impossible_ranges() -> None:
    with pytest.raises(ValueError, match="index"):
        merkle.inclusion_ranges(5, 5)
    with pytest.raises(ValueError, match="sizes"):
        merkle.consistency_ranges(0, 5)
    assert not merkle.verify_inclusion(LEAVES[0], 3, 3, [], LEAVES[0])
