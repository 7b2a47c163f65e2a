"""Legacy Vietnamese text (TCVN3, VNI) to Unicode: real phrases from administrative documents,
every letter of both tables, and Unicode text that must come back untouched."""

from __future__ import annotations

import unicodedata

import pytest

from thidua.lib.encodings import (
    charmaps,
    column_to_unicode,
    could_be_legacy,
    is_syllable,
    to_unicode,
)

PHRASES = [
    # (Unicode, TCVN3 as a .VnTime cell reads, VNI as a VNI-Times cell reads)
    (
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
        "Céng hoµ x· héi chñ nghÜa ViÖt Nam",
        "Coäng hoaø xaõ hoäi chuû nghóa Vieät Nam",
    ),
    ("Bổ sung dự toán tháng 9", "Bæ sung dù to¸n th¸ng 9", "Boå sung döï toaùn thaùng 9"),
    ("Tiết kiệm điện", "TiÕt kiÖm ®iÖn", "Tieát kieäm ñieän"),
    ("Hà Nội", "Hµ Néi", "Haø Noäi"),
    ("số liệu đã được kiểm tra", "sè liÖu ®· ®\xadîc kiÓm tra", "soá lieäu ñaõ ñöôïc kieåm tra"),
    ("chẳng hạn như thẩm định", "ch¼ng h¹n nh\xad thÈm ®Þnh", "chaúng haïn nhö thaåm ñònh"),
]

# One letter per table entry, in the order of the official charts.
TCVN3_LETTERS = "àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵ"
TCVN3_BYTES = bytes.fromhex(
    "b5 b6 b7 b8 b9 a8 bb bc bd be c6 a9 c7 c8 c9 ca cb ae cc ce cf d0 d1 aa d2 d3 d4 d5 d6"
    " d7 d8 dc dd de df e1 e2 e3 e4 ab e5 e6 e7 e8 e9 ac ea eb ec ed ee ef f1 f2 f3 f4 ad"
    " f5 f6 f7 f8 f9 fa fb fc fd fe"
)
VNI_MARKS = {"": "", "sắc": "ù", "huyền": "ø", "hỏi": "û", "ngã": "õ", "nặng": "ï"}


@pytest.mark.parametrize(("unicode", "tcvn3", "vni"), PHRASES)
def test_it_converts_real_phrases_from_both_encodings(unicode: str, tcvn3: str, vni: str):
    assert to_unicode(tcvn3) == unicode
    assert to_unicode(vni) == unicode


@pytest.mark.parametrize(
    "text",
    [
        "Chi phí hội nghị",  # already Unicode
        "Chi phí",  # Unicode made of Latin-1 letters only: too short to call legacy
        "Tôi",
        "ABC-123 / 2025",
        "",
        "Số liệu quý 3",
    ],
)
def test_it_leaves_unicode_and_plain_text_alone(text: str):
    assert to_unicode(text) == text


def test_it_normalises_decomposed_unicode_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Hà Nội")
    assert to_unicode(decomposed) == "Hà Nội"


def test_it_knows_what_cannot_be_legacy():
    assert not could_be_legacy("Hà Nội")  # ộ is outside Latin-1
    assert not could_be_legacy("plain ASCII")
    assert could_be_legacy("Hµ Néi")


def test_it_has_every_tcvn3_lowercase_letter_at_its_byte():
    table = dict(charmaps()["tcvn3"].pairs)
    surface = TCVN3_BYTES.decode("latin-1")
    assert len(surface) == len(TCVN3_LETTERS)
    for byte, letter in zip(surface, TCVN3_LETTERS, strict=True):
        assert table[byte] == letter, (hex(ord(byte)), letter)


@pytest.mark.parametrize(
    ("base", "letters"),
    [
        ("a", "aáàảãạ"),
        ("e", "eéèẻẽẹ"),
        ("o", "oóòỏõọ"),
        ("u", "uúùủũụ"),
        ("y", "yýỳỷỹ"),
        ("A", "AÁÀẢÃẠ"),
        ("O", "OÓÒỎÕỌ"),
    ],
)
def test_it_has_every_vni_tone_on_plain_vowels(base: str, letters: str):
    table = dict(charmaps()["vni"].pairs)
    marks = ["sắc", "huyền", "hỏi", "ngã", "nặng"]
    upper = base.isupper()
    for mark, letter in zip(marks, letters[1:], strict=False):
        legacy = base + (VNI_MARKS[mark].upper() if upper else VNI_MARKS[mark])
        assert table[legacy] == letter


def test_it_fixes_the_vni_letters_viparse_lacks():
    table = dict(charmaps()["vni"].pairs)
    assert (table["aú"], table["AÚ"], table["î"], table["Î"]) == ("ẳ", "Ẳ", "ỵ", "Ỵ")
    assert "yï" not in table
    assert to_unicode("Ñöôøng thaúng, chaúng haïn") == "Đường thẳng, chẳng hạn"


@pytest.mark.parametrize(
    ("word", "syllable"),
    [
        ("máy", True),
        ("hoá", True),
        ("hóa", True),
        ("thuở", True),
        ("quyết", True),
        ("nghiêng", True),
        ("ĐƯỜNG", True),
        ("Việt", True),
        ("maý", False),  # the tone belongs on the main vowel
        ("Maõ", False),  # VNI "Mã": the tone letter follows the vowel
        ("Vaên", False),  # VNI "Văn"
        ("chÝnh", False),  # TCVN3 read as Latin-1 mixes the cases
        ("Hµ", False),
        ("cauc", False),
    ],
)
def test_it_knows_a_vietnamese_syllable(word: str, syllable: bool):
    assert is_syllable(word) is syllable


@pytest.mark.parametrize(
    ("text", "font", "expected"),
    [
        ("Bæ sung", ".VnTime", "Bổ sung"),  # reads as VNI "Bỉ sung" too: the font decides
        ("Bæ sung", "VNI-Times", "Bỉ sung"),
        ("Hµ Néi", ".VnTimeH", "HÀ NỘI"),  # the capitals font of TCVN3
        ("Vaên phoøng phaåm", ".VnTime", "Văn phòng phẩm"),  # VNI pasted into a .VnTime cell
        ("Chi phí hành chính", ".VnTime", "Chi phí hành chính"),  # Unicode in a reused old cell
        ("Hội nghị trực tuyến", "VNI-Times", "Hội nghị trực tuyến"),
        ("Ghi chuù", "Times New Roman", "Ghi chú"),  # content decides when the font is not legacy
    ],
)
def test_it_reads_a_cell_by_its_font_and_never_converts_unicode(text, font, expected):
    assert to_unicode(text, font=font) == expected


@pytest.mark.parametrize(
    ("vni", "unicode"),
    [
        ("Vaên phoøng phaåm", "Văn phòng phẩm"),  # viparse's model reads these as TCVN3
        ("Baõo", "Bão"),
        ("Mua maùy tiùnh", "Mua máy tính"),
        ("Taäp huaán", "Tập huấn"),
    ],
)
def test_it_never_decodes_a_vni_note_as_tcvn3(vni: str, unicode: str):
    assert to_unicode(vni) == unicode


def test_a_column_decides_what_one_note_cannot():
    column = [("Bæ sung", None), ("Gi¶m so víi cïng kú", None), ("Chi phí", None)]
    assert column_to_unicode(column) == ["Bổ sung", "Giảm so với cùng kỳ", "Chi phí"]
    vni_column = [("Bæ sung", None), ("Coäng hoaø xaõ hoäi", None)]
    assert column_to_unicode(vni_column)[0] == "Bỉ sung"
