"""The body's wording comes from the pack at set-up, a new pack version only adds what the body
lacks, and the move of the Body row from packs to org keeps an existing install's row."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from thidua.org.actions import NewUnit, create_unit
from thidua.org.body import Body, profile_for
from thidua.org.models import OrgLevel
from thidua.packs import loader
from thidua.packs.loader import PackError, read_pack
from thidua.packs.setup import BodySpec, install_pack, pack_wording, setup_body

KSND = BodySpec(
    name="Cơ quan thử",
    short_name="CQT",
    seat="Hà Nội",
    pack="ksnd",
    admin_username="quantri",
    admin_password="Mat-khau-rat-dai-2026",
)


def _copy_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, Any]]:
    shutil.copytree(read_pack("ksnd").directory, tmp_path / "ksnd")
    monkeypatch.setattr(loader, "PACKS_DIR", tmp_path)
    path = tmp_path / "ksnd" / "pack.json"
    return path, json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_setup_body_writes_the_pack_s_wording_and_a_new_version_keeps_the_body_s_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_body(KSND)
    body = Body.objects.get()
    section = read_pack("ksnd").manifest["body"]
    assert body.wording == pack_wording(read_pack("ksnd"))
    assert body.wording["issuer_symbol"] == section["documents"]["issuer_symbol"]
    with translation.override("vi"):
        assert profile_for(body.unit).joined_on_text == section["wording"]["joined_on"]
    # The administrator changes the place; the body's deputy title is taken out.
    body.wording = {k: v for k, v in body.wording.items() if k != "deputy_head_title"}
    body.wording["place"] = "Đà Nẵng"
    body.save()
    path, manifest = _copy_pack(tmp_path, monkeypatch)
    manifest["version"] = "2027.1"
    manifest["body"]["documents"]["place"] = "Huế"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    install_pack("ksnd", by="test")
    body.refresh_from_db()
    assert body.pack_version == "2027.1"
    assert body.wording["place"] == "Đà Nẵng"  # the body's own edit stays
    assert body.wording["deputy_head_title"] == section["deputy_head_title"]  # added back


@pytest.mark.django_db
def test_a_pack_with_an_unknown_body_text_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, manifest = _copy_pack(tmp_path, monkeypatch)
    manifest["body"]["boss"] = "x"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PackError):
        setup_body(KSND)
    assert not Body.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_move_to_org_keeps_an_install_s_body() -> None:
    executor = MigrationExecutor(connection)
    old = [("packs", "0001_body"), ("org", "0004_fill_person_sort_key")]
    new = [("packs", "0002_body_moves_to_org")]
    try:
        executor.migrate(old)
        apps = executor.loader.project_state(old).apps
        level = apps.get_model("org", "OrgLevel").objects.create(code="top", name="Top", rank=0)
        unit = apps.get_model("org", "OrgUnit").objects.create(
            code="ROOT", level_id=level.pk, valid_from="2020-01-01"
        )
        apps.get_model("packs", "Body").objects.create(
            unit_id=unit.pk, seat="Hà Nội", pack="ksnd", pack_version="2026.1"
        )
        executor = MigrationExecutor(connection)
        executor.migrate(new)
        apps = executor.loader.project_state(new).apps
        (row,) = apps.get_model("org", "Body").objects.all()
        assert (row.unit_id, row.seat, row.pack, row.pack_version) == (
            unit.pk,
            "Hà Nội",
            "ksnd",
            "2026.1",
        )
        assert row.wording == pack_wording(read_pack("ksnd"))
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    # A new body after the move takes the next id (PostgreSQL's sequence moved past the copy).
    level = OrgLevel.objects.create(code="top2", name="Top", rank=0)
    root = create_unit(NewUnit("R2", "Gốc", level, None), day=dt.date(2020, 1, 1))
    Body.objects.create(unit=root, pack="ksnd", pack_version="1")
    assert Body.objects.count() == 2
