"""Amounts of money written in Vietnamese words ("Bằng chữ"), as a decision's cash is."""

from __future__ import annotations

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", " nghìn", " triệu", " tỷ"]


def _triple(value: int, *, full: bool) -> str:
    """0–999 in words; `full` spells a leading "không trăm" (a group after a larger one)."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens > 1:
        words += [_DIGITS[tens], "mươi"]
    elif tens == 1:
        words.append("mười")
    elif units and words:
        words.append("linh")
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5 and tens:
        words.append("lăm")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units:
        words.append(_DIGITS[units])
    return " ".join(words)


def number_in_words(value: int) -> str:
    """1.490.000 → "một triệu bốn trăm chín mươi nghìn" (below a thousand billion)."""
    if value < 0:
        return "âm " + number_in_words(-value)
    if value == 0:
        return _DIGITS[0]
    groups: list[int] = []
    while value:
        value, group = divmod(value, 1000)
        groups.append(group)
    parts: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            continue
        full = index < len(groups) - 1
        parts.append(_triple(group, full=full) + _GROUPS[index])
    return " ".join(parts)


def dong_in_words(value: int) -> str:
    """ "Một triệu bốn trăm chín mươi nghìn đồng": capitalised, ending in "đồng"."""
    text = number_in_words(value) + " đồng"
    return text[0].upper() + text[1:]
