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
        ids = [
            line for line in out.splitlines() if line.startswith("msgid ") and line != 'msgid ""'
        ]
        problems += [f"{label}: {line[6:]}" for line in ids]
    if problems:
        print(f"{len(problems)} Vietnamese string(s) to fix in {PO.relative_to(ROOT)}:")
        print("\n".join(problems[:200]))
        return 1
    print("locale/vi complete")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
