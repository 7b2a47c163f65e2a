"""The public log over the API (/api/v1/public/...), without a token: published items, log
entries, signed tree heads and proofs (RFC 9162 shape, hashes in hex). A malformed or
impossible request is a 400 with a message in Vietnamese and English."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from thidua.lib.api import ErrorOut

from . import log
from .keys import public_key_bytes
from .models import LogLeaf, Publication, TreeHead

router = Router(tags=["public"], auth=None)
MAX_INDEX = 2**48 - 1


def _number(text: str | None, name: str, *, low: int = 0) -> int:
    value = (text or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 15 or int(value) < low:
        raise HttpError(
            400,
            f"Tham số {name} phải là số nguyên không âm (từ {low}) / "
            f"{name} must be a whole number from {low}.",
        )
    return int(value)


class KeyOut(Schema):
    algorithm: str
    public_key: str


class ItemOut(Schema):
    index: int
    kind: str
    subject: str
    title: str
    year: int | None
    published_at: dt.datetime
    content_sha256: str
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str
    withdrawal_index: int | None


class EntryOut(Schema):
    index: int
    kind: str
    content: str
    leaf_hash: str


class HeadOut(Schema):
    tree_size: int
    root_hash: str
    timestamp: int
    signature: str


class InclusionOut(Schema):
    leaf_index: int
    tree_size: int
    inclusion_path: list[str]


class ConsistencyOut(Schema):
    first: int
    second: int
    consistency_path: list[str]


@router.get("/public/key", response=KeyOut, summary="The log's public key")
def key(request: HttpRequest) -> dict[str, str]:
    return {"algorithm": "Ed25519", "public_key": public_key_bytes().hex()}


@router.get(
    "/public/items",
    response={200: list[ItemOut], 400: ErrorOut},
    summary="Published items, newest first",
)
def items(request: HttpRequest, kind: str = "", year: str = "") -> list[dict[str, object]]:
    rows = Publication.objects.all()
    if kind:
        if kind not in Publication.Kind.values:
            raise HttpError(400, "Loại không hợp lệ / unknown kind.")
        rows = rows.filter(kind=kind)
    if year:
        rows = rows.filter(year=_number(year, "year"))
    return [
        {
            "index": p.leaf_id,
            "kind": p.kind,
            "subject": p.subject,
            "title": p.title,
            "year": p.year,
            "published_at": p.published_at,
            "content_sha256": p.content_hash,
            "withdrawn_at": p.withdrawn_at,
            "withdrawal_reason": p.withdrawal_reason,
            "withdrawal_index": p.withdrawal_leaf_id,
        }
        for p in rows[:1000]
    ]


@router.get(
    "/public/entries/{index}",
    response={200: EntryOut, 400: ErrorOut, 404: ErrorOut},
    summary="One entry of the log: its canonical JSON and leaf hash",
)
def entry(request: HttpRequest, index: str) -> dict[str, object]:
    leaf = LogLeaf.objects.filter(index=_number(index, "index")).first()
    if leaf is None:
        raise HttpError(404, "Không có mục này / no such entry.")
    return {
        "index": leaf.index,
        "kind": leaf.kind,
        "content": leaf.content,
        "leaf_hash": bytes(leaf.leaf_hash).hex(),
    }


def _head_out(head: log.Head) -> dict[str, object]:
    return head.as_json()


@router.get(
    "/public/heads/latest",
    response={200: HeadOut, 404: ErrorOut},
    summary="The latest signed tree head",
)
def latest(request: HttpRequest) -> dict[str, object]:
    head = log.latest_head()
    if head is None:
        raise HttpError(404, "Sổ chưa có mục nào / the log is empty.")
    return _head_out(head)


@router.get(
    "/public/heads",
    response={200: HeadOut, 400: ErrorOut, 404: ErrorOut},
    summary="A signed tree head: of exactly `size` entries, or the first covering `covering`",
)
def head(request: HttpRequest, size: str = "", covering: str = "") -> dict[str, object]:
    if bool(size) == bool(covering):
        raise HttpError(400, "Cho size hoặc covering / give size or covering.")
    if size:
        row = TreeHead.objects.filter(size=_number(size, "size", low=1)).first()
    else:
        wanted = _number(covering, "covering", low=1)
        row = TreeHead.objects.filter(size__gte=wanted).order_by("size").first()
    if row is None:
        raise HttpError(404, "Không có đầu cây đã ký này / no such signed tree head.")
    return _head_out(log.Head(row.size, bytes(row.root_hash), row.timestamp, bytes(row.signature)))


@router.get(
    "/public/proofs/inclusion",
    response={200: InclusionOut, 400: ErrorOut},
    summary="Inclusion proof of entry `index` in the tree of `tree_size` entries",
)
def inclusion(request: HttpRequest, index: str = "", tree_size: str = "") -> dict[str, object]:
    leaf, size = _number(index, "index"), _number(tree_size, "tree_size", low=1)
    try:
        path = log.inclusion_proof(leaf, size)
    except log.ProofError as exc:
        raise HttpError(400, f"Không lập được bằng chứng / {exc}") from exc
    return {"leaf_index": leaf, "tree_size": size, "inclusion_path": [p.hex() for p in path]}


@router.get(
    "/public/proofs/consistency",
    response={200: ConsistencyOut, 400: ErrorOut},
    summary="Consistency proof between the trees of `first` and `second` entries",
)
def consistency(request: HttpRequest, first: str = "", second: str = "") -> dict[str, object]:
    old, new = _number(first, "first", low=1), _number(second, "second", low=1)
    try:
        path = log.consistency_proof(old, new)
    except log.ProofError as exc:
        raise HttpError(400, f"Không lập được bằng chứng / {exc}") from exc
    return {"first": old, "second": new, "consistency_path": [p.hex() for p in path]}
