"""Text typed in the legacy Vietnamese encodings TCVN3 (ABC, the ``.VnTime`` fonts) and VNI
(``VNI-Times``), as it arrives from old spreadsheets, converted to Unicode (NFC).

A cell typed with a legacy font holds the font's byte values as Latin-1 letters: "Hà Nội" is
``Hµ Néi`` in TCVN3 and ``Haø Noäi`` in VNI. What decides, in this order:

1. Text with a letter outside Latin-1 (ư, ạ, đ …) is Unicode already: never converted.
2. Text that reads as Vietnamese as it is (every non-ASCII word a Vietnamese syllable: "Chi
   phí hành chính") is never converted either, whatever its font: an old file reused with
   its .VnTime cells still gets Unicode typed into it. (A one-word legacy note that happens
   to be a syllable, "Tèt" for "Tốt", stays as typed: the price of never corrupting text.)
3. The cell's font (``.VnTime…`` → TCVN3, ``VNI-…`` → VNI), when the file has one and its
   table turns the text into Vietnamese.
4. Otherwise the one table whose result reads as Vietnamese; when both or neither do, the
   encoding the rest of the column shows, then viparse's character model.

viparse (young, one maintainer) stays behind this module. Its VNI table lacks ẳ/Ẳ
(``aú``/``AÚ``) and writes ỵ/Ỵ as ``yï``/``YÏ`` where VNI fonts use the single letters ``î``/``Î``;
the four entries are added here, checked against the VNI-Windows layout (tests in
thidua/lib/tests/test_encodings.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

from viparse.normalize.detector import detect_encoding, detect_encoding_by_content
from viparse.normalize.encodings import CHARMAPS
from viparse.normalize.tables import Charmap, build_charmap, convert

VNI_ADDITIONS = (("aú", "ẳ"), ("AÚ", "Ẳ"), ("î", "ỵ"), ("Î", "Ỵ"))
"""VNI letters that viparse 0.1 lacks or maps differently."""
ENCODINGS = ("tcvn3", "vni")

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_ONSET = "ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx]"
TONE_AT: dict[str, frozenset[int]] = {
    group: frozenset(at)
    for groups, at in (
        ("a ă â e ê i o ô ơ u ư y", {0}),
        ("ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu ya", {0}),
        ("oa oe uy", {0, 1}),
        ("oă uâ uê uô uơ ươ iê yê", {1}),
        ("iêu yêu oai oao oay oeo uây uôi ươi ươu uya uyu", {1}),
        ("uyê", {2}),
    )
    for group in groups.split(" ")
}
"""The vowel groups of Vietnamese, and where in each the tone mark may sit ("máy", not
"maý"; "hoá" and "hóa"). VNI text read as Latin-1 puts tone letters after the vowel
("Maõ" for "Mã"), which this tells apart from Unicode Vietnamese."""
_OPEN = "ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|ưu|uơ|ya|iêu|oai|oao|oay|oeo|uây|uôi|uya|uyu|ươi|ươu|yêu"  # noqa: E501
_CLOSABLE = "uyê|oa|oă|oe|uâ|uê|uô|uy|ươ|iê|yê|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
_CODA = "ch|ng|nh|[cmnpt]"
SYLLABLE = re.compile(
    f"^(?P<onset>{_ONSET})?(?:(?P<open>{_OPEN})|(?P<vowels>{_CLOSABLE})(?:{_CODA})?)$"
)
"""A Vietnamese syllable without its tone mark, lower case (onset, vowels, final)."""
_WORD = re.compile(r"[^\W\d_]+")


@cache
def charmaps() -> dict[str, Charmap]:
    """The two legacy tables used here: TCVN3 as viparse has it, VNI with our additions."""
    vni = CHARMAPS["vni"]
    replaced = {legacy for legacy, _letter in VNI_ADDITIONS} | {"yï", "YÏ"}
    pairs = [pair for pair in vni.pairs if pair[0] not in replaced]
    return {"tcvn3": CHARMAPS["tcvn3"], "vni": build_charmap("vni", [*pairs, *VNI_ADDITIONS])}


def could_be_legacy(text: str) -> bool:
    """Legacy text is made of ASCII and Latin-1 letters only; any other letter (ư, ạ, đ …)
    shows the text is already Unicode."""
    return not text.isascii() and all(ord(ch) <= 0xFF for ch in text)


def is_syllable(word: str) -> bool:
    """Whether a word is written as a Vietnamese syllable: one tone mark at most, and
    lower case, Title case or UPPER CASE (legacy text read as Latin-1 mixes cases)."""
    if not (word.islower() or word.isupper() or word.istitle()):
        return False
    letters = [unicodedata.normalize("NFD", ch) for ch in word.lower()]
    toned = [i for i, d in enumerate(letters) if any(c in _TONES for c in d)]
    if len(toned) > 1:
        return False
    toneless = "".join(unicodedata.normalize("NFC", _untoned(d)) for d in letters)
    match = SYLLABLE.match(toneless)
    if match is None:
        return False
    if not toned:
        return True
    group = "open" if match["open"] else "vowels"
    return toned[0] - match.start(group) in TONE_AT[match[group]]


def _untoned(decomposed: str) -> str:
    return "".join(c for c in decomposed if c not in _TONES)


def reads_as_vietnamese(text: str) -> bool:
    """Whether Unicode text reads as Vietnamese: every character beyond ASCII is a letter,
    and every word holding one is a Vietnamese syllable (ASCII words — codes, English,
    abbreviations — are not judged)."""
    if any(not ch.isascii() and not ch.isalpha() and not ch.isspace() for ch in text):
        return False
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    return all(is_syllable(w) for w in words)


def font_encoding(font: str | None) -> str | None:
    """The legacy encoding a font name implies (.VnTime → tcvn3, VNI-Times → vni)."""
    verdict = detect_encoding([font])
    return verdict.encoding if verdict.method == "font-signal" else None


def _converted(text: str, encoding: str, font: str | None = None) -> str:
    out = unicodedata.normalize("NFC", str(convert(text, charmaps()[encoding])))
    # .VnTimeH, .VnArialH …: the capitals font of TCVN3 shows the same bytes in upper case.
    if font and encoding == "tcvn3" and font.strip().upper().endswith("H"):
        out = out.upper()
    return out


def to_unicode(text: str, *, font: str | None = None, fallback: str | None = None) -> str:
    """``text`` in Unicode NFC: converted from TCVN3 or VNI when it is legacy text (see the
    module's rules), otherwise only normalised. `font` is the cell's font name when the file
    has one; `fallback` the encoding the rest of the column is in."""
    nfc = unicodedata.normalize("NFC", text)
    if not could_be_legacy(nfc) or reads_as_vietnamese(nfc):
        return nfc
    hinted = font_encoding(font)
    if hinted is not None and reads_as_vietnamese(out := _converted(nfc, hinted, font)):
        return out
    encoding = legacy_encoding(nfc, hinted or fallback)
    return _converted(nfc, encoding, font) if encoding else nfc


def legacy_encoding(text: str, fallback: str | None = None) -> str | None:
    """The table that turns `text` into Vietnamese: the only one that does, else `fallback`
    (the column's), else viparse's character model; None when nothing fits."""
    fits = _fitting(text)
    if len(fits) == 1:
        return fits[0]
    if fallback in fits or (not fits and fallback):
        return fallback
    encoding: str | None = detect_encoding_by_content(text, charmaps()).encoding
    return encoding


def _fitting(text: str) -> list[str]:
    """The legacy tables that turn `text` into Vietnamese."""
    return [name for name in ENCODINGS if reads_as_vietnamese(_converted(text, name))]


def column_to_unicode(cells: Sequence[tuple[str, str | None]]) -> list[str]:
    """Each (text, font) of one column in Unicode. The encoding of the column — from its
    legacy fonts, else from all its legacy-looking text together — decides the texts that
    could be read either way on their own."""
    fonts = [enc for _t, font in cells if (enc := font_encoding(font))]
    fallback: str | None = max(set(fonts), key=fonts.count) if fonts else None
    if fallback is None:
        legacy = [t for t, _f in cells if could_be_legacy(t) and not reads_as_vietnamese(t)]
        clear = [enc for t in legacy if len(fits := _fitting(t)) == 1 for enc in fits]
        if clear:
            fallback = max(set(clear), key=clear.count)
        elif legacy:
            fallback = detect_encoding_by_content(" ".join(legacy), charmaps()).encoding
    return [to_unicode(text, font=font, fallback=fallback) for text, font in cells]
