"""Vietnamese text helpers: NFC normalisation, diacritic-free search keys and the sort key
of every list of people and units."""

from __future__ import annotations

import re
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


# Vietnamese alphabetical order (TCVN 5712): Ă and Â after A, Đ after D, Ê after E, Ô and Ơ
# after O, Ư after U; F J W Z for foreign names. Tones (ngang, huyền, hỏi, ngã, sắc, nặng) only
# break ties between words with the same letters, as ICU's vi collation does.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_LETTER_MARKS = {  # breve, circumflex and horn make letters of their own
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
_SEPARATOR = "10"
_NUMBER = "11"
_LETTER_CODES = {letter: f"{12 + i:02d}" for i, letter in enumerate(_ALPHABET)}
SORT_KEY_LENGTH = 255


def vn_sort_key(text: str, *, given_name_first: bool = False) -> str:
    """A key that orders text the Vietnamese way, as a plain string of digits: compared
    character by character it gives the same order in Python, SQLite and any PostgreSQL
    collation, so it can be stored in a column and used for paging.

    Letters follow the Vietnamese alphabet (Đ after D, Ă Â after A …), tones come after the base
    letters, case is ignored, numbers compare by value ("khu vực 2" before "khu vực 10",
    KV2 before KV10). With ``given_name_first`` a person's full name sorts by the given name
    (tên, its last word), then by the rest in order: "Nguyễn Văn An" before "Bùi Thị Bình".
    """
    words = nfc(text).lower().split()
    if given_name_first and len(words) > 1:
        words = [words[-1], *words[:-1]]
    primary: list[str] = []
    tones: list[str] = []
    for word in words:
        if primary:
            primary.append(_SEPARATOR)
        for token in re.findall(r"\d+|\D", word):
            if token.isdigit():
                primary.append(_NUMBER + f"{int(token):020d}"[-20:])
                continue
            letter, tone = _letter(token)
            if letter in _LETTER_CODES:
                primary.append(_LETTER_CODES[letter])
                tones.append(tone)
            elif primary and primary[-1] != _SEPARATOR:
                primary.append(_SEPARATOR)  # punctuation such as "–" or "." separates words
    return ("".join(primary) + "0" + "".join(tones))[:SORT_KEY_LENGTH]


def _letter(char: str) -> tuple[str, str]:
    """'ặ' -> ('ă', '5'): the letter of the alphabet and its tone digit (0 for none)."""
    decomposed = unicodedata.normalize("NFD", char)
    base, tone = decomposed[0], "0"
    for mark in decomposed[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        else:
            base = _LETTER_MARKS.get((base, mark), base)
    return base, tone


def filename_slug(text: str, *, limit: int = 120) -> str:
    """A download name from Vietnamese words, ASCII-folded for every browser and file system:
    'Báo cáo quý 3 – Chi cục khu vực 1' -> 'bao-cao-quy-3-chi-cuc-khu-vuc-1'."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:limit].rstrip("-") or "tep"
