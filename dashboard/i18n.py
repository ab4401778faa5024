"""Interface texts in Kazakh, Russian and English, and numbers written the way each language writes them."""

from __future__ import annotations

LANGS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANG = "kk"

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {
        "kk": "Білім мен ғылымды дамыту бағдарламасының мониторингі",
        "ru": "Мониторинг программы развития образования и науки",
        "en": "Education and Science Programme monitor",
    },
    "language": {"kk": "Тіл", "ru": "Язык", "en": "Language"},
    "page_catalogue": {"kk": "Индикаторлар каталогы", "ru": "Каталог индикаторов", "en": "Indicator catalogue"},
    "catalogue_intro": {
        "kk": "Бағдарламаның (ҚР Үкіметінің 2019 жылғы 27 желтоқсандағы № 988 қаулысы) нысаналы индикаторлары мен нәтижелер көрсеткіштері: 2018 жылғы факт және 2020–2025 жылдарға арналған мақсатты мәндер.",
        "ru": "Целевые индикаторы и показатели результатов программы (постановление Правительства РК № 988 от 27 декабря 2019 года): факт 2018 года и целевые значения на 2020–2025 годы.",
        "en": "Target and result indicators of the programme (Government decree No. 988 of 27 December 2019): the 2018 fact and the targets for 2020–2025.",
    },
    "no_build": {
        "kk": "Әлі жарияланған деректер жоқ. `bilim build` іске қосыңыз.",
        "ru": "Опубликованных данных пока нет. Запустите `bilim build`.",
        "en": "Nothing is published yet. Run `bilim build`.",
    },
    "build": {"kk": "Жинақ", "ru": "Сборка", "en": "Build"},
    "series_count": {"kk": "Қатарлар саны", "ru": "Число рядов", "en": "Series"},
    "goal": {"kk": "Мақсат", "ru": "Цель", "en": "Goal"},
    "level_target": {"kk": "Нысаналы индикатор", "ru": "Целевой индикатор", "en": "Target indicator"},
    "level_result": {"kk": "Нәтиже көрсеткіші", "ru": "Показатель результата", "en": "Result indicator"},
    "col_code": {"kk": "Код", "ru": "Код", "en": "Code"},
    "col_name": {"kk": "Атауы", "ru": "Наименование", "en": "Name"},
    "col_level": {"kk": "Түрі", "ru": "Тип", "en": "Level"},
    "col_unit": {"kk": "Өлш. бірл.", "ru": "Ед. изм.", "en": "Unit"},
    "col_direction": {"kk": "Бағыт", "ru": "Направление", "en": "Direction"},
    "col_reporting": {"kk": "Кім есеп береді", "ru": "Кто отчитывается", "en": "Reported by"},
    "col_baseline": {"kk": "2018 факт", "ru": "Факт 2018", "en": "2018 fact"},
    "direction_up": {"kk": "өсуі керек", "ru": "должен расти", "en": "should rise"},
    "direction_down": {"kk": "төмендеуі керек", "ru": "должен снижаться", "en": "should fall"},
    "reporting_regional": {"kk": "өңірлер", "ru": "регионы", "en": "regions"},
    "reporting_national": {"kk": "республика", "ru": "республика", "en": "national"},
    "unit_percent": {"kk": "%", "ru": "%", "en": "%"},
    "unit_score": {"kk": "балл", "ru": "балл", "en": "points"},
    "unit_count": {"kk": "бірлік", "ru": "ед.", "en": "count"},
    "unit_rank": {"kk": "орын", "ru": "место", "en": "rank"},
    "unit_index": {"kk": "индекс", "ru": "индекс", "en": "index"},
    "download_csv": {"kk": "CSV жүктеу", "ru": "Скачать CSV", "en": "Download CSV"},
}


def t(key: str, lang: str) -> str:
    """The text for ``key`` in ``lang``."""
    return TEXTS[key][lang]


def format_number(value: float | None, lang: str, decimals: int = 1) -> str:
    """``94,7`` and ``11 578`` (non-breaking space) in Kazakh and Russian; ``94.7`` and ``11,578`` in English."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang in ("kk", "ru"):
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text
