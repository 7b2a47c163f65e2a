"""Imports of the facts the eligibility engine reads about people: yearly performance ratings,
discipline and initiatives (.xlsx or .csv, one row per record).

Each import is checked as a whole and previewed before anything is written: the rows that
create a record, the rows that update one (old → new), and every problem with its row. Nothing
is applied until the user confirms; then everything is applied in one transaction (all or
nothing) and audited. People are found by staff code and must be in the importer's units.
The shared machinery (columns, headers, row messages, previews, templates) is the org
imports' (thidua/org/imports/common.py).
"""

from .base import ImportKind, ImportScope, run_import
from .discipline import DISCIPLINE
from .initiatives import INITIATIVES
from .ratings import RATINGS

KINDS: dict[str, ImportKind] = {kind.key: kind for kind in (RATINGS, DISCIPLINE, INITIATIVES)}

__all__ = [
    "DISCIPLINE",
    "INITIATIVES",
    "KINDS",
    "RATINGS",
    "ImportKind",
    "ImportScope",
    "run_import",
]
