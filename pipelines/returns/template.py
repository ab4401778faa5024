"""The Excel return template (DESIGN §5): one workbook per region and year, filled in by a regional department.

Layout (a fixed contract with the reader):

- ``meta`` (first sheet): keys in A1:A6 (``region_code, year, template_version, prepared_by, phone,
  nothing_to_report``), values in column B, Kazakh/Russian labels in column C; the region's names from row 7,
  informational. Only B4, B5 and B6 are unlocked; B6 (``nothing_to_report``) is a yes/no drop-down, "no" by default:
  "yes" declares on purpose that there is nothing to report for the year.
- ``data``: row 1 Kazakh labels, row 2 Russian labels, row 3 exactly the machine keys in A..F (G3..M3 empty); one
  row per expected (indicator, settlement) from row 4, in catalogue order. C..F are the only unlocked cells; G..M
  tell the officer the series' name, unit, reference period, what the numerator and denominator count, and the
  assessment cycle.
- ``instructions``: how to fill the return, in Kazakh and Russian.
- ``lists`` (hidden): every indicator code of the catalogue in column A, the source of column A's drop-down.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.returns.spec import (
    CURRENT_TEMPLATE_VERSION,
    DATA_KEYS,
    FIRST_YEAR,
    LAST_YEAR,
    META_KEYS,
    NATIONAL,
    SETTLEMENTS,
    SHEET_DATA,
    SHEET_INSTRUCTIONS,
    SHEET_LISTS,
    SHEET_META,
    TEMPLATE_VERSIONS,
    ExpectedRow,
    expected_rows,
    reference_date,
    region_exists,
)

FIRST_DATA_ROW = 4
KEY_ROW = 3
RATE_KINDS = {"share", "ratio"}
NATIONAL_NAMES = ("Қазақстан Республикасы", "Республика Казахстан")

META_LABELS = {
    "region_code": "Өңір коды / Код региона",
    "year": "Есепті жыл / Отчётный год",
    "template_version": "Үлгі нұсқасы / Версия шаблона",
    "prepared_by": "Орындаушы (лауазымы, бөлімі) / Исполнитель (должность, отдел)",
    "phone": "Байланыс телефоны / Контактный телефон",
    "nothing_to_report": "Осы жылға ұсынатын ештеңе жоқ (yes — иә, no — жоқ)"
    " / Представлять за этот год нечего (yes — да, no — нет) / "
    "Nothing to report for this year (yes/no)",
}
META_NAME_ROWS = [
    ("region_name_kk", "Өңір атауы (қазақша) / Наименование региона (на казахском)"),
    ("region_name_ru", "Өңір атауы (орысша) / Наименование региона (на русском)"),
]
META_NAME_FIRST_ROW = 7

# Columns A..M of the data sheet: (machine key or None, Kazakh label, Russian label, width).
DATA_COLUMNS: list[tuple[str | None, str, str, float]] = [
    ("indicator_code", "Көрсеткіш коды", "Код показателя", 24),
    (
        "settlement",
        "Елді мекен: total — барлығы, urban — қала, rural — ауыл",
        "Местность: total — всего, urban — город, rural — село",
        12,
    ),
    (
        "value",
        "Мәні (үлес пен арақатынас үшін міндетті емес — салыстыру үшін)",
        "Значение (для долей и соотношений необязательно — для сверки)",
        14,
    ),
    ("numerator", "Алымы — сан (үлес пен арақатынас үшін)", "Числитель — количество (для долей и соотношений)", 15),
    ("denominator", "Бөлімі — сан (үлес пен арақатынас үшін)", "Знаменатель — количество (для долей и соотношений)", 15),
    ("comment", "Түсініктеме (жеке деректерсіз)", "Комментарий (без персональных данных)", 28),
    (None, "Көрсеткіштің атауы (қазақша)", "Наименование показателя (на казахском)", 48),
    (None, "Көрсеткіштің атауы (орысша)", "Наименование показателя (на русском)", 48),
    (None, "Өлшем бірлігі", "Единица измерения", 14),
    (None, "Есепті кезең", "Отчётный период", 30),
    (None, "Алымы нені есептейді", "Что считается в числителе", 40),
    (None, "Бөлімі нені есептейді", "Что считается в знаменателе", 40),
    (None, "Бағалау циклі", "Цикл оценки", 13),
]
WRAPPED_COLUMNS = "GHIJKL"
INPUT_COLUMNS = "CDEF"

# The programme prints units in Kazakh; their Russian equivalents (unit_kk -> ru; a rank's "орын" is "место").
UNIT_RU = {
    "%": "%",
    "балл": "балл",
    "адам": "человек",
    "бірлік": "единиц",
    "бірл.": "ед.",
    "орын": "мест",
    "0-ден 1-ге дейінгі шкала (балл)": "шкала от 0 до 1 (балл)",
    "өткен жылға қарағанда %": "% к предыдущему году",
    "2020 жылға қарай % өсім": "прирост в % к 2020 году",
}
RANK_RU = "место"

NOT_A_RATE = ("— (тек C: мәні)", "— (только C: значение)")

INSTRUCTIONS_KK = [
    "Есепті толтыру нұсқаулығы",
    "1. Бұл файл — бір өңірдің бір жылға арналған есебі. Бір өңір мен бір жылға бір файл жіберіледі; қайта "
    "жүктелген файл сол жылдың алдыңғы есебін толығымен ауыстырады.",
    "2. «meta» парағындағы өңір коды, жыл және үлгі нұсқасы алдын ала толтырылған — оларды өзгертпеңіз. Тек "
    "«prepared_by» (орындаушы) және «phone» (байланыс телефоны) ұяшықтарын толтырыңыз. Осы жылға ұсынатын ештеңе "
    "болмаса ғана «nothing_to_report» ұяшығында «yes» таңдаңыз: мәндері жоқ файл әйтпесе қабылданбайды.",
    "3. «data» парағындағы әр жол — бір көрсеткіш пен елді мекен түрі (total — барлығы, urban — қала, rural — ауыл). "
    "Тек C–F бағандарын толтырыңыз: C — мәні, D — алымы, E — бөлімі, F — түсініктеме. G–M бағандары анықтама үшін "
    "берілген: көрсеткіштің атауы, өлшем бірлігі, есепті кезең, алымы мен бөлімі нені есептейді.",
    "4. Үлес пен арақатынас көрсеткіштері (пайызбен) үшін алымын (D) және бөлімін (E) сан түрінде енгізіңіз — "
    "мысалы, қамтылған балалар саны және барлық балалар саны. Пайызды жүйе өзі есептейді. C бағанындағы мән "
    "міндетті емес: егер толтырылса, есептелген пайызбен салыстырылады.",
    "5. Балл, индекс, сан және өзге көрсеткіштер үшін тек мәнін (C) енгізіңіз; D және E бағандарын бос қалдырыңыз.",
    "6. Ондық бөлшекті үтірмен де, нүктемен де жазуға болады (85,3 немесе 85.3). Пайыз белгісін (%) қоймаңыз.",
    "7. Дерек болмаса, ұяшықты бос қалдырыңыз — 0 жазбаңыз. 0 нақты мән нөлге тең болғанда ғана жазылады.",
    "8. Парақтардың атауын өзгертпеңіз, F бағанына дейін (A–F арасына) жаңа баған қоспаңыз, 3-жолдағы кілттерді өзгертпеңіз.",
    "9. Жеке деректерді енгізбеңіз: ЖСН, оқушылардың, педагогтардың немесе басқа адамдардың аты-жөні болмауы тиіс. "
    "Есепте тек жиынтық сандар болады. Жеке деректері бар файл қабылданбайды және ешқайда сақталмайды.",
    "10. Толтырылған файлды жүктеу бетіне жүктеңіз (немесе оператор оны «bilim ingest» командасымен қабылдайды). "
    "Тексеру қателері ұяшық сілтемесімен көрсетіледі (мысалы, data!E14). Файл толығымен қабылданады немесе "
    "толығымен қабылданбайды.",
]
INSTRUCTIONS_RU = [
    "Инструкция по заполнению отчёта",
    "1. Этот файл — отчёт одного региона за один год. На один регион и год подаётся один файл; повторно "
    "загруженный файл полностью заменяет предыдущий отчёт за этот год.",
    "2. На листе «meta» код региона, год и версия шаблона уже заполнены — не изменяйте их. Заполните только ячейки "
    "«prepared_by» (исполнитель) и «phone» (контактный телефон). Только если за этот год представлять нечего, "
    "выберите «yes» в ячейке «nothing_to_report»: иначе файл без значений не принимается.",
    "3. На листе «data» каждая строка — один показатель и тип местности (total — всего, urban — город, rural — "
    "село). Заполняйте только столбцы C–F: C — значение, D — числитель, E — знаменатель, F — комментарий. "
    "Столбцы G–M справочные: наименование показателя, единица измерения, отчётный период, что считается в "
    "числителе и знаменателе.",
    "4. Для долей и соотношений (в процентах) вводите числитель (D) и знаменатель (E) как количества — например, "
    "число охваченных детей и общее число детей. Процент рассчитывает система. Значение в столбце C "
    "необязательно: если оно указано, его сверяют с рассчитанным процентом.",
    "5. Для баллов, индексов, количеств и прочих показателей вводите только значение (C); столбцы D и E оставьте пустыми.",
    "6. Десятичный разделитель — запятая или точка (85,3 или 85.3). Знак процента (%) не ставьте.",
    "7. Если данных нет, оставьте ячейку пустой — не ставьте 0. Ноль ставится, только если фактическое значение равно нулю.",
    "8. Не переименовывайте листы, не добавляйте столбцы перед столбцом F (между A и F), не изменяйте ключи в строке 3.",
    "9. Не вносите персональные данные: ИИН, ФИО учащихся, педагогов или других лиц. Отчёт содержит только "
    "сводные числа. Файл с персональными данными отклоняется и нигде не сохраняется.",
    "10. Загрузите заполненный файл на странице загрузки (или оператор принимает его командой «bilim ingest»). "
    "Ошибки проверки указываются со ссылкой на ячейку (например, data!E14). Файл принимается целиком или не "
    "принимается.",
]

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
KEY_FILL = PatternFill("solid", fgColor="EDEDED")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
UNLOCKED = Protection(locked=False)
WRAP = Alignment(wrap_text=True, vertical="top")


# ---------------------------------------------------------------------------------------------------------------
# Checks and per-row wording (pure)
# ---------------------------------------------------------------------------------------------------------------


def check_request(regions: pl.DataFrame, region_code: str, year: int, version: str) -> tuple[str, str]:
    """Validate region, year and version; return the region's (Kazakh, Russian) names. Raises ``ValueError``."""
    if version not in TEMPLATE_VERSIONS:
        raise ValueError(f"unknown template version {version!r}; known: {', '.join(sorted(TEMPLATE_VERSIONS))}")
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year {year!r} is outside the programme window {FIRST_YEAR}-{LAST_YEAR}")
    if year not in TEMPLATE_VERSIONS[version]:
        raise ValueError(f"template version {version!r} does not serve year {year}")
    if region_code == NATIONAL:
        return NATIONAL_NAMES
    rows = regions.filter(pl.col("region_code") == region_code)
    if rows.height == 0:
        raise ValueError(f"unknown region {region_code!r}; expected a code of regions.csv (KZ-NN) or {NATIONAL!r}")
    r = rows.row(0, named=True)
    exists, span = region_exists(regions, region_code, year)
    if not exists:
        raise ValueError(
            f"region {region_code} ({r['name_en']}) did not exist on {reference_date(year).isoformat()} (valid {span})"
            f"; no return for {year}"
        )
    return r["name_kk"], r["name_ru"]


def bilingual(kk: str | None, ru: str | None) -> str:
    """``kk / ru``, or one of them when they are the same or one is missing."""
    kk, ru = (kk or "").strip(), (ru or "").strip()
    if not kk or not ru or kk == ru:
        return kk or ru
    return f"{kk} / {ru}"


def unit_label(series: dict) -> str:
    """The unit in Kazakh and Russian, e.g. ``%`` or ``адам / человек``."""
    kk = series["unit_kk"] or ""
    ru = RANK_RU if series["kind"] == "rank" else UNIT_RU.get(kk, kk)
    return bilingual(kk, ru)


def period_label(series: dict, year: int, cycle: str | None) -> str:
    """What period a value for ``year`` describes, in Kazakh and Russian."""
    nxt, prev = year + 1, year - 1
    wording = {
        "school_year": (
            f"{year}–{nxt} оқу жылы (оқу жылының басындағы жағдай бойынша)",
            f"{year}–{nxt} учебный год (на начало учебного года)",
        ),
        "academic_year": (f"{year}–{nxt} оқу жылы", f"{year}–{nxt} учебный год"),
        "calendar_year": (f"{year} күнтізбелік жыл", f"{year} календарный год"),
        "year_end": (f"{year} жылдың соңындағы жағдай бойынша", f"на конец {year} года"),
        "graduates_previous_year": (
            f"{prev} жылғы түлектер (бітіргеннен кейінгі бірінші жыл)",
            f"выпускники {prev} года (первый год после окончания)",
        ),
        "assessment_cycle": (
            f"халықаралық зерттеу циклі {cycle or ''}".strip(),
            f"цикл международного исследования {cycle or ''}".strip(),
        ),
    }
    kk, ru = wording.get(series["reference_period"], (series["reference_period"], series["reference_period"]))
    return f"{kk} / {ru}"


def is_rate(series: dict) -> bool:
    """Shares and ratios travel as numerator and denominator."""
    return series["kind"] in RATE_KINDS


def info_cells(series: dict, row: ExpectedRow, year: int) -> list[str | None]:
    """Columns G..M of one data row: names, unit, reference period, numerator, denominator, cycle."""
    if is_rate(series):
        num = bilingual(series["numerator_kk"], series["numerator_ru"])
        den = bilingual(series["denominator_kk"], series["denominator_ru"])
    else:
        num = den = bilingual(*NOT_A_RATE)
    return [series["name_kk"], series["name_ru"], unit_label(series), period_label(series, year, row.cycle), num, den, row.cycle]


# ---------------------------------------------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------------------------------------------


def protect(ws: Worksheet) -> None:
    """Protect a sheet without a password; formatting columns and rows stays allowed."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


# ---------------------------------------------------------------------------------------------------------------
# The generic workbook: every indicator set's template (the programme's and pipelines.returns.set_template's) is
# described by a ``TemplateContent`` and written by ``assemble_workbook``, so all of them share one layout and one
# protection scheme.
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class DataRow:
    """One expected row of the data sheet: code, settlement, the input columns to highlight, and columns G.."""

    code: str
    settlement: str
    expected: str
    info: list


@dataclass
class TemplateContent:
    """What a template says; ``assemble_workbook`` lays it out.

    ``meta``: (key, value, label) rows from row 1 of the meta sheet; ``inputs``: the meta keys the officer fills in
    (unlocked, highlighted) and each one's number format; ``meta_validations``: drop-downs and checks on meta
    values, each with the keys it covers; ``names``: informational (key, value, label) rows below the keys.
    ``columns``: the data sheet's columns (machine key or None, Kazakh, Russian, width); ``rows``: its expected
    rows; ``validations``: data-sheet validations with the cell ranges they cover; ``codes``: column A's drop-down
    source on the hidden lists sheet."""

    meta: list[tuple[str, object, str]]
    inputs: dict[str, str]
    meta_validations: list[tuple[DataValidation, list[str]]]
    names: list[tuple[str, object, str]]
    columns: list[tuple[str | None, str, str, float]]
    rows: list[DataRow]
    validations: list[tuple[DataValidation, list[str]]]
    instructions_kk: list[str]
    instructions_ru: list[str]
    codes: list[str]
    wrapped: str = WRAPPED_COLUMNS
    meta_widths: tuple[float, float, float] = (20, 36, 64)


def fill_meta_sheet(ws: Worksheet, content: TemplateContent) -> None:
    keys = [key for key, _, _ in content.meta]
    for i, (key, value, label) in enumerate(content.meta, start=1):
        ws.cell(i, 1, key).font = BOLD
        ws.cell(i, 2, value)
        ws.cell(i, 3, label)
    for key, number_format in content.inputs.items():
        cell = ws.cell(keys.index(key) + 1, 2)
        cell.protection = UNLOCKED
        cell.fill = INPUT_FILL
        cell.number_format = number_format
    for dv, covered in content.meta_validations:
        dv.showErrorMessage = True
        for key in covered:
            dv.add(f"B{keys.index(key) + 1}")
        ws.add_data_validation(dv)
    for offset, (key, value, label) in enumerate(content.names):
        r = len(content.meta) + 1 + offset
        ws.cell(r, 1, key)
        ws.cell(r, 2, value)
        ws.cell(r, 3, label)
    for col, width in zip("ABC", content.meta_widths, strict=True):
        ws.column_dimensions[col].width = width
    protect(ws)


def fill_data_header(ws: Worksheet, columns: list[tuple[str | None, str, str, float]] = DATA_COLUMNS) -> None:
    for c, (key, kk, ru, width) in enumerate(columns, start=1):
        letter = get_column_letter(c)
        for r, text in ((1, kk), (2, ru)):
            cell = ws.cell(r, c, text)
            cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
        if key is not None:
            cell = ws.cell(KEY_ROW, c, key)
            cell.font, cell.fill = BOLD, KEY_FILL
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"


def fill_rows(ws: Worksheet, rows: list[DataRow], wrapped: str = WRAPPED_COLUMNS) -> None:
    for i, row in enumerate(rows):
        r = FIRST_DATA_ROW + i
        ws.cell(r, 1, row.code)
        ws.cell(r, 2, row.settlement)
        for letter in INPUT_COLUMNS:
            cell = ws[f"{letter}{r}"]
            cell.protection = UNLOCKED
            if letter in row.expected:
                cell.fill = INPUT_FILL
        for c, value in enumerate(row.info, start=len(DATA_KEYS) + 1):
            cell = ws.cell(r, c, value)
            if get_column_letter(c) in wrapped:
                cell.alignment = WRAP


def fill_instructions(ws: Worksheet, kk: list[str] = INSTRUCTIONS_KK, ru: list[str] = INSTRUCTIONS_RU) -> None:
    ws.column_dimensions["A"].width = 120
    lines = kk + [""] + ru
    for r, text in enumerate(lines, start=1):
        cell = ws.cell(r, 1, text or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r in (1, len(kk) + 2):
        ws.cell(r, 1).font = Font(bold=True, size=13)


def fill_lists(ws: Worksheet, codes: list[str]) -> None:
    for r, code in enumerate(codes, start=1):
        ws.cell(r, 1, code)
    ws.sheet_state = "hidden"
    protect(ws)


def assemble_workbook(content: TemplateContent) -> Workbook:
    """The template workbook of any indicator set: meta, data, instructions and the hidden lists sheet."""
    wb = Workbook()
    meta = wb.active
    meta.title = SHEET_META
    data = wb.create_sheet(SHEET_DATA)
    instructions = wb.create_sheet(SHEET_INSTRUCTIONS)
    lists = wb.create_sheet(SHEET_LISTS)

    fill_meta_sheet(meta, content)
    fill_data_header(data, content.columns)
    fill_rows(data, content.rows, content.wrapped)
    for dv, ranges in content.validations:
        dv.showErrorMessage = True
        for cells in ranges:
            dv.add(cells)
        data.add_data_validation(dv)
    protect(data)
    fill_instructions(instructions, content.instructions_kk, content.instructions_ru)
    fill_lists(lists, content.codes)
    return wb


def save_workbook(wb: Workbook, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


# ---------------------------------------------------------------------------------------------------------------
# The programme's content
# ---------------------------------------------------------------------------------------------------------------

VALIDATION_TITLE = "Қате / Ошибка"


def yes_no_validation(first: str = "no") -> DataValidation:
    """A yes/no drop-down (``first`` listed first)."""
    order = "no,yes" if first == "no" else "yes,no"
    return DataValidation(type="list", formula1=f'"{order}"', allow_blank=True, error="yes / no", errorTitle=VALIDATION_TITLE)


def code_validation(n_codes: int) -> DataValidation:
    return DataValidation(
        type="list",
        formula1=f"{SHEET_LISTS}!$A$1:$A${n_codes}",
        allow_blank=False,
        error="Каталогтағы көрсеткіш коды / Код показателя из каталога",
        errorTitle=VALIDATION_TITLE,
    )


def settlement_validation() -> DataValidation:
    return DataValidation(
        type="list",
        formula1=f'"{",".join(SETTLEMENTS)}"',
        allow_blank=False,
        error="total, urban немесе rural / total, urban или rural",
        errorTitle=VALIDATION_TITLE,
    )


def count_validation() -> DataValidation:
    return DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        error="Теріс емес сан енгізіңіз / Введите неотрицательное число",
        errorTitle=VALIDATION_TITLE,
    )


def column_ranges(cols: str, n_rows: int) -> list[str]:
    last = FIRST_DATA_ROW + max(n_rows, 1) - 1
    return [f"{col}{FIRST_DATA_ROW}:{col}{last}" for col in cols]


def data_validations(n_rows: int, n_codes: int) -> list[tuple[DataValidation, list[str]]]:
    """The programme's: drop-downs for A (codes on the hidden sheet) and B (settlements); decimals for C, D and E."""
    value = DataValidation(
        type="decimal",
        operator="between",
        formula1="-1000000000000",
        formula2="1000000000000",
        allow_blank=True,
        error="Сан енгізіңіз / Введите число",
        errorTitle=VALIDATION_TITLE,
    )
    return [
        (code_validation(n_codes), column_ranges("A", n_rows)),
        (settlement_validation(), column_ranges("B", n_rows)),
        (value, column_ranges("C", n_rows)),
        (count_validation(), column_ranges("DE", n_rows)),
    ]


def programme_content(
    catalogue: dict[str, pl.DataFrame], regions: pl.DataFrame, region_code: str, year: int, version: str
) -> TemplateContent:
    """The programme's template for ``region_code`` and ``year`` as content (validates the request)."""
    names = check_request(regions, region_code, year, version)
    indicators, targets = catalogue["programme_indicators"], catalogue["programme_targets"]
    expected = expected_rows(indicators, targets, regions, region_code, year)
    series_by_code = {s["code"]: s for s in indicators.iter_rows(named=True)}
    codes = indicators["code"].to_list()
    values: dict[str, object] = {"region_code": region_code, "year": year, "template_version": version, "nothing_to_report": "no"}
    rows = [
        DataRow(
            row.indicator_code,
            row.settlement,
            "DE" if is_rate(series_by_code[row.indicator_code]) else "C",
            info_cells(series_by_code[row.indicator_code], row, year),
        )
        for row in expected
    ]
    return TemplateContent(
        meta=[(key, values.get(key), META_LABELS[key]) for key in META_KEYS],
        inputs={key: "@" for key in ("prepared_by", "phone", "nothing_to_report")},
        meta_validations=[(yes_no_validation("no"), ["nothing_to_report"])],
        names=[(key, name, label) for (key, label), name in zip(META_NAME_ROWS, names, strict=True)],
        columns=DATA_COLUMNS,
        rows=rows,
        validations=data_validations(len(rows), len(codes)),
        instructions_kk=INSTRUCTIONS_KK,
        instructions_ru=INSTRUCTIONS_RU,
        codes=codes,
    )


def build_workbook(
    catalogue: dict[str, pl.DataFrame], regions: pl.DataFrame, region_code: str, year: int, version: str
) -> tuple[Workbook, int]:
    """The template workbook and its number of data rows."""
    content = programme_content(catalogue, regions, region_code, year, version)
    return assemble_workbook(content), len(content.rows)


def write_template(
    out: Path,
    catalogue: dict[str, pl.DataFrame],
    regions: pl.DataFrame,
    region_code: str,
    year: int,
    version: str = CURRENT_TEMPLATE_VERSION,
) -> int:
    """Write the return template for ``region_code`` and ``year`` to ``out``; return the number of data rows.

    Raises ``ValueError`` for an unknown region or version, a region that did not exist on 1 September of the
    year, or a year outside the programme window."""
    wb, n = build_workbook(catalogue, regions, region_code, year, version)
    save_workbook(wb, out)
    return n
