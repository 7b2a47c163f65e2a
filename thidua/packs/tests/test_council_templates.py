"""Council templates in the sector packs (`councils.json`): each pack's templates load and name
levels of their own pack, every seat keeps its legal basis, and setup_body makes the body's own
council (no members) once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from thidua.audit.models import AuditEvent
from thidua.awards.council_templates import pack_templates, read_templates
from thidua.awards.models import Council, CouncilMember
from thidua.packs import loader
from thidua.packs.loader import PackError, available_packs, read_pack
from thidua.packs.setup import BodySpec, setup_body

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-rat-dai-2026"
KSND = BodySpec(
    name="Viện kiểm sát nhân dân tối cao",
    short_name="VKSNDTC",
    seat="Hà Nội",
    pack="ksnd",
    admin_username="quantri",
    admin_password=PASSWORD,
)
PROVINCE = BodySpec(
    name="Ủy ban nhân dân tỉnh Tuyên Quang",
    short_name="UBND-TQ",
    seat="Tuyên Quang",
    pack="province",
    admin_username="quantri",
    admin_password=PASSWORD,
)
EXPECTED_LEVELS = {"ksnd": {"toi-cao", "cap-tinh"}, "province": {"tinh", "so", "xa"}}


@pytest.mark.parametrize("name", ["ksnd", "province"])
def test_each_pack_has_council_templates_on_its_own_levels(name: str) -> None:
    pack = read_pack(name)
    templates = read_templates(pack.file("councils"))
    levels = json.loads(pack.file("levels").read_text(encoding="utf-8"))["levels"]
    assert set(templates) == EXPECTED_LEVELS[name]
    assert set(templates) <= {row["code"] for row in levels}
    assert pack.top_level in templates
    assert pack_templates(name).keys() == templates.keys()
    for template in templates.values():
        assert template.data["name"].startswith("Hội đồng Thi đua - Khen thưởng")
        assert template.legal_basis and "06/2022/QH15" in template.legal_basis
        assert template.confidence in {"high", "medium", "low"}
        assert "98/2023" in template.vote_reference
        roles = [seat.role for seat in template.seats]
        assert roles.count("chair") == 1 and "secretary" in roles and "vice_chair" in roles
        assert all(r in CouncilMember.Role.values for r in roles)
        assert all(seat.data.get("name") and seat.data.get("held_by") for seat in template.seats)
    data = json.loads(pack.file("councils").read_text(encoding="utf-8"))
    # A figure the sources do not give is said so in a note, and the confidence is low.
    assert data["confidence"] == "low" and "không tìm thấy" in data["note"]


def test_every_shipped_pack_names_its_councils_file() -> None:
    for name in available_packs():
        assert "councils" in read_pack(name).manifest["files"], name


def test_setup_body_creates_the_bodys_council_once() -> None:
    result = setup_body(KSND)
    council = Council.objects.get()
    assert result.council == council
    assert council.unit == result.body.unit
    assert council.name == "Hội đồng Thi đua - Khen thưởng ngành Kiểm sát nhân dân"
    assert not council.members.exists()
    event = AuditEvent.objects.get(action="awards.council.create")
    assert event.object_id == str(council.pk)
    again = setup_body(KSND)
    assert again.council is None
    assert Council.objects.count() == 1
    assert AuditEvent.objects.filter(action="awards.council.create").count() == 1


def test_the_province_council_is_named_after_the_bodys_seat() -> None:
    result = setup_body(PROVINCE)
    assert result.council is not None
    assert result.council.name == "Hội đồng Thi đua - Khen thưởng tỉnh Tuyên Quang"


def test_a_template_on_a_level_the_pack_lacks_refuses_the_setup(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shutil.copytree(read_pack("ksnd").directory, tmp_path / "ksnd")
    monkeypatch.setattr(loader, "PACKS_DIR", tmp_path)
    path = tmp_path / "ksnd" / "councils.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["councils"].append({"level": "khong-co", "name": "Hội đồng {unit}"})
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PackError) as refused:
        setup_body(KSND)
    assert "khong-co" in refused.value.bilingual()
    assert not Council.objects.exists()


def test_a_missing_councils_file_refuses_the_pack(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shutil.copytree(read_pack("ksnd").directory, tmp_path / "ksnd")
    monkeypatch.setattr(loader, "PACKS_DIR", tmp_path)
    (tmp_path / "ksnd" / "councils.json").unlink()
    with pytest.raises(PackError) as refused:
        read_pack("ksnd")
    assert "councils.json" in str(refused.value)


def test_a_bad_role_or_placeholder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "councils.json"
    seat = {"role": "president", "name": "X", "held_by": "Y", "count": 1}
    path.write_text(json.dumps({"councils": [{"level": "a", "name": "H", "seats": [seat]}]}))
    with pytest.raises(ValueError, match="president"):
        read_templates(path)
    path.write_text(json.dumps({"councils": [{"level": "a", "name": "H {place}"}]}))
    with pytest.raises(ValueError, match="placeholder"):
        read_templates(path)
