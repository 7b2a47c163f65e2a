"""Text typed in the legacy Vietnamese encodings TCVN3 (ABC, the ``.VnTime`` fonts) and VNI
(``VNI-Times``), as it arrives from old spreadsheets, converted to Unicode (NFC).

A cell typed with a legacy font holds the font's byte values as Latin-1 letters: "Hà Nội" is
``Hµ Néi`` in TCVN3 and ``Haø Noäi`` in VNI. Whether a text is legacy at all is decided from its
content (viparse's character model over the two tables); when in doubt the text is left as it is,
because converting good Unicode would corrupt it.

viparse (young, one maintainer) stays behind this one function. Its VNI table lacks ẳ/Ẳ
(``aú``/``AÚ``) and writes ỵ/Ỵ as ``yï``/``YÏ`` where VNI fonts use the single letters ``î``/``Î``;
the four entries are added here, checked against the VNI-Windows layout (tests in
thidua/lib/tests/test_encodings.py).
"""

from __future__ import annotations

import unicodedata
from functools import cache

from viparse.normalize.detector import detect_encoding_by_content
from viparse.normalize.encodings import CHARMAPS
from viparse.normalize.tables import Charmap, build_charmap, convert

VNI_ADDITIONS = (("aú", "ẳ"), ("AÚ", "Ẳ"), ("î", "ỵ"), ("Î", "Ỵ"))
"""VNI letters that viparse 0.1 lacks or maps differently."""


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


def to_unicode(text: str) -> str:
    """``text`` in Unicode NFC: converted from TCVN3 or VNI when it reads as legacy Vietnamese,
    otherwise only normalised. Short or ambiguous text is left unconverted."""
    if not could_be_legacy(text):
        return unicodedata.normalize("NFC", text)
    verdict = detect_encoding_by_content(text, charmaps())
    if verdict.encoding is None:
        return unicodedata.normalize("NFC", text)
    return str(convert(text, charmaps()[verdict.encoding]))
