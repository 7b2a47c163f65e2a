// Verifies one entry of the public log in the browser (RFC 9162 §2.1.3.2 and §2.1.4.2):
// SHA-256 and Ed25519 through Web Crypto; no data from the server is trusted unchecked.
"use strict";
(function () {
  const box = document.getElementById("verify");
  if (!box) return;
  const msg = (name) => box.dataset["msg" + name[0].toUpperCase() + name.slice(1)];
  const api = box.dataset.api;
  const index = Number(box.dataset.index);
  const enc = new TextEncoder();

  const hex = (bytes) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
  const unhex = (text) => new Uint8Array((text.match(/../g) || []).map((h) => parseInt(h, 16)));
  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };
  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const leafHash = (data) => sha256(concat(new Uint8Array([0]), data));
  const nodeHash = (l, r) => sha256(concat(new Uint8Array([1]), l, r));
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const half = (n) => Math.floor(n / 2);

  // Canonical JSON: sorted keys, no spaces, as the server hashes it (numbers are integers or text).
  const canonical = (v) => {
    if (Array.isArray(v)) return "[" + v.map(canonical).join(",") + "]";
    if (v && typeof v === "object") {
      return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canonical(v[k])).join(",") + "}";
    }
    return JSON.stringify(v);
  };

  async function verifyInclusion(leaf, idx, size, path, root) {
    if (idx >= size) return false;
    let fn = idx, sn = size - 1, r = leaf;
    for (const p of path) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = half(fn); sn = half(sn); }
      } else {
        r = await nodeHash(r, p);
      }
      fn = half(fn); sn = half(sn);
    }
    return sn === 0 && same(r, root);
  }

  async function verifyConsistency(first, second, proof, firstRoot, secondRoot) {
    if (first === second) return proof.length === 0 && same(firstRoot, secondRoot);
    if (!(0 < first && first < second) || proof.length === 0) return false;
    const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
    let fn = first - 1, sn = second - 1;
    while (fn % 2 === 1) { fn = half(fn); sn = half(sn); }
    let fr = path[0], sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = await nodeHash(c, fr); sr = await nodeHash(c, sr);
        if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn = half(fn); sn = half(sn); }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn = half(fn); sn = half(sn);
    }
    return sn === 0 && same(fr, firstRoot) && same(sr, secondRoot);
  }

  const headMessage = (h) => enc.encode(canonical({ root_hash: h.root_hash, timestamp: h.timestamp, tree_size: h.tree_size }));
  async function verifyHead(h, key) {
    try {
      return await crypto.subtle.verify({ name: "Ed25519" }, key, unhex(h.signature), headMessage(h));
    } catch (e) {
      return false;
    }
  }

  async function get(path) {
    const response = await fetch(api + path, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(path + ": " + response.status);
    return response.json();
  }

  const list = document.getElementById("checks");
  const verdict = document.getElementById("verdict");
  const results = [];
  function report(name, ok) {
    results.push(ok);
    const li = document.createElement("li");
    li.className = ok ? "verify-ok" : "verify-bad";
    li.dataset.check = name;
    li.dataset.ok = ok ? "1" : "0";
    li.textContent = (ok ? "✓ " : "✗ ") + msg(name);
    list.appendChild(li);
  }

  async function run() {
    const key = await crypto.subtle.importKey("raw", unhex(box.dataset.publicKey), { name: "Ed25519" }, false, ["verify"]);
    const entry = await get("/entries/" + index);
    const leaf = await leafHash(enc.encode(entry.content));
    report("leaf", same(leaf, unhex(entry.leaf_hash)));
    if (box.dataset.contentHash) {
      const parsed = JSON.parse(entry.content);
      const inner = await sha256(enc.encode(canonical(parsed.content)));
      report("content", hex(inner) === box.dataset.contentHash && parsed.content_sha256 === box.dataset.contentHash);
    }
    const head = await get("/heads/latest");
    report("signature", await verifyHead(head, key));
    const proof = await get("/proofs/inclusion?index=" + index + "&tree_size=" + head.tree_size);
    report("inclusion", await verifyInclusion(leaf, index, head.tree_size, proof.inclusion_path.map(unhex), unhex(head.root_hash)));
    const first = await get("/heads?covering=" + (index + 1));
    report("first", await verifyHead(first, key));
    const cons = await get("/proofs/consistency?first=" + first.tree_size + "&second=" + head.tree_size);
    report("consistency", await verifyConsistency(first.tree_size, head.tree_size, cons.consistency_path.map(unhex), unhex(first.root_hash), unhex(head.root_hash)));
    let seen = null;
    try { seen = JSON.parse(localStorage.getItem("thidua-log-head") || "null"); } catch (e) { seen = null; }
    if (seen && seen.tree_size <= head.tree_size && (await verifyHead(seen, key))) {
      const back = await get("/proofs/consistency?first=" + seen.tree_size + "&second=" + head.tree_size);
      report("seen", await verifyConsistency(seen.tree_size, head.tree_size, back.consistency_path.map(unhex), unhex(seen.root_hash), unhex(head.root_hash)));
    }
    const ok = results.every(Boolean);
    if (ok) localStorage.setItem("thidua-log-head", JSON.stringify(head));
    verdict.textContent = ok ? msg("ok") : msg("bad");
    verdict.className = "fs-5 fw-semibold " + (ok ? "verify-ok" : "verify-bad");
    verdict.dataset.ok = ok ? "1" : "0";
  }

  run().catch(function (error) {
    verdict.textContent = msg("error") + ": " + error.message;
    verdict.className = "fs-5 fw-semibold verify-bad";
    verdict.dataset.ok = "0";
  });
})();
