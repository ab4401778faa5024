"""Personal data in a return that must be aggregate: ИИН (ЖСН), БСН and name columns.

An ИИН is 12 digits: the birth date YYMMDD, a century-and-sex digit 1-6, a 4-digit serial and a check digit. A БСН
(company number) is 12 digits: registration year and month YYMM, an entity-type digit 4-6, a unit digit 0-3, a
serial and a check digit. Both use the same check digit: the digits weighted 1..11, sum mod 11; if that is 10, the
digits weighted 3..11,1,2, sum mod 11; if that is still 10 the number is not valid.
Nothing here returns or logs the identifier itself.
"""

from __future__ import annotations

import re
from datetime import date
from enum import Enum

_TWELVE = re.compile(r"(?<!\d)\d{12}(?!\d)")


class IdentifierKind(str, Enum):
    IIN = "iin"
    BIN = "bin"


def check_digit_valid(digits: str) -> bool:
    if len(digits) != 12 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    total = sum(d[i] * (i + 1) for i in range(11)) % 11
    if total == 10:
        weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
        total = sum(d[i] * weights[i] for i in range(11)) % 11
        if total == 10:
            return False
    return total == d[11]


def _is_birth_date(digits: str) -> bool:
    century_digit = int(digits[6])
    if century_digit not in range(1, 7):
        return False
    century = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}[century_digit]
    try:
        date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    return True


def classify(digits: str) -> IdentifierKind | None:
    """``IIN``, ``BIN`` or ``None`` for a 12-digit string."""
    if not check_digit_valid(digits):
        return None
    if _is_birth_date(digits):
        return IdentifierKind.IIN
    if 1 <= int(digits[2:4]) <= 12 and digits[4] in "456" and digits[5] in "0123":
        return IdentifierKind.BIN
    return None


def identifiers_in(cell: object) -> list[IdentifierKind]:
    """Kinds of identifiers found in one cell (a number or text)."""
    if cell is None or isinstance(cell, bool):
        return []
    if isinstance(cell, float):
        if not cell.is_integer():
            return []
        text = str(int(cell))
    else:
        text = str(cell)
    found = []
    for m in _TWELVE.finditer(re.sub(r"(?<=\d)[\s\u00a0-](?=\d)", "", text)):
        kind = classify(m.group(0))
        if kind is not None:
            found.append(kind)
    return found


NAME_COLUMN_WORDS = re.compile(
    # Short words only as whole words: "тегін" (free of charge: free meals) is not "тегі" (surname).
    r"(\bфио\b|ф\.и\.о|аты[\s-]*жөні|аты-жони|т\.а\.ә|\bтегі\b|фамилия|отчество|surname|full\s*name|first\s*name|"
    r"last\s*name|имя\s+ученика|оқушының\s+аты|\bиин\b|\bжсн\b|\biin\b|дата\s+рождения|туған\s+күні)",
    re.IGNORECASE,
)


def is_name_column_label(cell: object) -> bool:
    """Whether a header-like cell announces personal data (names, ИИН, birth dates)."""
    return isinstance(cell, str) and bool(NAME_COLUMN_WORDS.search(cell))
