"""Where the sector packs live: one folder of versioned data files per sector under
thidua/packs/<name>/ (docs/packs.md). The apps' loaders default to the files of the pack the
demo and the tests use; an install names its pack (`setup_body --pack`, `load_pack`)."""

from __future__ import annotations

from pathlib import Path

PACKS_DIR = Path(__file__).resolve().parents[1] / "packs"
DEFAULT_PACK = "ksnd"


def pack_file(filename: str, pack: str = DEFAULT_PACK) -> Path:
    """The path of one data file of a pack (not checked for existence)."""
    return PACKS_DIR / pack / filename
