"""The append-only log: append in O(log n), proofs in O(log n) node reads (one query), and
signed tree heads. See merkle.py for the tree and docs/transparency.md for the formats."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from thidua.audit.chain import canonical

from . import merkle
from .keys import signing_key
from .models import LogLeaf, LogNode, TreeHead, node_key

# The writers' advisory lock on PostgreSQL ("thidua" + "L"); SQLite's IMMEDIATE transactions
# already serialise writers.
LOCK_KEY = int.from_bytes(b"thiduaL", "big")


class ProofError(ValueError):
    """A proof was asked for sizes or an index the log cannot answer."""


def canonical_bytes(value: Any) -> bytes:
    """The canonical JSON of `value` (sorted keys, no spaces, UTF-8; see audit.chain)."""
    text = json.dumps(canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def head_message(size: int, root: bytes, timestamp: int) -> bytes:
    """The bytes a tree head's signature covers."""
    return canonical_bytes({"root_hash": root.hex(), "timestamp": timestamp, "tree_size": size})


@dataclass(frozen=True)
class Head:
    size: int
    root: bytes
    timestamp: int
    signature: bytes

    def as_json(self) -> dict[str, Any]:
        return {
            "tree_size": self.size,
            "root_hash": self.root.hex(),
            "timestamp": self.timestamp,
            "signature": self.signature.hex(),
        }


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def size() -> int:
    last = LogLeaf.objects.order_by("-index").values_list("index", flat=True).first()
    return 0 if last is None else last + 1


def read_nodes(nodes: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    wanted = {node_key(level, index): (level, index) for level, index in nodes}
    if not wanted:
        return {}
    rows = LogNode.objects.filter(key__in=list(wanted)).values_list("key", "hash")
    return {wanted[key]: bytes(value) for key, value in rows}


def append(entries: Sequence[tuple[str, Any]], *, sign: bool = True) -> list[LogLeaf]:
    """Append (kind, content) entries as leaves, in order, and sign the new head. Call inside
    the caller's atomic block so the leaves commit with what they record."""
    with transaction.atomic():
        _lock()
        start = size()
        moment = timezone.now()
        leaves, new_nodes = [], {}
        for offset, (kind, content) in enumerate(entries):
            data = canonical_bytes(content)
            index = start + offset
            digest = merkle.leaf_hash(data)
            leaves.append(
                LogLeaf(
                    index=index,
                    kind=kind,
                    content=data.decode("utf-8"),
                    leaf_hash=digest,
                    appended_at=moment,
                )
            )
            new_nodes[(0, index)] = digest
            _complete_parents(index, new_nodes)
        LogLeaf.objects.bulk_create(leaves)
        LogNode.objects.bulk_create(
            [LogNode(key=node_key(*node), hash=value) for node, value in new_nodes.items()]
        )
        if sign and leaves:
            sign_head()
        # The portal's pages are cached under the log's size (views.log_version).
        transaction.on_commit(lambda: cache.delete("public-log-size"))
    return leaves


def _complete_parents(index: int, new_nodes: dict[merkle.Node, bytes]) -> None:
    steps = merkle.parents_after_append(index)
    missing = [left for _parent, left, _right in steps if left not in new_nodes]
    known = {**read_nodes(missing), **new_nodes}
    for parent, left, right in steps:
        known[parent] = new_nodes[parent] = merkle.node_hash(known[left], known[right])


def root(tree_size: int) -> bytes:
    if tree_size == 0:
        return merkle.EMPTY_ROOT
    nodes = read_nodes(merkle.range_nodes(0, tree_size))
    return merkle.range_hash(0, tree_size, nodes.__getitem__)


def sign_head() -> Head:
    """Sign the log's current size and root (once per size: a head is never re-signed)."""
    tree_size = size()
    existing = TreeHead.objects.filter(size=tree_size).first()
    if existing is not None:
        return _head(existing)
    digest = root(tree_size)
    stamp = int(timezone.now().timestamp() * 1000)
    signature = signing_key().sign(head_message(tree_size, digest, stamp))
    row = TreeHead.objects.create(
        size=tree_size, root_hash=digest, timestamp=stamp, signature=signature
    )
    return _head(row)


def _head(row: TreeHead) -> Head:
    return Head(row.size, bytes(row.root_hash), row.timestamp, bytes(row.signature))


def latest_head() -> Head | None:
    row = TreeHead.objects.order_by("-size").first()
    return None if row is None else _head(row)


def head_at(tree_size: int) -> Head | None:
    row = TreeHead.objects.filter(size=tree_size).first()
    return None if row is None else _head(row)


def _proof(ranges: list[merkle.Range]) -> list[bytes]:
    nodes = read_nodes(merkle.nodes_for(ranges))
    return [merkle.range_hash(lo, hi, nodes.__getitem__) for lo, hi in ranges]


def inclusion_proof(index: int, tree_size: int) -> list[bytes]:
    if not 0 <= index < tree_size or tree_size > size():
        raise ProofError("The leaf index must be below the tree size, within the log.")
    return _proof(merkle.inclusion_ranges(index, tree_size))


def consistency_proof(old: int, new: int) -> list[bytes]:
    if not 0 < old <= new or new > size():
        raise ProofError("The sizes must satisfy 0 < first ≤ second ≤ the log's size.")
    return _proof(merkle.consistency_ranges(old, new))
