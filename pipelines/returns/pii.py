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


# --- people's names in cell values ------------------------------------------------------------------------------
#
# A header word is not enough: a column of full names under "Ответственный исполнитель" is personal data too. A
# cell holds a person's name when, after Latin look-alike letters inside Cyrillic words are read as the Cyrillic
# ones they imitate (``Ивaнoвич`` typed with Latin a and o):
#
# 1. a word is a patronymic: capitalised, ending in -ович/-евич/-овна/-евна/-ична (in any case form: -овича,
#    -овной, ...), or glued Kazakh -ұлы/-улы/-қызы/-кызы (``Нұрланұлы``), or ``ұлы``/``қызы`` written apart after
#    two capitalised name words (``Ахметов Нұрлан ұлы``; alone, ``Ұлы`` means "great"); transliterated the same
#    (``Ivanovich``, ``Nurlanuly``, ``Nurlanqyzy``); or
# 2. three consecutive name-like words, each capitalised-then-lowercase in one script (no hyphen, no digits, not an
#    institutional or geographic word such as "Отдел", "область", "Казахстанская"), at least one of them with a
#    surname ending (-ов/-ев/-ёв/-ова/-ева/-ин/-ина/-ын/-ына/-ский/-ская/-цкий/-цкая/-бек/-баев/-баева/-енко/
#    -ук/-юк and their Latin spellings) or a patronymic ending; or
# 3. a surname with initials (``Иванов И.И.``, ``И.И. Иванов``).
#
# What does not count: indicator names and region names (lower-case words, hyphenated "Северо-Казахстанская"),
# agency words ("Данные ГУ Отдел образования": "ГУ" is all capitals and the run has no surname ending), sentence
# starts with two capitalised words. Tested both ways in ``tests/test_hostile.py``.

_CYR_UP = "А-ЯЁӘҒҚҢӨҰҮҺІ"
_CYR_LO = "а-яёәғқңөұүһі"
# Latin letters that look like Cyrillic ones, as typed on a Latin layout inside a Cyrillic word.
_LOOKALIKES = str.maketrans({
    "A": "А", "a": "а", "B": "В", "C": "С", "c": "с", "E": "Е", "e": "е", "H": "Н", "I": "І", "i": "і",
    "K": "К", "k": "к", "M": "М", "O": "О", "o": "о", "P": "Р", "p": "р", "T": "Т", "X": "Х", "x": "х",
    "y": "у", "Y": "У", "Ə": "Ә", "ə": "ә",
})
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_NAME_CYR = re.compile(rf"[{_CYR_UP}][{_CYR_LO}]+")
_NAME_LAT = re.compile(r"[A-Z][a-z]+")
# -ович/-евич alone is a patronymic; -овна/-евна/-ична only beside another name word ("Условна" is an adjective).
_PATRONYMIC_CYR = re.compile(rf"[{_CYR_UP}][{_CYR_LO}]{{2,}}(?:ович|евич|ёвич)[{_CYR_LO}]{{0,3}}")
_PATRONYMIC_FEM_CYR = re.compile(rf"[{_CYR_UP}][{_CYR_LO}]{{2,}}(?:овн|евн|ичн)[{_CYR_LO}]{{1,3}}")
_PATRONYMIC_LAT = re.compile(r"[A-Z][a-z]{2,}(?:ovich|evich|ovych)[a-z]{0,3}")
_PATRONYMIC_FEM_LAT = re.compile(r"[A-Z][a-z]{2,}(?:ovna|evna|ichna)")
_GLUED_KK_CYR = re.compile(rf"[{_CYR_UP}][{_CYR_LO}]{{2,}}(?:ұлы|улы|қызы|кызы)")
_GLUED_KK_LAT = re.compile(r"[A-Z][a-z]{2,}(?:uly|kyzy|qyzy)")
_APART_KK = {"ұлы", "улы", "қызы", "кызы", "uly", "kyzy", "qyzy"}
_SURNAME_CYR = re.compile(
    rf"[{_CYR_LO}](?:ов|ев|ёв|ова|ева|ёва|ин|ина|ын|ына|ский|ская|цкий|цкая|бек|бекова|баев|баева|енко|ук|юк|ұлы|улы|қызы|кызы)$"
)
_SURNAME_LAT = re.compile(
    r"[a-z](?:ov|ev|ova|eva|in|ina|yn|yna|sky|skiy|skii|skaya|bek|bayev|baev|bayeva|baeva|enko|uk|yuk|uly|kyzy|qyzy)$"
)
_INITIALS = re.compile(
    rf"(?:\b[{_CYR_UP}][{_CYR_LO}]+(?:ов|ев|ова|ева|ин|ина|ский|ская)\s+[{_CYR_UP}]\.\s?[{_CYR_UP}]\.?)"
    rf"|(?:\b[{_CYR_UP}]\.\s?[{_CYR_UP}]\.\s?[{_CYR_UP}][{_CYR_LO}]+(?:ов|ев|ова|ева|ин|ина|ский|ская)\b)"
)
# Capitalised words of agencies, places and documents that end like surnames or start a sentence of three.
_NOT_NAMES = {
    w.lower()
    for w in (
        "Отдел Управление Министерство Департамент Данные Республика Республики Казахстан Казахстана Қазақстан "
        "Область Облысы Район Ауданы Город Қаласы Село Ауыл Школа Мектеп Гимназия Лицей Колледж Университет "
        "Академия Институт Центр Орталығы Комитет Комитета Акимат Әкімдігі Образования Білім Науки Ғылым "
        "Северо Южно Западно Восточно Солтүстік Оңтүстік Батыс Шығыс Алматы Астана Шымкент Нур Султан "
        "Назарбаев Национальный Ұлттық Итого Всего Барлығы Источник Дереккөз Примечание Ескерту"
    ).split()
}


def _fold(word: str) -> str:
    """A word mixing scripts read as Cyrillic (``Ивaнoв`` with Latin a, o -> ``Иванов``); one script stays."""
    if re.search(rf"[{_CYR_UP}{_CYR_LO}]", word) and re.search(r"[A-Za-zƏə]", word):
        return word.translate(_LOOKALIKES)
    return word


def _name_like(word: str) -> bool:
    if word.lower() in _NOT_NAMES or "станск" in word.lower():
        return False
    return bool(_NAME_CYR.fullmatch(word) or _NAME_LAT.fullmatch(word))


def _surname_or_patronymic(word: str) -> bool:
    return bool(_SURNAME_CYR.search(word) or _SURNAME_LAT.search(word) or _patronymic(word) or _female_patronymic(word))


def _patronymic(word: str) -> bool:
    """A patronymic that names a person on its own (-ович, glued -ұлы/-қызы)."""
    return bool(
        _PATRONYMIC_CYR.fullmatch(word)
        or _PATRONYMIC_LAT.fullmatch(word)
        or _GLUED_KK_CYR.fullmatch(word)
        or _GLUED_KK_LAT.fullmatch(word)
    )


def _female_patronymic(word: str) -> bool:
    return bool(_PATRONYMIC_FEM_CYR.fullmatch(word) or _PATRONYMIC_FEM_LAT.fullmatch(word))


# A cheap first look (also usable as a Polars/Rust regex): a cell without any of these cannot hold a name.
NAME_PREFILTER = (
    r"(?i)(вич|вн|ичн|ұлы|улы|қызы|кызы|vich|vych|vna|ichna|uly|kyzy|qyzy"
    r"|[оoеeё]в|[иi]н|ын|ск|цк|бек|енко|[уy]к|юк|ov|ev|in|yn|sky|skiy|skii|skaya|bek|enko|uk|[.])"
)
_PREFILTER = re.compile(NAME_PREFILTER)


def has_person_name(cell: object) -> bool:
    """Whether a text cell holds a person's name (see the rules above). Numbers never do."""
    if not isinstance(cell, str) or len(cell) < 5:
        return False
    if not _PREFILTER.search(cell):
        return False
    text = " ".join(_fold(w) for w in cell.split())
    if _INITIALS.search(text):
        return True
    words = [m.group(0) for m in _WORD.finditer(text)]
    for i, w in enumerate(words):
        if "-" not in w and _patronymic(w) and w.lower() not in _NOT_NAMES:
            return True
        if _female_patronymic(w) and any(_name_like(x) for x in words[max(i - 1, 0) : i] + words[i + 1 : i + 2]):
            return True
        if w in _APART_KK and i >= 2 and _name_like(words[i - 1]) and _name_like(words[i - 2]):
            return True
    # Three name words in a row means separated by spaces only: "Zhezkazgan/Karazhal/Satpayev" is a list of towns.
    for segment in re.split(r"[^\w\s'’-]|\d", text):
        run: list[str] = []
        for w in [m.group(0) for m in _WORD.finditer(segment)] + [""]:
            if w and _name_like(w):
                run.append(w)
                continue
            for j in range(len(run) - 2):
                if any(_surname_or_patronymic(x) for x in run[j : j + 3]):
                    return True
            run = []
    return False


# --- a pupil's individual prevention plan (seed 003, Appendix 1) --------------------------------------------------
#
# The registration set's returns are aggregates; the plan kept at school holds the pupil's name, birth date, ИИН and
# address (Appendix 1: "Оқушының тегі, аты, әкесінің аты", "Туған күні, айы, жылы", "ЖСН", "Мекен-жайы", "Тіркелген
# мекен-жайы"). For a set whose registry row cites such a form (sets.csv ``personal_data_lines``) these fields are
# looked for too, in kk, ru and en, beside the programme's guard (names, ИИН, name columns), which applies as ever.

PLAN_FIELD_WORDS = re.compile(
    r"(мекен[\s-]*жай|тіркелген\s+мекен|тұрғылықты\s+жер|\bадрес|место\s+жительства|прописк|\baddress\b|"
    r"туған\s+күн|туылған\s+күн|тұған\s+күн|туған\s+жыл|дата\s+рожд|год\s+рождения|date\s+of\s+birth|birth\s*date|\bdob\b|"
    r"баланың\s+аты|оқушының\s+(?:тегі|аты)|білім\s+алушының\s+(?:тегі|аты)|ф\.?\s*и\.?\s*о\.?\s+(?:ребенка|ребёнка|обучающегося|учащегося)|"
    r"имя\s+(?:ребенка|ребёнка|обучающегося)|child'?s?\s+name|pupil'?s?\s+name|student'?s?\s+name|"
    r"\bиин\b|\bжсн\b|\biin\b)",
    re.IGNORECASE,
)
# Street, house and flat markers followed (or preceded) by a number: an address, not a place name.
_ADDRESS = re.compile(
    r"(\bул\.|\bулица\b|\bкөшесі\b|\bкөш\.|\bпр\.|\bпр-т\b|\bпроспект|\bдаңғылы\b|\bмкр\b|\bмкр\.|\bмикрорайон|"
    r"\bшағын\s*аудан|\bstreet\b|\bst\.|\bavenue\b)[^\n]{0,40}?\d"
    r"|(\bд\.|\bдом\b|\bүй\b|\bкв\.|\bквартира\b|\bпәтер\b|\bapt\.?|\bflat\b)\s*№?\s*\d",
    re.IGNORECASE,
)
_TEXT_DATE = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d{2})(?!\d)|(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})(?!\d)")


def is_plan_field_label(cell: object) -> bool:
    """Whether a header-like cell names a field of the individual plan (name, birth date, ИИН, address)."""
    return isinstance(cell, str) and bool(PLAN_FIELD_WORDS.search(cell))


def has_address(cell: object) -> bool:
    """Whether a text cell holds a street address (a street, house or flat marker with a number)."""
    return isinstance(cell, str) and bool(_ADDRESS.search(cell))


def birth_date_in(cell: object, latest_birth_year: int) -> bool:
    """Whether a cell is, or holds, a date of a year no later than ``latest_birth_year`` (a pupil's birth date:
    the return's year minus five). A date cell counts by its value; a text cell by a dd.mm.yyyy or yyyy-mm-dd date."""
    if isinstance(cell, date):
        return cell.year <= latest_birth_year
    if not isinstance(cell, str):
        return False
    for m in _TEXT_DATE.finditer(cell):
        year = int(m.group(3) or m.group(4))
        if year <= latest_birth_year:
            return True
    return False
