"""tools/verify_log.py against the live server: "verified" for an honest log; a forged,
dropped or reordered leaf and a forked history each reported, in check and monitor modes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from thidua.disclosures import actions, log
from thidua.disclosures.models import LogLeaf, LogNode, TreeHead
from thidua.disclosures.sources import Draft

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).resolve().parents[3] / "tools" / "verify_log.py"
spec = importlib.util.spec_from_file_location("verify_log", SCRIPT)
assert spec is not None and spec.loader is not None
verify_log = importlib.util.module_from_spec(spec)
sys.modules["verify_log"] = verify_log
spec.loader.exec_module(verify_log)


def draft(n: int) -> Draft:
    return Draft("figures", f"figures/U{n}/2025", f"Số liệu {n}", 2025, {"value": str(n)})


def entries(ns: list[int]) -> list[tuple[str, Any]]:
    return [("publication", {"n": n}) for n in ns]


def rewrite(ns: list[int]) -> None:
    """The operator rebuilds the log with another history and signs it with the real key."""
    LogNode.objects.all().delete()
    TreeHead.objects.all().delete()
    LogLeaf.objects.all().delete()
    log.append(entries(ns))


def run(url: str, state: Path, *extra: str, capsys: Any) -> tuple[int, str]:
    code = verify_log.main([url, "--state", str(state), *extra])
    return code, capsys.readouterr().out


def test_it_verifies_an_item_and_reports_a_forged_one(
    live_server: Any, tmp_path: Path, capsys: Any
) -> None:
    for n in range(3):
        actions.publish(draft(n), by="thuky")
    state = tmp_path / "head.json"
    assert run(live_server.url, state, capsys=capsys) == (0, "verified\n")
    first = LogLeaf.objects.order_by("index").first()
    assert first is not None
    assert run(live_server.url, state, "--index", str(first.index), capsys=capsys)[0] == 0
    LogLeaf.objects.filter(pk=first.pk).update(content=first.content.replace('"0"', '"9"'))
    code, out = run(live_server.url, state, "--index", str(first.index), capsys=capsys)
    assert code == 1
    assert "does not match: entry 0: its content does not hash to the leaf hash" in out


@pytest.mark.parametrize(
    ("history", "what"),
    [
        ([0, 1, 3, 4, 5, 6, 7, 8, 9, 10], "dropped"),
        ([0, 1, 3, 2, 4, 5, 6, 7, 8, 9], "reordered"),
        ([0, 1, 2, 3, 99, 5, 6, 7, 8, 9, 10, 11], "forged and extended"),
    ],
)
def test_a_rewritten_history_is_a_fork(
    live_server: Any, tmp_path: Path, capsys: Any, history: list[int], what: str
) -> None:
    log.append(entries(list(range(10))))
    state = tmp_path / "head.json"
    assert run(live_server.url, state, "--index", "4", capsys=capsys)[0] == 0
    rewrite(history)
    code, out = run(live_server.url, state, "--index", "4", capsys=capsys)
    assert code == 1, what
    assert "fork" in out or "shrank" in out


def test_the_monitor_alerts_on_a_forked_head(live_server: Any, tmp_path: Path, capsys: Any) -> None:
    log.append(entries(list(range(6))))
    state = tmp_path / "head.json"
    code, out = run(live_server.url, state, "--monitor", "--rounds", "1", capsys=capsys)
    assert code == 0 and out.startswith("ok: 6 entries")
    log.append(entries([6, 7]))
    assert run(live_server.url, state, "--monitor", "--rounds", "1", capsys=capsys)[0] == 0
    rewrite([0, 1, 2, 3, 4, 5, 6, 70, 8])
    code, out = run(live_server.url, state, "--monitor", "--rounds", "1", capsys=capsys)
    assert code == 1
    assert out.startswith("ALERT: fork")


def test_a_wrong_key_fails_the_signature(live_server: Any, tmp_path: Path, capsys: Any) -> None:
    actions.publish(draft(1), by="thuky")
    code, out = run(live_server.url, tmp_path / "s.json", "--key", "00" * 32, capsys=capsys)
    assert code == 1 and "invalid signature" in out
