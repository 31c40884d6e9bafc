"""Chinese numerals as used in clause numbering (一 … 九十九, 百, 零/〇)."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(text: str) -> int:
    """Convert a Chinese (or Arabic) numeral such as 十一, 二十, 一百零五, 12 to an int.

    Raises:
        ValueError: when ``text`` is not a numeral.
    """
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in DIGITS and ch not in UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, current = 0, 0
    for ch in text:
        if ch in DIGITS:
            current = DIGITS[ch]
        else:
            total += (current or 1) * UNITS[ch]
            current = 0
    return total + current


def int_to_cn(n: int) -> str:
    """Convert 1..9999 to the Chinese numeral used in headings (11 -> 十一, 1001 -> 一千零一)."""
    if not 0 < n < 10000:
        raise ValueError(f"out of range for a heading numeral: {n}")
    names = "零一二三四五六七八九"
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            if zero and out:
                out += "零"
            zero = False
            out += ("" if unit == 10 and d == 1 and not out else names[d]) + name
        elif out:
            zero = True
    return out
