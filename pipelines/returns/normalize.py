"""What people type into spreadsheets, read as what they meant: numbers and settlement words.

Accepted: decimal comma or point, thousands separated by (non-breaking) spaces, numbers stored as text, a trailing
``%``, percent-formatted cells (Excel stores 85.3 % as 0.853), dashes and blanks for "not available". Rejected:
text that is not a number, and separators that could mean two things.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum


class NumberStatus(str, Enum):
    OK = "ok"
    BLANK = "blank"
    NOT_AVAILABLE = "not_available"
    INVALID = "invalid"


@dataclass(frozen=True)
class ParsedNumber:
    status: NumberStatus
    value: float | None = None
    percent_sign: bool = False
    percent_format: bool = False
    decimals_typed: int | None = None


NOT_AVAILABLE = {"-", "–", "—", "‒", "x", "х", "н/д", "нд", "n/a", "na", "жоқ", "нет", "...", "…"}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_PLAIN = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_GROUPED_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")  # 1.234,5
_GROUPED_DOT_DECIMAL = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")  # 1,234.5


def parse_number(cell: object, number_format: str | None = None) -> ParsedNumber:
    """Read one cell as a number. ``number_format`` is the cell's Excel format, when known."""
    percent_format = bool(number_format and "%" in number_format)
    if cell is None:
        return ParsedNumber(NumberStatus.BLANK)
    if isinstance(cell, bool):
        return ParsedNumber(NumberStatus.INVALID)
    if isinstance(cell, int | float):
        value = float(cell)
        if math.isnan(value) or math.isinf(value):
            return ParsedNumber(NumberStatus.INVALID)
        if percent_format:
            return ParsedNumber(NumberStatus.OK, round(value * 100, 10), percent_format=True, decimals_typed=_format_decimals(number_format))
        return ParsedNumber(NumberStatus.OK, value, decimals_typed=_float_decimals(value))
    text = str(cell).strip()
    if not text:
        return ParsedNumber(NumberStatus.BLANK)
    if text.lower() in NOT_AVAILABLE:
        return ParsedNumber(NumberStatus.NOT_AVAILABLE)
    percent_sign = text.endswith("%")
    if percent_sign:
        text = text[:-1].strip()
    text = _SPACES.sub("", text)
    if _PLAIN.match(text):
        normalized = text.replace(",", ".")
    elif _GROUPED_COMMA_DECIMAL.match(text):
        normalized = text.replace(".", "").replace(",", ".")
    elif _GROUPED_DOT_DECIMAL.match(text):
        normalized = text.replace(",", "")
    else:
        return ParsedNumber(NumberStatus.INVALID)
    decimals = len(normalized.split(".", 1)[1]) if "." in normalized else 0
    return ParsedNumber(NumberStatus.OK, float(normalized), percent_sign=percent_sign, decimals_typed=decimals)


def _float_decimals(value: float) -> int:
    text = repr(value)
    if "e" in text or "E" in text:
        return 6
    return 0 if text.endswith(".0") else len(text.split(".", 1)[1]) if "." in text else 0


def _format_decimals(number_format: str | None) -> int:
    m = re.search(r"0\.(0+)%", number_format or "")
    return len(m.group(1)) if m else 0


# --- settlement words -------------------------------------------------------------------------------------------

_FOLD = str.maketrans(
    {
        "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
        "ə": "а", "ı": "и", "ё": "е",
    }
)
# Latin letters typed in a Cyrillic word (same shape): a, c, e, o, p, x, y, i, k, m, t, h, b
_LATIN_LOOKALIKES = str.maketrans({"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "и", "k": "к", "m": "м", "t": "т", "h": "н", "b": "в"})
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]")

SETTLEMENT_WORDS = {
    "total": "total", "всего": "total", "итого": "total", "барлыгы": "total", "жиыны": "total", "барлык": "total",
    "urban": "urban", "город": "urban", "кала": "urban", "городская местность": "urban", "калалык жер": "urban",
    "rural": "rural", "село": "rural", "ауыл": "rural", "сельская местность": "rural", "ауылдык жер": "rural",
}


def normalize_settlement(cell: object) -> str | None:
    """``total``, ``urban`` or ``rural`` for the Kazakh, Russian and English words, whatever the case, stray spaces
    or Latin look-alike letters (``i`` for ``і``, ``Ə`` for ``Ә``); ``None`` if it is none of them."""
    if cell is None:
        return None
    text = " ".join(str(cell).split()).lower()
    if not text:
        return None
    if text in ("total", "urban", "rural"):
        return text
    if _CYRILLIC.search(text):
        text = text.translate(_LATIN_LOOKALIKES)
    text = text.translate(_FOLD)
    return SETTLEMENT_WORDS.get(text)
