"""Answers a lower app shows but a higher app knows, asked through a dotted path in the
settings (the way audit asks disclosures for its anchors), so that the layers stay one way."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.conf import settings


def publicity_status(user: Any, unit_ids: list[int], unit_id: int, day: dt.date) -> Any:
    """Publicity on time of the units' programmes and annual reports (Decree 266/2026), as the
    install's publishing app answers it (`settings.THIDUA_PUBLICITY_STATUS`: an object with
    `late`, `overdue`, `flagged` and `url`), or None when no app answers."""
    path = getattr(settings, "THIDUA_PUBLICITY_STATUS", "")
    if not path:
        return None
    module, _dot, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)(user, unit_ids, unit_id, day)


def report_lock_changed(report: Any) -> None:
    """Tell the apps above reporting that a report's figures were just approved, or taken back
    after approval (`settings.THIDUA_REPORT_LOCK_CHANGED`: dotted paths of functions called with
    the report, inside the same transaction)."""
    for path in getattr(settings, "THIDUA_REPORT_LOCK_CHANGED", ()):
        module, _dot, name = path.rpartition(".")
        getattr(importlib.import_module(module), name)(report)
