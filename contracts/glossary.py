"""The shared glossary: the words for the system's tokens in Kazakh, Russian and English, written once.

Statuses, pace and end-of-programme verdicts, parity, settlements, units, completeness states, review states,
the provenance of a national figure and the damaged-pointer causes are tokens in the marts (``off_track``,
``rolled_up``...). Every side that shows one to a person — the dashboard (``dashboard.i18n``), the briefing pack
(``pipelines.briefing``), the command line's fault lines (``pipelines.faults``) — takes its word from here, so a
status reads the same on a page, in a download, in the PDF and in a terminal.

A status is never colour alone: it has a word, a shape (``STATUS_SYMBOLS``) and a colour from a colour-blind-safe
palette (Okabe–Ito: blue for good, orange/vermilion for bad, never red against green). ``STATUS_COLORS`` are for
marks on charts; ``STATUS_TINTS`` are light tints for table cells, where dark text keeps WCAG AA contrast.

Imports nothing (``contracts`` imports nothing of ours outside ``contracts``).
"""

# ruff: noqa: E501  (a glossary: one entry per line, so a translator or a grep finds the whole entry)
from __future__ import annotations

LANGS = ("kk", "ru", "en")

STATUS_ORDER = ["met", "on_track", "at_risk", "off_track", "incomplete", "no_data", "no_target", "national_only"]

# Okabe & Ito (2008), "Color Universal Design": distinguishable under protanopia, deuteranopia and tritanopia.
STATUS_COLORS = {
    "met": "#0072B2",  # blue
    "on_track": "#56B4E9",  # sky blue
    "at_risk": "#E69F00",  # orange
    "off_track": "#D55E00",  # vermilion
    "incomplete": "#CC79A7",  # reddish purple
    "no_data": "#BDBDBD",
    "no_target": "#E0E0E0",
    "national_only": "#F0E442",  # yellow
}
# Light tints of the same hues: black text on each has a contrast ratio above 12:1 (WCAG AA asks 4.5:1).
STATUS_TINTS = {
    "met": "#CCE3F0",
    "on_track": "#DDF0FB",
    "at_risk": "#FAE7BF",
    "off_track": "#F5D3BF",
    "incomplete": "#F0DDE8",
    "no_data": "#EEEEEE",
    "no_target": "#F5F5F5",
    "national_only": "#FBF8CF",
}
# The shape beside the word: a status read in grey print or by a colour-blind reader is still the status.
STATUS_SYMBOLS = {
    "met": "✓",
    "on_track": "●",
    "at_risk": "▲",
    "off_track": "✕",
    "incomplete": "◐",
    "no_data": "○",
    "no_target": "·",
    "national_only": "◆",
}
# Completeness of a region's return for a year (``dashboard.views.completeness_grid``); the baseline year's return
# is not expected (the programme's 2018 facts are its baseline), so an absent one is "baseline", not "missing".
QUALITY_ORDER = ["on_time", "late", "partial", "missing", "baseline"]
QUALITY_COLORS = {"on_time": "#0072B2", "late": "#E69F00", "partial": "#CC79A7", "missing": "#D55E00", "baseline": "#E0E0E0"}

WORDS: dict[str, dict[str, str]] = {
    # --- status of a value against its target (DESIGN §6) -----------------------------------------------------------
    "status_met": {"kk": "орындалды", "ru": "выполнен", "en": "met"},
    "status_on_track": {"kk": "жоспар бойынша", "ru": "в графике", "en": "on track"},
    "status_at_risk": {"kk": "тәуекел бар", "ru": "под угрозой", "en": "at risk"},
    "status_off_track": {"kk": "артта қалу", "ru": "отставание", "en": "off track"},
    "status_no_data": {"kk": "дерек жоқ", "ru": "нет данных", "en": "no data"},
    "status_no_target": {"kk": "мақсат жоқ", "ru": "нет плана", "en": "no target"},
    "status_national_only": {"kk": "тек республикалық", "ru": "только республиканский", "en": "national only"},
    "status_incomplete": {"kk": "толық емес", "ru": "неполные данные", "en": "incomplete"},
    # --- pace toward the last target and the end-of-programme verdict ----------------------------------------------
    "pace_met": {"kk": "қол жеткізілді", "ru": "достигнут", "en": "met"},
    "pace_on_track": {"kk": "қарқын жеткілікті", "ru": "темп достаточен", "en": "on track"},
    "pace_acceleration_needed": {"kk": "жеделдету керек", "ru": "нужно ускорение", "en": "acceleration needed"},
    "pace_limited": {"kk": "шектеулі ілгерілеу", "ru": "ограниченный прогресс", "en": "limited progress"},
    "pace_deterioration": {"kk": "нашарлау", "ru": "ухудшение", "en": "deterioration"},
    "pace_insufficient_data": {"kk": "дерек жеткіліксіз", "ru": "недостаточно данных", "en": "too few data"},
    "verdict_met": {"kk": "орындалды", "ru": "выполнен", "en": "met"},
    "verdict_missed": {"kk": "орындалмады", "ru": "не выполнен", "en": "missed"},
    "verdict_no_data": {"kk": "дерек жоқ", "ru": "нет данных", "en": "no data"},
    # --- urban and rural ---------------------------------------------------------------------------------------------
    "parity_parity": {"kk": "паритет", "ru": "паритет", "en": "parity"},
    "parity_rural_behind": {"kk": "ауыл артта", "ru": "село отстаёт", "en": "villages behind"},
    "parity_urban_behind": {"kk": "қала артта", "ru": "город отстаёт", "en": "cities behind"},
    "parity_n/a": {"kk": "қолданылмайды", "ru": "неприменимо", "en": "n/a"},
    "settlement_total": {"kk": "Барлығы", "ru": "Всего", "en": "Total"},
    "settlement_urban": {"kk": "Қала", "ru": "Город", "en": "Urban"},
    "settlement_rural": {"kk": "Ауыл", "ru": "Село", "en": "Rural"},
    # --- units (the gap of a percentage is in percentage points) -----------------------------------------------------
    "unit_percent": {"kk": "%", "ru": "%", "en": "%"},
    "unit_score": {"kk": "балл", "ru": "балл", "en": "points"},
    "unit_count": {"kk": "бірлік", "ru": "ед.", "en": "count"},
    "unit_rank": {"kk": "орын", "ru": "место", "en": "rank"},
    "unit_index": {"kk": "индекс", "ru": "индекс", "en": "index"},
    "gap_unit_percent": {"kk": "п.т.", "ru": "п.п.", "en": "p.p."},
    # --- catalogue -----------------------------------------------------------------------------------------------------
    "level_target": {"kk": "Нысаналы индикатор", "ru": "Целевой индикатор", "en": "Target indicator"},
    "level_result": {"kk": "Нәтиже көрсеткіші", "ru": "Показатель результата", "en": "Result indicator"},
    "direction_up": {"kk": "өсуі керек", "ru": "должен расти", "en": "should rise"},
    "direction_down": {"kk": "төмендеуі керек", "ru": "должен снижаться", "en": "should fall"},
    "reporting_regional": {"kk": "өңірлер", "ru": "регионы", "en": "regions"},
    "reporting_national": {"kk": "республика", "ru": "республика", "en": "national"},
    # --- where a national figure comes from -------------------------------------------------------------------------
    "source_reported": {"kk": "есепте көрсетілген", "ru": "из отчёта", "en": "reported"},
    "source_rolled_up": {"kk": "өңірлерден жинақталған", "ru": "сводный по регионам", "en": "summed over regions"},
    # --- completeness of returns ----------------------------------------------------------------------------------------
    "q_on_time": {"kk": "уақтылы", "ru": "вовремя", "en": "on time"},
    "q_late": {"kk": "кешікті", "ru": "с опозданием", "en": "late"},
    "q_missing": {"kk": "жоқ", "ru": "нет", "en": "missing"},
    "q_partial": {"kk": "толық емес", "ru": "неполный", "en": "partial"},
    "q_baseline": {"kk": "база жылы (күтілмейді)", "ru": "базовый год (не ожидается)", "en": "baseline year (not expected)"},
    # --- review of a return ---------------------------------------------------------------------------------------------
    "review_state_submitted": {"kk": "тексеруді күтуде", "ru": "ожидает проверки", "en": "awaiting review"},
    "review_state_accepted": {"kk": "қабылданды", "ru": "принят", "en": "accepted"},
    "review_state_returned": {"kk": "түзетуге қайтарылды", "ru": "возвращён на доработку", "en": "returned for correction"},
    "review_state_reopened": {"kk": "қайта ашылды, тексеруді күтуде", "ru": "открыт заново, ожидает проверки", "en": "reopened, awaiting review"},
    "review_state_superseded": {"kk": "жаңа файлмен ауыстырылды", "ru": "заменён новым файлом", "en": "replaced by a newer file"},
    "review_state_includes_pending": {"kk": "тексеруді күтетін есептерді қамтиды", "ru": "включает отчёты, ожидающие проверки", "en": "includes returns awaiting review"},
    # --- why the published-build pointer (marts/CURRENT) cannot be followed ------------------------------------------
    "build_problem_unreadable_pointer": {"kk": "онда құрастыру идентификаторы жоқ", "ru": "в нём нет идентификатора сборки", "en": "it holds no build id"},
    "build_problem_no_such_build": {"kk": "ол жоқ құрастыруды көрсетеді", "ru": "он указывает на несуществующую сборку", "en": "it names a build that does not exist"},
    "build_problem_missing_files": {"kk": "көрсетілген құрастырудың файлы жоқ", "ru": "в указанной сборке не хватает файла", "en": "a file of the build it names is missing"},
    "build_problem_no_pointer": {"kk": "ол жоқ", "ru": "он отсутствует", "en": "it is missing"},
    # --- yes and no, synthetic data -------------------------------------------------------------------------------------
    "yes": {"kk": "иә", "ru": "да", "en": "yes"},
    "no": {"kk": "жоқ", "ru": "нет", "en": "no"},
    "synthetic_data": {"kk": "Синтетикалық деректер", "ru": "Синтетические данные", "en": "Synthetic data"},
}


def word(key: str, lang: str) -> str:
    """The word for ``key`` (``status_off_track``) in ``lang``."""
    return WORDS[key][lang]


def status_word(token: str | None, lang: str, symbol: bool = False) -> str:
    """A status as its word (``артта қалу``), with its shape in front when ``symbol`` (``✕ артта қалу``); a dash
    where there is none."""
    if not token:
        return "–"
    text = WORDS[f"status_{token}"][lang]
    return f"{STATUS_SYMBOLS[token]} {text}" if symbol else text


def words_with_prefix(prefix: str, strip: bool = False) -> dict[str, dict[str, str]]:
    """Every entry whose key starts with ``prefix`` (``build_problem_``), keyed without it when ``strip``."""
    return {(k.removeprefix(prefix) if strip else k): v for k, v in WORDS.items() if k.startswith(prefix)}
