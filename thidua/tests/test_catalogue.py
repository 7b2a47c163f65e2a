"""A lint of the message catalogue and the templates: the Vietnamese reads as a clerk writes it
(UX.md "Words"), one term per concept (docs/glossary.md), and no typography of a translation
machine: no space before a colon or a percent sign, no placeholder lost on the way."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
TEMPLATES = sorted((ROOT / "thidua").glob("**/templates/**/*.html"))


@dataclass(frozen=True)
class Entry:
    context: str
    msgid: str
    msgstr: str
    fuzzy: bool


def _entries() -> list[Entry]:
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = ""
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?) (".*")$', line)
            if match:
                current = match.group(1).removesuffix("[0]")
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
            entries.append(
                Entry(fields.get("msgctxt", ""), fields["msgid"], fields.get("msgstr", ""), fuzzy)
            )
    return entries


ENTRIES = _entries()
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
# "80 %", "%(share)s %%", "{{ n }} %": a percentage is written 80%.
SPACE_BEFORE_PERCENT = re.compile(r"(\d|%\(\w+\)[sd]|\}\}?) %(%|[^(%]|$)")
# "Hạn nộp : 20/07", "Đạt ?": no space before a colon, a semicolon, a question or exclamation.
SPACE_BEFORE_COLON = re.compile(r"[^\s:] +[:;?!](\s|$)")
# Wording that reads as a translation, or a second term for a concept of the glossary.
NOT_OUR_WORDS = {
    "mẫu biểu": "one term for forms: “biểu mẫu”",
    "Đã thực hiện:": "say what happened and to whom (“Đã gửi báo cáo lên …”)",
    "Vui lòng điền vào": "say it as a person would",
    "độ tin cậy:": "legal confidence in words (“căn cứ chưa đối chiếu văn bản gốc”)",
}


def test_the_catalogue_is_read() -> None:
    assert len(ENTRIES) > 1000


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.msgid[:40])
def test_every_string_reads_as_a_clerk_writes_it(entry: Entry) -> None:
    assert entry.msgstr and not entry.fuzzy, "untranslated or fuzzy"
    assert {m.group(1) or m.group(2) for m in PLACEHOLDER.finditer(entry.msgid)} == {
        m.group(1) or m.group(2) for m in PLACEHOLDER.finditer(entry.msgstr)
    }, "a placeholder is lost or added"
    for text in (entry.msgid, entry.msgstr):
        assert not SPACE_BEFORE_PERCENT.search(text), f"space before %: {text!r}"
        assert not SPACE_BEFORE_COLON.search(text), f"space before a colon: {text!r}"
    for words, why in NOT_OUR_WORDS.items():
        assert words.lower() not in entry.msgstr.lower(), why


@pytest.mark.parametrize(
    ("context", "msgid", "msgstr"),
    [
        ("", "Title", "Danh hiệu, hình thức khen thưởng"),
        ("name of a movement", "Title", "Tên phong trào"),
        ("", "Title or form", "Danh hiệu, hình thức khen thưởng"),
        ("", "Form", "Biểu mẫu"),
        ("registration", "Due by %(d)s", "Hạn đăng ký: %(d)s"),
        ("council session", "Planned", "Đã lên lịch"),
        ("", "submitted late", "nộp muộn"),
        ("", "overdue", "quá hạn"),
        (
            "",
            "legal basis not yet checked against the original text",
            "căn cứ chưa đối chiếu văn bản gốc",
        ),
    ],
)
def test_the_glossary_terms_are_used(context: str, msgid: str, msgstr: str) -> None:
    (entry,) = [e for e in ENTRIES if (e.context, e.msgid) == (context, msgid)]
    assert entry.msgstr == msgstr


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "thidua")))
def test_templates_write_percentages_and_colons_the_vietnamese_way(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"<style.*?</style>|style=\"[^\"]*\"", "", text, flags=re.S)  # CSS is not text
    assert not re.search(r"\}\} %[^}]", text), "write {{ n }}%, not {{ n }} %"
    assert not re.search(r"(%\}|\}\}) +:", text), "no space before a colon"
