"""The norms are data loaded by a migration; a transactional test elsewhere in the run flushes
every table, so each database test here starts from the data file (idempotent)."""

from __future__ import annotations

import pytest

from thidua.oversight.models import Norm
from thidua.oversight.norms import load_norms


@pytest.fixture(autouse=True)
def _norms(request: pytest.FixtureRequest) -> None:
    names = set(request.fixturenames)
    if "transactional_db" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
    else:
        return
    load_norms(Norm)
