"""Importing the organisation tree (as dated reorganisation events) and staff records: the
shared machinery in `common`, the tree format in `unit_rows`, its check against the tree in
`unit_check`, its entry point in `units`, the staff import in `people`.

Both imports are all-or-nothing: the whole file is checked first and every problem is reported
with the row number the user sees in Excel (the header is row 1); only a clean file is applied,
inside one transaction, through the actions in `thidua.org.actions`. If an action still refuses
a row, its message is reported with that row's number and the transaction is rolled back.

A staff file that would change an existing person is not applied at once: its preview (each
change, old → new) waits for the user's confirmation; a code held by someone outside the
importer's units or with another name is refused. Tree events are checked against history
floors per unit subtree (`unit_check.HistoryFloors`), not one floor for the whole install.
`common` also holds the pieces other apps' imports reuse: `Preview`, `RowChange`, templates
with a note row (`template_xlsx`, `is_note_row`).

Tree format — one row per event, applied in date order (rows with the same date keep their order
in the file):

* create  code, name, level, parent (empty = top level), kind, budget_role, staff_count
* rename  code, name (the new name)
* move    code, parent (the new parent; empty = becomes a top-level unit)
* close   code, into (optional: the unit that takes over its work)
* merge   one row per merged unit: code (the unit merged), into (the target). Rows with the
          same date and target form one merge. If the target does not exist yet, the first
          row of the merge also gives its name, level, parent, kind, budget_role, staff_count
          and the merge creates it.
* split   one row per new unit: code (the unit split), into (the new unit's code), name, level,
          parent, kind, budget_role, staff_count. Rows with the same date and code form one
          split. Each unit directly under the split unit is placed by a `move` row with the
          same date whose parent is one of the new units.

For a merge or a split, legal_basis and note are taken from its first row.
"""

from .common import (
    Column,
    FieldChange,
    ImportResult,
    Preview,
    RowChange,
    at_row,
    header_matches,
    map_header,
    table_from_data,
    table_to_data,
    translations,
)
from .people import GENDER_ALIASES, PERSON_COLUMNS, PERSON_REQUIRED, import_people
from .unit_rows import BUDGET_ALIASES, EVENT_ALIASES, KIND_ALIASES, UNIT_COLUMNS, UNIT_REQUIRED
from .units import import_units

__all__ = [
    "BUDGET_ALIASES",
    "EVENT_ALIASES",
    "GENDER_ALIASES",
    "KIND_ALIASES",
    "PERSON_COLUMNS",
    "PERSON_REQUIRED",
    "UNIT_COLUMNS",
    "UNIT_REQUIRED",
    "Column",
    "FieldChange",
    "ImportResult",
    "Preview",
    "RowChange",
    "at_row",
    "header_matches",
    "import_people",
    "import_units",
    "map_header",
    "table_from_data",
    "table_to_data",
    "translations",
]
