"""Interface texts in Kazakh, Russian and English, and numbers written the way each language writes them.

One glossary (``TEXTS``) for every label, message, axis and legend; the programme's own terms follow the
catalogue's glossary (нысаналы индикатор / целевой индикатор / target indicator, п.т. / п.п. / p.p.).
"""

from __future__ import annotations

LANGS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LANG = "kk"

STATUS_ORDER = ["met", "on_track", "at_risk", "off_track", "incomplete", "no_data", "no_target", "national_only"]
STATUS_COLORS = {
    "met": "#1a9850",
    "on_track": "#91cf60",
    "at_risk": "#fdae61",
    "off_track": "#d73027",
    "incomplete": "#9e7cc1",
    "no_data": "#bdbdbd",
    "no_target": "#e0e0e0",
    "national_only": "#c6dbef",
}

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {"kk": "Білім мен ғылымды дамыту бағдарламасының мониторингі", "ru": "Мониторинг программы развития образования и науки", "en": "Education and Science Programme monitor"},
    "language": {"kk": "Тіл", "ru": "Язык", "en": "Language"},
    "page_overview": {"kk": "Шолу", "ru": "Обзор", "en": "Overview"},
    "page_indicator": {"kk": "Индикатор", "ru": "Индикатор", "en": "Indicator"},
    "page_region": {"kk": "Өңір", "ru": "Регион", "en": "Region"},
    "page_quality": {"kk": "Деректер сапасы", "ru": "Качество данных", "en": "Data quality"},
    "page_snapshots": {"kk": "Суреттер (KPI)", "ru": "Снимки KPI", "en": "KPI snapshots"},
    "page_upload": {"kk": "Есепті тапсыру", "ru": "Сдать отчёт", "en": "Submit a return"},
    "page_catalogue": {"kk": "Индикаторлар каталогы", "ru": "Каталог индикаторов", "en": "Indicator catalogue"},
    "catalogue_intro": {
        "kk": "Бағдарламаның (ҚР Үкіметінің 2019 жылғы 27 желтоқсандағы № 988 қаулысы) нысаналы индикаторлары мен нәтижелер көрсеткіштері: 2018 жылғы факт және 2020–2025 жылдарға арналған мақсатты мәндер.",
        "ru": "Целевые индикаторы и показатели результатов программы (постановление Правительства РК № 988 от 27 декабря 2019 года): факт 2018 года и целевые значения на 2020–2025 годы.",
        "en": "Target and result indicators of the programme (Government decree No. 988 of 27 December 2019): the 2018 fact and the targets for 2020–2025.",
    },
    "no_build": {"kk": "Әлі жарияланған деректер жоқ. `bilim build` іске қосыңыз.", "ru": "Опубликованных данных пока нет. Запустите `bilim build`.", "en": "Nothing is published yet. Run `bilim build`."},
    "build_fallback": {
        "kk": "Жарияланған деректердің көрсеткіші (marts/CURRENT) зақымдалған: {problem}. Соңғы толық құрастыру {build} көрсетілді. Әкімші `bilim build` іске қоссын.",
        "ru": "Указатель опубликованных данных (marts/CURRENT) повреждён: {problem}. Показана последняя полная сборка {build}. Администратору нужно запустить `bilim build`.",
        "en": "The pointer to the published data (marts/CURRENT) is damaged: {problem}. Showing the newest complete build {build}. An administrator should run `bilim build`.",
    },
    "no_complete_build": {
        "kk": "Толық жарияланған құрастыру жоқ (marts/CURRENT: {problem}). Әкімші `bilim build` іске қоссын.",
        "ru": "Нет ни одной полной опубликованной сборки (marts/CURRENT: {problem}). Администратору нужно запустить `bilim build`.",
        "en": "No complete published build is left (marts/CURRENT: {problem}). An administrator should run `bilim build`.",
    },
    "build_problem_unreadable_pointer": {"kk": "онда құрастыру идентификаторы жоқ", "ru": "в нём нет идентификатора сборки", "en": "it holds no build id"},
    "build_problem_no_such_build": {"kk": "ол жоқ құрастыруды көрсетеді", "ru": "он указывает на несуществующую сборку", "en": "it names a build that does not exist"},
    "build_problem_missing_files": {"kk": "көрсетілген құрастырудың файлы жоқ", "ru": "в указанной сборке не хватает файла", "en": "a file of the build it names is missing"},
    "build_problem_no_pointer": {"kk": "ол жоқ", "ru": "он отсутствует", "en": "it is missing"},
    "synthetic_banner": {
        "kk": "Назар аударыңыз: көрсетілген өңірлік деректер — демонстрациялық (синтетикалық) деректер, нақты есептер емес. Тек республикалық PISA, ҒЗТКЖ және жалақы көрсеткіштері жарияланған дереккөздерден алынған.",
        "ru": "Внимание: региональные данные — демонстрационные (синтетические), а не реальные отчёты. Только республиканские показатели PISA, НИОКР и зарплаты взяты из опубликованных источников.",
        "en": "Note: the regional figures shown are synthetic demo data, not real returns. Only the national PISA, R&D and wage figures come from published sources.",
    },
    "build": {"kk": "Жинақ", "ru": "Сборка", "en": "Build"},
    "series_count": {"kk": "Қатарлар саны", "ru": "Число рядов", "en": "Series"},
    "year": {"kk": "Жыл", "ru": "Год", "en": "Year"},
    "region": {"kk": "Өңір", "ru": "Регион", "en": "Region"},
    "indicator": {"kk": "Индикатор", "ru": "Индикатор", "en": "Indicator"},
    "settlement": {"kk": "Елді мекен", "ru": "Местность", "en": "Settlement"},
    "settlement_total": {"kk": "Барлығы", "ru": "Всего", "en": "Total"},
    "settlement_urban": {"kk": "Қала", "ru": "Город", "en": "Urban"},
    "settlement_rural": {"kk": "Ауыл", "ru": "Село", "en": "Rural"},
    "national": {"kk": "Қазақстан Республикасы", "ru": "Республика Казахстан", "en": "Kazakhstan"},
    "goal": {"kk": "Мақсат", "ru": "Цель", "en": "Goal"},
    "task": {"kk": "Міндет", "ru": "Задача", "en": "Task"},
    "level_target": {"kk": "Нысаналы индикатор", "ru": "Целевой индикатор", "en": "Target indicator"},
    "level_result": {"kk": "Нәтиже көрсеткіші", "ru": "Показатель результата", "en": "Result indicator"},
    "target_indicators": {"kk": "Нысаналы индикаторлар", "ru": "Целевые индикаторы", "en": "Target indicators"},
    "result_indicators": {"kk": "Нәтижелер көрсеткіштері", "ru": "Показатели результатов", "en": "Result indicators"},
    "col_code": {"kk": "Код", "ru": "Код", "en": "Code"},
    "col_name": {"kk": "Атауы", "ru": "Наименование", "en": "Name"},
    "col_level": {"kk": "Түрі", "ru": "Тип", "en": "Level"},
    "col_unit": {"kk": "Өлш. бірл.", "ru": "Ед. изм.", "en": "Unit"},
    "col_direction": {"kk": "Бағыт", "ru": "Направление", "en": "Direction"},
    "col_reporting": {"kk": "Кім есеп береді", "ru": "Кто отчитывается", "en": "Reported by"},
    "col_baseline": {"kk": "2018 факт", "ru": "Факт 2018", "en": "2018 fact"},
    "col_actual": {"kk": "Нақты", "ru": "Факт", "en": "Actual"},
    "col_target": {"kk": "Мақсат", "ru": "План", "en": "Target"},
    "col_gap": {"kk": "Айырма", "ru": "Отставание", "en": "Gap"},
    "col_status": {"kk": "Күйі", "ru": "Статус", "en": "Status"},
    "col_pace": {"kk": "Қарқын", "ru": "Темп", "en": "Pace"},
    "col_verdict": {"kk": "Бағдарлама қорытындысы", "ru": "Итог программы", "en": "End of programme"},
    "col_urban": {"kk": "Қала", "ru": "Город", "en": "Urban"},
    "col_rural": {"kk": "Ауыл", "ru": "Село", "en": "Rural"},
    "col_parity": {"kk": "Паритет индексі (ауыл/қала)", "ru": "Индекс паритета (село/город)", "en": "Parity index (rural/urban)"},
    "col_gap_ur": {"kk": "Қала − ауыл", "ru": "Город − село", "en": "Urban − rural"},
    "col_source": {"kk": "Дереккөз", "ru": "Источник", "en": "Source"},
    "col_file": {"kk": "Файл", "ru": "Файл", "en": "File"},
    "col_cell": {"kk": "Ұяшық", "ru": "Ячейка", "en": "Cell"},
    "col_received": {"kk": "Қабылданды", "ru": "Принят", "en": "Accepted"},
    "col_who": {"kk": "Кім тапсырды", "ru": "Кто сдал", "en": "Submitted by"},
    "col_values": {"kk": "Мәндер", "ru": "Значений", "en": "Values"},
    "col_current": {"kk": "Қолданыста", "ru": "Действует", "en": "Current"},
    "direction_up": {"kk": "өсуі керек", "ru": "должен расти", "en": "should rise"},
    "direction_down": {"kk": "төмендеуі керек", "ru": "должен снижаться", "en": "should fall"},
    "reporting_regional": {"kk": "өңірлер", "ru": "регионы", "en": "regions"},
    "reporting_national": {"kk": "республика", "ru": "республика", "en": "national"},
    "unit_percent": {"kk": "%", "ru": "%", "en": "%"},
    "unit_score": {"kk": "балл", "ru": "балл", "en": "points"},
    "unit_count": {"kk": "бірлік", "ru": "ед.", "en": "count"},
    "unit_rank": {"kk": "орын", "ru": "место", "en": "rank"},
    "unit_index": {"kk": "индекс", "ru": "индекс", "en": "index"},
    "gap_unit_percent": {"kk": "п.т.", "ru": "п.п.", "en": "p.p."},
    "status_met": {"kk": "орындалды", "ru": "выполнен", "en": "met"},
    "status_on_track": {"kk": "жоспар бойынша", "ru": "в графике", "en": "on track"},
    "status_at_risk": {"kk": "тәуекел бар", "ru": "под угрозой", "en": "at risk"},
    "status_off_track": {"kk": "артта қалу", "ru": "отставание", "en": "off track"},
    "status_no_data": {"kk": "дерек жоқ", "ru": "нет данных", "en": "no data"},
    "status_no_target": {"kk": "мақсат жоқ", "ru": "нет плана", "en": "no target"},
    "status_national_only": {"kk": "тек республикалық", "ru": "только республиканский", "en": "national only"},
    "status_incomplete": {"kk": "толық емес", "ru": "неполные данные", "en": "incomplete"},
    "pace_met": {"kk": "қол жеткізілді", "ru": "достигнут", "en": "met"},
    "pace_on_track": {"kk": "қарқын жеткілікті", "ru": "темп достаточен", "en": "on track"},
    "pace_acceleration_needed": {"kk": "жеделдету керек", "ru": "нужно ускорение", "en": "acceleration needed"},
    "pace_limited": {"kk": "шектеулі ілгерілеу", "ru": "ограниченный прогресс", "en": "limited progress"},
    "pace_deterioration": {"kk": "нашарлау", "ru": "ухудшение", "en": "deterioration"},
    "pace_insufficient_data": {"kk": "дерек жеткіліксіз", "ru": "недостаточно данных", "en": "too few data"},
    "verdict_met": {"kk": "орындалды", "ru": "выполнен", "en": "met"},
    "verdict_missed": {"kk": "орындалмады", "ru": "не выполнен", "en": "missed"},
    "verdict_no_data": {"kk": "дерек жоқ", "ru": "нет данных", "en": "no data"},
    "parity_parity": {"kk": "паритет", "ru": "паритет", "en": "parity"},
    "parity_rural_behind": {"kk": "ауыл артта", "ru": "село отстаёт", "en": "villages behind"},
    "parity_urban_behind": {"kk": "қала артта", "ru": "город отстаёт", "en": "cities behind"},
    "parity_n/a": {"kk": "қолданылмайды", "ru": "неприменимо", "en": "n/a"},
    "overview_intro": {
        "kk": "Таңдалған жылғы республикалық мәндер: нақты мән мен мақсат, айырма (индикатордың өлшем бірлігінде) және күйі.",
        "ru": "Республиканские значения за выбранный год: факт и план, отставание (в единицах индикатора) и статус.",
        "en": "National values for the chosen year: actual against target, the gap (in the indicator's unit) and the status.",
    },
    "status_grid": {"kk": "Өңірлер бойынша күй", "ru": "Статус по регионам", "en": "Status by region"},
    "missed_most": {"kk": "Ең көп артта қалған нысаналы индикатор", "ru": "Целевой индикатор с наибольшим отставанием", "en": "Most-missed target indicator"},
    "furthest_behind": {"kk": "Ең артта қалған өңір", "ru": "Самый отстающий регион", "en": "Region furthest behind"},
    "trajectory": {"kk": "Траектория: факт, мақсат, 2018 базасы", "ru": "Траектория: факт, план, база 2018", "en": "Trajectory: actual, target, 2018 baseline"},
    "series_actual": {"kk": "Нақты", "ru": "Факт", "en": "Actual"},
    "series_target": {"kk": "Мақсат", "ru": "План", "en": "Target"},
    "series_baseline": {"kk": "2018 базасы", "ru": "База 2018", "en": "2018 baseline"},
    "ranked_by_gap": {"kk": "Өңірлер айырма бойынша", "ru": "Регионы по отставанию", "en": "Regions ranked by gap"},
    "urban_vs_rural": {"kk": "Қала мен ауыл", "ru": "Город и село", "en": "Urban and rural"},
    "map_title": {"kk": "Өңірлер картасы (айырма)", "ru": "Карта регионов (отставание)", "en": "Regions map (gap)"},
    "table": {"kk": "Кесте", "ru": "Таблица", "en": "Table"},
    "download_csv": {"kk": "CSV жүктеу", "ru": "Скачать CSV", "en": "Download CSV"},
    "download_xlsx": {"kk": "Excel жүктеу", "ru": "Скачать Excel", "en": "Download Excel"},
    "returns_history": {"kk": "Тапсырылған есептер", "ru": "Сданные отчёты", "en": "Returns submitted"},
    "provenance": {"kk": "Сан қайдан алынды", "ru": "Откуда взято число", "en": "Where a number came from"},
    "completeness": {"kk": "Есептердің толықтығы мен уақтылығы", "ru": "Полнота и своевременность отчётов", "en": "Completeness and timeliness of returns"},
    "q_on_time": {"kk": "уақтылы", "ru": "вовремя", "en": "on time"},
    "q_late": {"kk": "кешікті", "ru": "с опозданием", "en": "late"},
    "q_missing": {"kk": "жоқ", "ru": "нет", "en": "missing"},
    "q_partial": {"kk": "толық емес", "ru": "неполный", "en": "partial"},
    "revisions": {"kk": "Түзетулер", "ru": "Исправления", "en": "Revisions"},
    "warnings_at_ingest": {"kk": "Қабылдау кезіндегі ескертулер", "ru": "Предупреждения при приёме", "en": "Warnings at ingest"},
    "snapshots_list": {"kk": "KPI суреттері", "ru": "Снимки KPI", "en": "KPI snapshots"},
    "compare": {"kk": "Салыстыру", "ru": "Сравнить", "en": "Compare"},
    "no_snapshots": {"kk": "Әлі сурет жоқ. `bilim snapshot` іске қосыңыз.", "ru": "Снимков пока нет. Запустите `bilim snapshot`.", "en": "No snapshots yet. Run `bilim snapshot`."},
    "changes": {"kk": "Өзгерістер", "ru": "Изменения", "en": "Changes"},
    "upload_intro": {
        "kk": "Өңірді және жылды таңдаңыз, үлгіні жүктеп алыңыз, Excel-де толтырып, осында жүктеңіз. Файл тексеріледі; қате болса, қай ұяшықта екенін көресіз.",
        "ru": "Выберите регион и год, скачайте шаблон, заполните его в Excel и загрузите здесь. Файл будет проверен; при ошибке вы увидите, в какой ячейке.",
        "en": "Choose the region and year, download the template, fill it in Excel and upload it here. The file is checked; if something is wrong you see which cell.",
    },
    "download_template": {"kk": "Үлгіні жүктеп алу", "ru": "Скачать шаблон", "en": "Download the template"},
    "upload_file": {"kk": "Толтырылған файл (.xlsx)", "ru": "Заполненный файл (.xlsx)", "en": "Filled file (.xlsx)"},
    "check": {"kk": "Тексеру", "ru": "Проверить", "en": "Check"},
    "submit": {"kk": "Тапсыру", "ru": "Сдать", "en": "Submit"},
    "verdict_accepted": {"kk": "Файл тексерістен өтті.", "ru": "Файл прошёл проверку.", "en": "The file passed the checks."},
    "verdict_rejected": {"kk": "Файл қабылданбады. Төмендегі ұяшықтарды түзетіп, қайта жүктеңіз.", "ru": "Файл не принят. Исправьте ячейки ниже и загрузите снова.", "en": "The file was not accepted. Correct the cells below and upload it again."},
    "submitted": {"kk": "Есеп қабылданды және жарияланды.", "ru": "Отчёт принят и опубликован.", "en": "The return was accepted and published."},
    "already_submitted": {"kk": "Бұл файл бұрын тапсырылған.", "ru": "Этот файл уже был сдан.", "en": "This file was already submitted."},
    "errors": {"kk": "Қателер", "ru": "Ошибки", "en": "Errors"},
    "warnings": {"kk": "Ескертулер", "ru": "Предупреждения", "en": "Warnings"},
    "download_annotated": {"kk": "Белгіленген ұяшықтары бар көшірмені жүктеу", "ru": "Скачать копию с отмеченными ячейками", "en": "Download a copy with the cells marked"},
    "too_large": {"kk": "Файл тым үлкен (шегі {limit} МБ).", "ru": "Файл слишком большой (предел {limit} МБ).", "en": "The file is too large (limit {limit} MB)."},
    "values_of_expected": {"kk": "{values} мән / күтілгені {expected}", "ru": "{values} значений из {expected} ожидаемых", "en": "{values} values of {expected} expected"},
}


def t(key: str, lang: str, **params: object) -> str:
    """The text for ``key`` in ``lang``."""
    text = TEXTS[key][lang]
    return text.format(**params) if params else text


def format_number(value: float | None, lang: str, decimals: int = 1) -> str:
    """``94,7`` and ``11 578`` (non-breaking space) in Kazakh and Russian; ``94.7`` and ``11,578`` in English."""
    if value is None or value != value:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang in ("kk", "ru"):
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def format_percent(value: float | None, lang: str, decimals: int = 1) -> str:
    """``94,7 %`` in Kazakh and Russian, ``94.7%`` in English."""
    if value is None or value != value:
        return "–"
    return f"{format_number(value, lang, decimals)}\u00a0%" if lang in ("kk", "ru") else f"{format_number(value, lang, decimals)}%"


def plotly_separators(lang: str) -> str:
    """Plotly's ``separators`` (decimal, thousands) for the language."""
    return ", " if lang in ("kk", "ru") else ".,"
