"""The audit chain's anchors as this log holds them, each checked against the latest signed
tree head first (its leaf hash, its inclusion proof, the head's signature). Read by
`audit_verify` through the THIDUA_AUDIT_ANCHORS setting, so that audit imports no higher app."""

from __future__ import annotations

import json

from cryptography.exceptions import InvalidSignature

from . import log, merkle
from .keys import public_key
from .models import LogLeaf


class AnchorError(Exception):
    """The public log itself does not hold together."""


def local_anchors() -> list[tuple[int, str]]:
    """(seq, hash) of every anchor in the log, oldest first; AnchorError if an anchor leaf or
    the head that covers it fails its check."""
    head = log.latest_head()
    if head is None:
        return []
    try:
        public_key().verify(head.signature, log.head_message(head.size, head.root, head.timestamp))
    except InvalidSignature as exc:
        raise AnchorError("the latest tree head's signature is invalid") from exc
    out = []
    leaves = LogLeaf.objects.filter(kind=LogLeaf.Kind.AUDIT_ANCHOR, index__lt=head.size)
    for leaf in leaves.order_by("index"):
        digest = merkle.leaf_hash(leaf.content.encode("utf-8"))
        proof = log.inclusion_proof(leaf.index, head.size)
        if digest != bytes(leaf.leaf_hash) or not merkle.verify_inclusion(
            digest, leaf.index, head.size, proof, head.root
        ):
            raise AnchorError(f"log entry {leaf.index} does not match the signed tree head")
        data = json.loads(leaf.content)
        out.append((int(data["seq"]), str(data["hash"])))
    return out
