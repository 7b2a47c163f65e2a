"""Issue 8 point 3: whoever holds every committed state of the database (a copy of SQLite's WAL,
PostgreSQL's WAL, dead tuples, a backup taken at any moment) cannot link a voter to a choice.

The proof is an indistinguishability test. Two elections are held on identical databases with
the same voters in the same order and the same totals, but with the choices permuted among the
voters. The attacker's view is every committed state of every table, in commit order, with row
ids and row order. Only fresh randomness and wall-clock time are masked (`_MASKED`): UUID keys,
ciphertexts (replaced by their length), key material, password salts, timestamps and the audit
hashes computed over them. If the two views are equal, nothing the attacker holds depends on who
chose what, so no voter can be linked to a choice. Before sealed ballots, the first vote's
commit already differed (its row held the plain choice).

`test_no_committed_state_links_a_voter_to_a_choice` snapshots the tables after each commit on
either database; `test_a_stolen_wal_replayed_commit_by_commit_links_no_voter` replays a single
copy of SQLite's WAL frame by frame, rebuilding the database as of each commit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, models

from thidua.accounts.access import forget_scopes
from thidua.council import actions
from thidua.council.models import CouncilSession
from thidua.council.testing import SESSION_DAY, World, build_world
from thidua.testing import build_cast

State = dict[str, list[tuple[Any, ...]]]
# The voters, in voting order; member_b is absent and votes in writing through the secretary.
VOTERS = ("chair", "vice", "member_a", "secretary", "member_b")
ELECTION_A = ("agree", "disagree", "abstain", "agree", "disagree")
ELECTION_B = ("disagree", "abstain", "agree", "disagree", "agree")  # A rotated: same totals
_MASKED = {
    ("council", "ballotvote", "id"): "random key",
    ("council", "ballotvote", "sealed"): "length",
    ("council", "councilsession", "ballot_key"): "length",
    ("accounts", "user", "password"): "salted hash",
    ("audit", "auditevent", "hash"): "hash over the time",
    ("audit", "auditevent", "prev_hash"): "hash over the time",
    ("audit", "audithead", "hash"): "hash over the time",
}


def _masks() -> dict[tuple[str, str], str]:
    """(table, column) → how the value is masked: the listed fields, and every time stamp."""
    masks = {}
    for model in apps.get_models():
        meta = model._meta
        for field in meta.concrete_fields:
            how = _MASKED.get((meta.app_label, meta.model_name or "", field.name))
            if how is None and isinstance(field, models.DateTimeField):
                how = "time"
            if how:
                masks[(meta.db_table, field.column)] = how
    return masks


def _mask(value: Any, how: str | None) -> Any:
    if isinstance(value, memoryview):
        value = bytes(value)
    if how is None or value is None:
        return value
    if how == "length":
        return ("length", len(value))
    return how


def _state(cursor: Any, tables: Sequence[str], masks: dict[tuple[str, str], str]) -> State:
    """Every row of every table, in the database's own order (row order is the attacker's)."""
    state = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        columns = [c[0] for c in cursor.description]
        state[table] = [
            tuple(_mask(v, masks.get((table, c))) for c, v in zip(columns, row, strict=True))
            for row in cursor.fetchall()
        ]
    return state


def _election(world: World, choices: Sequence[str], committed: Callable[[], None]) -> None:
    """One session through the actions, each step its own commit; `committed` after each."""
    users = {"chair": world.chair, "vice": world.vice, "member_a": world.member_a}
    users |= {"member_b": world.member_b, "secretary": world.secretary}
    session = actions.create_session(
        world.council, day=SESSION_DAY, place="Hà Nội", by=world.secretary
    )
    committed()
    for proposal in world.proposals[:2]:
        actions.add_agenda_item(session, proposal, by=world.secretary)
        committed()
    absent = session.members.get(user=world.member_b)
    actions.set_attendance(absent, present=False, by=world.secretary)
    committed()
    actions.open_session(session, by=world.secretary)
    committed()
    for item in session.items.order_by("position"):
        for name, choice in zip(VOTERS, choices, strict=True):
            if name == "member_b":
                actions.record_written_ballot(item, absent, choice=choice, by=world.secretary)
            else:
                actions.cast_ballot(item, user=users[name], choice=choice)
            committed()
    actions.close_session(session, by=world.secretary, day=SESSION_DAY)
    committed()
    first = session.items.order_by("position").first()
    assert first is not None and (first.agree, first.disagree, first.abstain) == (2, 2, 1)


def _fresh_world() -> World:
    """The same world, with the same ids, whatever ran before."""
    call_command("flush", interactive=False, verbosity=0)
    forget_scopes()
    return build_world(build_cast())


def _row_history(choices: Sequence[str]) -> list[State]:
    world = _fresh_world()
    tables = connection.introspection.table_names()
    masks = _masks()
    states: list[State] = []

    def committed() -> None:
        with connection.cursor() as cursor:
            states.append(_state(cursor, tables, masks))

    _election(world, choices, committed)
    return states


@pytest.mark.django_db(transaction=True)
def test_no_committed_state_links_a_voter_to_a_choice() -> None:
    history_a = _row_history(ELECTION_A)
    history_b = _row_history(ELECTION_B)
    assert len(history_a) == len(history_b) == 5 + 2 * len(VOTERS) + 1
    for step, (state_a, state_b) in enumerate(zip(history_a, history_b, strict=True)):
        for table in state_a:
            assert state_a[table] == state_b[table], (step, table)


# ------------------------------------------------------------------ SQLite: replay the WAL


@contextmanager
def _on_file(path: Path) -> Iterator[None]:
    """Point the default connection at a file copy of the test database, in WAL mode with no
    automatic checkpoint, so that the WAL keeps every commit; then back to the in-memory one."""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    saved, name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None
    connection.settings_dict["NAME"] = str(path)
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = saved


def _commit_ends(wal: bytes, start: int) -> list[int]:
    """Byte offsets just past each commit frame after `start` (SQLite file format §4.1: a
    32-byte header, then frames of a 24-byte header and a page; a commit frame records the
    database size after the commit, other frames 0)."""
    page_size = int.from_bytes(wal[8:12], "big")
    frame = 24 + page_size
    ends, offset = [], 32
    while offset + frame <= len(wal):
        if int.from_bytes(wal[offset + 4 : offset + 8], "big") and offset + frame > start:
            ends.append(offset + frame)
        offset += frame
    return ends


def _replay(database: bytes, wal: bytes, ends: list[int], work: Path) -> Iterator[sqlite3.Cursor]:
    """The database as of each commit: the main file with the WAL cut after that commit."""
    for number, end in enumerate(ends):
        path = work / f"replay-{number}.sqlite3"
        path.write_bytes(database)
        Path(f"{path}-wal").write_bytes(wal[:end])
        replayed = sqlite3.connect(path)
        try:
            yield replayed.cursor()
        finally:
            replayed.close()


def _wal_history(choices: Sequence[str], work: Path) -> tuple[list[State], bytes, bytes | None]:
    """Hold the election on a file database, steal its files once at the end, and rebuild
    every committed state from the stolen WAL alone."""
    path = work / "thidua.sqlite3"
    key: list[bytes] = []
    with _on_file(path):
        world = _fresh_world()
        tables = connection.introspection.table_names()
        start = Path(f"{path}-wal").stat().st_size

        def committed() -> None:
            session = CouncilSession.objects.order_by("-id").first()
            # getattr: the same test runs on the code before sealed ballots, which had no keys.
            keys = Path(getattr(settings, "BALLOT_KEY_DIR", work / "no-keys"))
            key_file = keys / f"session-{getattr(session, 'pk', 0)}.key"
            if key_file.exists():
                key.append(key_file.read_bytes())

        _election(world, choices, committed)
        database, wal = path.read_bytes(), Path(f"{path}-wal").read_bytes()
    masks = _masks()
    ends = _commit_ends(wal, start)
    states = [_state(cursor, tables, masks) for cursor in _replay(database, wal, ends, work)]
    return states, database + wal, key[0] if key else None


@pytest.mark.django_db(transaction=True)
def test_a_stolen_wal_replayed_commit_by_commit_links_no_voter(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's WAL; the row snapshots above cover PostgreSQL")
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
    history_a, files_a, key_a = _wal_history(ELECTION_A, tmp_path / "a")
    history_b, _files_b, _key_b = _wal_history(ELECTION_B, tmp_path / "b")
    assert len(history_a) == len(history_b) == 5 + 2 * len(VOTERS) + 1
    for step, (state_a, state_b) in enumerate(zip(history_a, history_b, strict=True)):
        for table in state_a:
            assert state_a[table] == state_b[table], (step, table)
    # The replay did see the votes: one sealed vote per voter and item before the close.
    assert len(history_a[-2]["council_ballotvote"]) == 2 * len(VOTERS)
    assert not history_a[-1]["council_ballotvote"]
    # The private key that opens them is in no byte of the stolen files.
    assert key_a is not None and key_a not in files_a
