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
    # which of the two the last target year shows (``final_year_status``), said wherever a status is shown
    "final_year_rule": {"kk": "Күйі: жылдың мәні сол жылдың мақсатымен салыстырылады; индикатордың соңғы мақсат жылында күйі — бағдарлама қорытындысы (орындалды немесе орындалмады), сондықтан күйі мен қорытынды бір-біріне қайшы келмейді.", "ru": "Статус: значение года сравнивается с планом этого года; в последний плановый год индикатора статус — это итог программы (выполнен или не выполнен), поэтому статус и итог не противоречат друг другу.", "en": "Status: the year's value against the year's target; in a series' last target year the status is the end-of-programme verdict (met or missed), so a status and a verdict never contradict."},
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
    # an indicator set's units (the dashboard's set pages and the briefing pack), and a campaign's kinds of return
    "set_unit_people": {"kk": "адам", "ru": "чел.", "en": "people"},
    "set_unit_items": {"kk": "бірлік", "ru": "ед.", "en": "items"},
    "set_unit_calls": {"kk": "қоңырау", "ru": "звонков", "en": "calls"},
    "set_unit_kzt": {"kk": "теңге", "ru": "тенге", "en": "tenge"},
    "set_unit_flag": {"kk": "иә / жоқ", "ru": "да / нет", "en": "yes / no"},
    "return_kind_interim": {"kk": "аралық есеп", "ru": "промежуточный отчёт", "en": "interim return"},
    "return_kind_final": {"kk": "қорытынды есеп", "ru": "итоговый отчёт", "en": "final return"},
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
    # --- headings and column headers the dashboard's pages and downloads and the briefing pack share --------------------
    "national": {"kk": "Қазақстан Республикасы", "ru": "Республика Казахстан", "en": "Kazakhstan"},
    "indicator": {"kk": "Индикатор", "ru": "Индикатор", "en": "Indicator"},
    "region": {"kk": "Өңір", "ru": "Регион", "en": "Region"},
    "year": {"kk": "Жыл", "ru": "Год", "en": "Year"},
    "settlement": {"kk": "Елді мекен", "ru": "Местность", "en": "Settlement"},
    "target_indicators": {"kk": "Нысаналы индикаторлар", "ru": "Целевые индикаторы", "en": "Target indicators"},
    "urban_vs_rural": {"kk": "Қала мен ауыл", "ru": "Город и село", "en": "Urban and rural"},
    "changes": {"kk": "Өзгерістер", "ru": "Изменения", "en": "Changes"},
    "col_code": {"kk": "Код", "ru": "Код", "en": "Code"},
    "col_unit": {"kk": "Өлш. бірл.", "ru": "Ед. изм.", "en": "Unit"},
    "col_actual": {"kk": "Нақты", "ru": "Факт", "en": "Actual"},
    "col_target": {"kk": "Мақсат", "ru": "План", "en": "Target"},
    "col_gap": {"kk": "Айырма", "ru": "Отставание", "en": "Gap"},
    "col_status": {"kk": "Күйі", "ru": "Статус", "en": "Status"},
    "col_verdict": {"kk": "Бағдарлама қорытындысы", "ru": "Итог программы", "en": "End of programme"},
    "col_gap_ur": {"kk": "Қала − ауыл", "ru": "Город − село", "en": "Urban − rural"},
    "col_parity": {"kk": "Паритет индексі (ауыл/қала)", "ru": "Индекс паритета (село/город)", "en": "Parity index (rural/urban)"},
    "col_values": {"kk": "Мәндер", "ru": "Значений", "en": "Values"},
    "col_file": {"kk": "Файл", "ru": "Файл", "en": "File"},
    "col_return_state": {"kk": "Есеп", "ru": "Отчёт", "en": "Return"},
    "col_before": {"kk": "Бұрын", "ru": "Было", "en": "Before"},
    "col_after": {"kk": "Қазір", "ru": "Стало", "en": "After"},
    "col_change": {"kk": "Өзгеріс", "ru": "Изменение", "en": "Change"},
    "col_status_before": {"kk": "Бұрынғы күйі", "ru": "Прежний статус", "en": "Status before"},
    "col_status_after": {"kk": "Қазіргі күйі", "ru": "Новый статус", "en": "Status after"},
    "coverage_national_return": {"kk": "республикалық есеп", "ru": "республиканский отчёт", "en": "national return"},
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


def final_year_status(status: str | None, pace_row: dict, year: int) -> tuple[str, str | None]:
    """The status shown for ``year``, and the end-of-programme verdict that replaces its word, if any.

    The rule (``final_year_rule``, said on the dashboard's overview and in the briefing pack): in a series' last
    target year the status *is* the end-of-programme verdict — met, or missed by the gap — so a status and a verdict
    never contradict ("at risk" beside "missed" did). Before that year the status compares the year's value with the
    year's target. A missed verdict takes the off-track colour and shape, a met one met's. ``pace_row`` is the
    series' ``indicator_pace`` row for the same region and settlement (empty when there is none)."""
    verdict = pace_row.get("verdict")
    if verdict in ("met", "missed") and pace_row.get("target_year") == year:
        return ("met" if verdict == "met" else "off_track"), verdict
    return (status or "no_target"), None


def status_label(status: str | None, verdict: str | None, lang: str, symbol: bool = False) -> str:
    """The word a status cell shows: the verdict's word when ``final_year_status`` gave one (``орындалмады``),
    else the status's word; with the status's shape in front when ``symbol``."""
    if not verdict:
        return status_word(status, lang, symbol=symbol)
    text = WORDS[f"verdict_{verdict}"][lang]
    return f"{STATUS_SYMBOLS[status]} {text}" if symbol and status in STATUS_SYMBOLS else text


# An indicator set's catalogue unit word (``unit_kk``) -> the key of ``WORDS`` that says it in every language.
SET_UNIT_WORDS = {
    "адам": "set_unit_people",
    "бірлік": "set_unit_items",
    "қоңырау": "set_unit_calls",
    "теңге": "set_unit_kzt",
    "%": "unit_percent",
    "иә/жоқ": "set_unit_flag",
}


def words_with_prefix(prefix: str, strip: bool = False) -> dict[str, dict[str, str]]:
    """Every entry whose key starts with ``prefix`` (``build_problem_``), keyed without it when ``strip``."""
    return {(k.removeprefix(prefix) if strip else k): v for k, v in WORDS.items() if k.startswith(prefix)}
