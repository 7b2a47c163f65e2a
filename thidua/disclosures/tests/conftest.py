from pathlib import Path
from typing import Any

import pytest

from thidua.council.testing import world
from thidua.evaluation.testing import ecast

__all__ = ["ecast", "world"]


@pytest.fixture(autouse=True)
def _keys(settings: Any, tmp_path: Path) -> None:
    """Each test's ballot keys in its own directory, never in var/."""
    settings.BALLOT_KEY_DIR = tmp_path / "ballot-keys"


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> None:
    """Rolled-back tests reuse log sizes; a page cached by an earlier test must not show."""
    from django.core.cache import cache

    cache.clear()
