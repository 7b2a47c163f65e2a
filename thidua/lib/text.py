"""Vietnamese text helpers: NFC normalisation and diacritic-free search keys."""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    """Text typed on some systems arrives decomposed (NFD); store NFC only."""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """'Hà Giang' -> 'ha giang': lower case, no tone marks, đ -> d, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d")
    return " ".join(bare.split())


def vn_sort_key(text: str) -> tuple[str, str]:
    """Sort like a Vietnamese dictionary closely enough for lists: base letters first
    (Đ next to D), then the marks."""
    return (fold(text), nfc(text))
