"""Nothing sector-specific in code (issue 15): the first sector's names and wording live in its
pack (thidua/packs/<name>/) and reach the pages through the body's profile
(thidua/org/body.py), never as constants. This test fails when code outside the packs, the demo
and the tests, or a Vietnamese translation, names that sector."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = ROOT / "thidua"
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
SUFFIXES = {".py", ".html", ".js", ".txt"}

TERMS = re.compile(r"VKSTC|VKSND|Viện trưởng|[Kk]iểm sát|Prosecutor|Procura|vào ngành")

ALLOWED_DIRS = {"packs", "demo", "tests", "migrations"}
"""The packs and the demo hold the sector's data; tests may use it; migrations record the past
and are never edited (a later migration changes what they created)."""

PENDING: set[str] = set()  # files allowed to name a body's terms while being cleaned


def _code_files() -> list[Path]:
    files = []
    for path in sorted(CODE.rglob("*")):
        if path.suffix not in SUFFIXES or not path.is_file():
            continue
        parts = set(path.relative_to(CODE).parts[:-1])
        if parts & ALLOWED_DIRS or path.name == "testing.py" or path.name.startswith("test_"):
            continue
        if path.relative_to(ROOT).as_posix() in PENDING:
            continue
        files.append(path)
    return files


def _hits(text: str) -> list[str]:
    return [
        f"{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if TERMS.search(line)
    ]


def test_code_names_no_sector() -> None:
    found = {
        path.relative_to(ROOT).as_posix(): hits
        for path in _code_files()
        if (hits := _hits(path.read_text(encoding="utf-8", errors="replace")))
    }
    assert not found, f"sector terms in code (read them from the body's profile): {found}"


def _msgstrs() -> list[str]:
    out = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        current, text = "", ""
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgctxt|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                if current.startswith("msgstr"):
                    out.append(text)
                current, text = match.group(1), ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                text += ast.literal_eval(line)
        if current.startswith("msgstr"):
            out.append(text)
    return out


def test_the_translations_name_no_sector() -> None:
    found = [s for s in _msgstrs() if TERMS.search(s)]
    assert not found, f"sector terms in the Vietnamese catalogue: {found}"


def test_the_check_sees_a_sector_term() -> None:
    assert _hits('HEAD = "Viện trưởng"\nx = 1\nrole = "Prosecutor"') == [
        '1: HEAD = "Viện trưởng"',
        '3: role = "Prosecutor"',
    ]
    assert not _hits("Thủ trưởng cơ quan; ngày vào cơ quan")
