#!/usr/bin/env python3
"""Check thidua's public log of disclosures from outside, with only Python's standard library
and `cryptography` (pip install cryptography).

    python tools/verify_log.py https://thidua.example.vn              # the latest item
    python tools/verify_log.py https://thidua.example.vn --index 12   # entry 12 of the log
    python tools/verify_log.py https://thidua.example.vn --key <hex>  # pin the public key
    python tools/verify_log.py https://thidua.example.vn --monitor --interval 300

It downloads the entry, its inclusion proof and two signed tree heads (the first one covering
the entry and the latest), recomputes every hash (RFC 9162 §2.1) and checks the Ed25519
signatures, then prints "verified" or each thing that does not match (exit status 1). The
latest head is remembered in a state file (default ~/.thidua-log-head.json): the next run
checks that the log only grew since (a fork or a rewritten history is reported). --monitor
does that every --interval seconds and prints an ALERT line on an inconsistent history.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

API = "/api/v1/public"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def canonical(value: Any) -> bytes:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, proof: list[bytes], first_root: bytes, second_root: bytes
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if first == second:
        return not proof and first_root == second_root
    if not 0 < first < second or not proof:
        return False
    path = [first_root, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root


class Log:
    def __init__(self, base: str, key_hex: str | None = None) -> None:
        if not base.startswith(("http://", "https://")):
            raise ValueError(f"not an http(s) address: {base}")
        self.base = base.rstrip("/") + API
        self.key = Ed25519PublicKey.from_public_bytes(
            bytes.fromhex(key_hex or self.get("/key")["public_key"])
        )

    def get(self, path: str) -> Any:
        request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
            self.base + path, headers={"Accept": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.load(response)

    def head_ok(self, head: dict[str, Any]) -> bool:
        message = canonical(
            {
                "root_hash": head["root_hash"],
                "timestamp": head["timestamp"],
                "tree_size": head["tree_size"],
            }
        )
        try:
            self.key.verify(bytes.fromhex(head["signature"]), message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def consistent(self, old: dict[str, Any], new: dict[str, Any]) -> bool:
        first, second = old["tree_size"], new["tree_size"]
        if first > second:
            return False
        proof = self.get(f"/proofs/consistency?first={first}&second={second}")
        path = [bytes.fromhex(p) for p in proof["consistency_path"]]
        return verify_consistency(
            first, second, path, bytes.fromhex(old["root_hash"]), bytes.fromhex(new["root_hash"])
        )


def check_item(log: Log, index: int | None, state: Path) -> list[str]:
    """Everything that does not match for one entry (empty: verified)."""
    problems: list[str] = []
    items = {i["index"]: i for i in log.get("/items")}
    if index is None:
        if not items:
            return ["the log publishes no item yet"]
        index = max(items)
    entry = log.get(f"/entries/{index}")
    data = entry["content"].encode("utf-8")
    leaf = leaf_hash(data)
    if leaf.hex() != entry["leaf_hash"]:
        problems.append(f"entry {index}: its content does not hash to the leaf hash served")
    parsed = json.loads(data)
    if "content" in parsed:
        digest = hashlib.sha256(canonical(parsed["content"])).hexdigest()
        if digest != parsed.get("content_sha256"):
            problems.append(f"entry {index}: the published content does not hash to its hash")
        listed = items.get(index)
        if listed is not None and listed["content_sha256"] != digest:
            problems.append(f"entry {index}: the portal lists another content hash")
    head = log.get("/heads/latest")
    if not log.head_ok(head):
        problems.append(f"the latest tree head ({head['tree_size']}) has an invalid signature")
    proof = log.get(f"/proofs/inclusion?index={index}&tree_size={head['tree_size']}")
    path = [bytes.fromhex(p) for p in proof["inclusion_path"]]
    if not verify_inclusion(leaf, index, head["tree_size"], path, bytes.fromhex(head["root_hash"])):
        problems.append(f"entry {index} is not in the signed tree of {head['tree_size']} entries")
    first = log.get(f"/heads?covering={index + 1}")
    if not log.head_ok(first):
        problems.append(f"the tree head of {first['tree_size']} entries has an invalid signature")
    if not log.consistent(first, head):
        problems.append(
            f"the log of {head['tree_size']} entries does not extend the one of "
            f"{first['tree_size']}: its history was rewritten"
        )
    problems += check_history(log, head, state)
    if not problems:
        state.write_text(json.dumps(head))
    return problems


def check_history(log: Log, head: dict[str, Any], state: Path) -> list[str]:
    """The log only grew since the head remembered in `state`."""
    if not state.exists():
        return []
    seen = json.loads(state.read_text())
    if not log.head_ok(seen):
        return [f"the remembered head in {state} has an invalid signature"]
    if seen["tree_size"] > head["tree_size"]:
        return [f"the log shrank from {seen['tree_size']} to {head['tree_size']} entries"]
    if not log.consistent(seen, head):
        return [
            f"fork: the log of {head['tree_size']} entries is not an extension of the one of "
            f"{seen['tree_size']} entries seen before"
        ]
    return []


def monitor(log: Log, state: Path, interval: float, rounds: int) -> int:
    count = 0
    while True:
        head = log.get("/heads/latest")
        problems = ([] if log.head_ok(head) else ["invalid signature"]) + check_history(
            log, head, state
        )
        if problems:
            for problem in problems:
                print(f"ALERT: {problem}", flush=True)
            return 1
        state.write_text(json.dumps(head))
        print(f"ok: {head['tree_size']} entries, root {head['root_hash']}", flush=True)
        count += 1
        if rounds and count >= rounds:
            return 0
        time.sleep(interval)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the portal's address, e.g. https://thidua.example.vn")
    parser.add_argument("--index", type=int, help="the entry to check (default: latest item)")
    parser.add_argument("--key", help="the log's Ed25519 public key in hex, as published")
    parser.add_argument("--state", type=Path, default=Path.home() / ".thidua-log-head.json")
    parser.add_argument("--monitor", action="store_true")
    parser.add_argument("--interval", type=float, default=300.0)
    parser.add_argument("--rounds", type=int, default=0, help="stop after N checks (0: never)")
    args = parser.parse_args(argv)
    try:
        log = Log(args.url, args.key)
        if args.monitor:
            return monitor(log, args.state, args.interval, args.rounds)
        problems = check_item(log, args.index, args.state)
    except (urllib.error.URLError, KeyError, ValueError) as exc:
        print(f"could not check: {exc}")
        return 2
    if problems:
        for problem in problems:
            print(f"does not match: {problem}")
        return 1
    print("verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
