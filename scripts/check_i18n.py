"""Fail when a Vietnamese UI string is missing or fuzzy: refresh locale/vi from the sources
(makemessages, no line numbers so the file is stable), then ask gettext's msgattrib."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def main() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "thidua.settings"}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "vi",
            "--no-location",
            "--no-obsolete",
            "--ignore=.venv/*",
            "--ignore=var/*",
            "--ignore=bench/*",
            "--ignore=tests/*",
            "-v0",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    problems = []
    for flag, label in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
        out = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(PO)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        problems += [f"{label}: {msgid}" for msgid in _msgids(out)]
    if problems:
        print(f"{len(problems)} Vietnamese string(s) to fix in {PO.relative_to(ROOT)}:")
        print("\n".join(problems[:200]))
        return 1
    print("locale/vi complete")
    return 0


def _msgids(po_text: str) -> list[str]:
    """The msgids of a .po text, long ones (msgid "" then continuation lines) included; the
    header entry (empty msgid) is left out."""
    ids = []
    for entry in po_text.split("\n\n"):
        lines = entry.splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("msgid ")]
        if not starts:
            continue
        parts = [lines[starts[0]][6:]]
        for line in lines[starts[0] + 1 :]:
            if not line.startswith('"'):
                break
            parts.append(line)
        text = "".join(p.strip().removeprefix('"').removesuffix('"') for p in parts)
        if text:
            ids.append(f'"{text}"')
    return ids


if __name__ == "__main__":
    raise SystemExit(main())
