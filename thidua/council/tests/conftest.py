from pathlib import Path
from typing import Any

import pytest

from thidua.council.testing import world

__all__ = ["world"]


@pytest.fixture(autouse=True)
def _ballot_keys(settings: Any, tmp_path: Path) -> None:
    """Each test's session keys in its own directory, never in var/."""
    settings.BALLOT_KEY_DIR = tmp_path / "ballot-keys"
