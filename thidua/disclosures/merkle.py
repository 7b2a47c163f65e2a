"""The Merkle tree of RFC 6962 / RFC 9162 §2.1, as pure functions over bytes.

Leaves are hashed SHA-256(0x00 || data), interior nodes SHA-256(0x01 || left || right). The log
stores every perfect subtree as a node `(level, index)` covering leaves
[index * 2**level, (index + 1) * 2**level); any other range hashes from O(log n) of them. The
proof functions below first say which ranges they need (`inclusion_ranges`,
`consistency_ranges`), so that the store can read all their nodes in one query, then fold them.
The verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2 word for word.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

Range = tuple[int, int]
Node = tuple[int, int]  # (level, index)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def split_point(size: int) -> int:
    """The largest power of two strictly below `size` (size > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def reference_root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) computed from all leaf hashes: the definition, used as the baseline."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def range_nodes(lo: int, hi: int) -> list[Node]:
    """The perfect subtrees whose hashes make MTH(D[lo:hi]), left to right."""
    size = hi - lo
    if size & (size - 1) == 0 and lo % size == 0:
        level = size.bit_length() - 1
        return [(level, lo >> level)]
    k = split_point(size)
    return range_nodes(lo, lo + k) + range_nodes(lo + k, hi)


def range_hash(lo: int, hi: int, node: Callable[[Node], bytes]) -> bytes:
    """MTH(D[lo:hi]) from the stored perfect subtrees."""
    size = hi - lo
    if size & (size - 1) == 0 and lo % size == 0:
        level = size.bit_length() - 1
        return node((level, lo >> level))
    k = split_point(size)
    return node_hash(range_hash(lo, lo + k, node), range_hash(lo + k, hi, node))


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The ranges whose hashes form PATH(index, D[0:size]) (RFC 6962 §2.1.1), bottom up."""
    if not 0 <= index < size:
        raise ValueError("index outside the tree")
    return _path(index, 0, size)


def _path(m: int, lo: int, hi: int) -> list[Range]:
    if hi - lo == 1:
        return []
    k = split_point(hi - lo)
    if m - lo < k:
        return [*_path(m, lo, lo + k), (lo + k, hi)]
    return [*_path(m, lo + k, hi), (lo, lo + k)]


def consistency_ranges(old: int, new: int) -> list[Range]:
    """The ranges whose hashes form PROOF(old, D[0:new]) (RFC 6962 §2.1.2)."""
    if not 0 < old <= new:
        raise ValueError("sizes out of order")
    if old == new:
        return []
    return _subproof(old, 0, new, True)


def _subproof(m: int, lo: int, hi: int, complete: bool) -> list[Range]:
    n = hi - lo
    if m == n:
        return [] if complete else [(lo, hi)]
    k = split_point(n)
    if m <= k:
        return [*_subproof(m, lo, lo + k, complete), (lo + k, hi)]
    return [*_subproof(m - k, lo + k, hi, False), (lo, lo + k)]


def nodes_for(ranges: Iterable[Range]) -> set[Node]:
    return {node for lo, hi in ranges for node in range_nodes(lo, hi)}


def parents_after_append(index: int) -> list[tuple[Node, Node, Node]]:
    """The perfect subtrees completed by appending leaf `index`: (parent, left, right)."""
    out = []
    level, i = 0, index
    while i % 2 == 1:
        out.append(((level + 1, i >> 1), (level, i - 1), (level, i)))
        level, i = level + 1, i >> 1
    return out


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size or index < 0:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    old: int, new: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if old == new:
        return not proof and old_root == new_root
    if not 0 < old < new or not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root
