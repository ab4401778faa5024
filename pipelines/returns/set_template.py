"""Return templates for every indicator set (DESIGN §9), built from the set's catalogue rows.

``make_template(set_id, unit, when, out)`` writes the template of any set: the programme's is the one of
``pipelines.returns.template`` (the same function, unchanged); every other set's is described here as a
``TemplateContent`` and laid out by the same ``assemble_workbook``, so all templates share one layout:

- ``meta``: keys in column A, values in B, Kazakh/Russian labels in C — ``set_id``, the reporting unit
  (``region_code`` or ``institution_code``, locked), ``year`` (the school or academic year's first year, or the
  campaign's year), for a campaign ``return_kind`` (interim/final, a drop-down) and ``as_of`` (a date inside the
  campaign), ``template_version``, ``prepared_by``, ``phone``, ``nothing_to_report``; then the set's and the unit's
  names. Only the officer's fields are unlocked.
- ``data``: the programme's columns A..F (the same machine keys in row 3), G..L the indicator's names, unit, period,
  numerator and denominator; M says how the row relates to others (overlapping categories are never summed).
- ``instructions``: Kazakh and Russian, with the set's own rules read from its catalogue (relations, rules.csv,
  shares, personal data, ranking).
- ``lists`` (hidden): the set's codes.

A new set needs data files only: every word that is set-specific comes from sets.csv, the set's catalogue or the
seed lines it cites.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl
from openpyxl.worksheet.datavalidation import DataValidation

from contracts.home import repo_raw, shared_dir
from contracts.programme import SETTLEMENTS
from pipelines.catalogue.load import load_catalogue, load_regions
from pipelines.catalogue.seed import read_lines
from pipelines.catalogue.sets import DEFAULT_SET, get_set, load_set_catalogue, load_sets, set_rules
from pipelines.returns.spec import (
    CURRENT_TEMPLATE_VERSION,
    RETURN_KINDS,
    SET_TEMPLATE_VERSION,
    reference_date,
    region_exists,
    region_is_city,
)
from pipelines.returns.template import (
    DATA_COLUMNS,
    FIRST_DATA_ROW,
    NOT_A_RATE,
    VALIDATION_TITLE,
    DataRow,
    TemplateContent,
    assemble_workbook,
    bilingual,
    code_validation,
    count_validation,
    save_workbook,
    settlement_validation,
    write_template,
    yes_no_validation,
)

UNIT_RU = {"адам": "человек", "бірлік": "единиц", "теңге": "тенге", "қоңырау": "звонков", "иә/жоқ": "да/нет", "%": "%"}
DOCUMENT_KINDS = {
    "decree": ("қаулы", "постановление"),
    "order": ("бұйрық", "приказ"),
    "concept": ("тұжырымдама", "концепция"),
    "regulation": ("ереже", "положение"),
}

META_LABELS = {
    "set_id": "Көрсеткіштер жиынтығы / Набор показателей",
    "region_code": "Өңір коды / Код региона",
    "institution_code": "Ұйым коды (тізілімнен) / Код организации (из реестра)",
    "year": "Есепті жыл / Отчётный год",
    "return_kind": "Есеп түрі: interim — аралық, final — қорытынды / Вид отчёта: interim — промежуточный, final — итоговый",
    "as_of": "Қай күнгі жағдай бойынша / По состоянию на дату",
    "template_version": "Үлгі нұсқасы / Версия шаблона",
    "prepared_by": "Орындаушы (лауазымы, бөлімі) / Исполнитель (должность, отдел)",
    "phone": "Байланыс телефоны / Контактный телефон",
    "nothing_to_report": "Осы кезеңге ұсынатын ештеңе жоқ (yes — иә, no — жоқ)"
    " / Представлять за этот период нечего (yes — да, no — нет) / Nothing to report for this period (yes/no)",
}

SET_COLUMNS: list[tuple[str | None, str, str, float]] = [
    DATA_COLUMNS[0],
    DATA_COLUMNS[1],
    (
        "value",
        "Мәні (сан; белгі үшін yes/no; үлес үшін міндетті емес — салыстыру үшін)",
        "Значение (число; для признака yes/no; для долей необязательно — для сверки)",
        14,
    ),
    *DATA_COLUMNS[3:12],
    (None, "Ескерту: басқа жолдармен байланысы", "Примечание: связь с другими строками", 40),
]


@dataclass(frozen=True)
class SetRequest:
    """A checked request: the set's registry row, the unit's row and names, and the return's period."""

    meta: dict
    unit_key: str
    unit_code: str
    unit_names: tuple[str, str]
    region_code: str
    year: int
    return_kind: str | None = None
    as_of: date | None = None


# ---------------------------------------------------------------------------------------------------------------
# The request
# ---------------------------------------------------------------------------------------------------------------


def _campaign_period(meta: dict, when: object, as_of: date | str | None) -> tuple[int, str, date]:
    start, end = date.fromisoformat(meta["period_start"]), date.fromisoformat(meta["period_end"])
    kind = str(when).strip().lower()
    if kind not in RETURN_KINDS:
        raise ValueError(f"a {meta['set_id']} return is {' or '.join(RETURN_KINDS)}, not {when!r}")
    if kind == "interim" and meta["interim_returns"] != "yes":
        raise ValueError(f"{meta['set_id']} takes no interim returns")
    if as_of is None:
        if kind == "interim":
            raise ValueError("an interim return needs its as-of date (as_of)")
        day = end
    else:
        day = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))
    if not start <= day <= end:
        raise ValueError(f"as-of date {day.isoformat()} is outside the campaign {start.isoformat()} – {end.isoformat()}")
    return start.year, kind, day


def _year(meta: dict, when: object) -> int:
    if isinstance(when, bool) or not isinstance(when, int):
        raise ValueError(f"a {meta['set_id']} return is for a year (the year its period starts), not {when!r}")
    last = meta["last_year"]
    if when < meta["first_year"] or (last is not None and when > last):
        span = f"{meta['first_year']}–{last if last is not None else '…'}"
        raise ValueError(f"year {when} is outside the set's years {span}")
    return when


def check_set_request(
    meta: dict, frames: dict[str, pl.DataFrame], regions: pl.DataFrame, unit: str, when: object, as_of: date | str | None
) -> SetRequest:
    """Validate the unit and the period against the registry; raises ``ValueError`` naming what is wrong."""
    if meta["period_kind"] == "campaign":
        year, kind, day = _campaign_period(meta, when, as_of)
    else:
        if as_of is not None:
            raise ValueError(f"{meta['set_id']} returns have no as-of date; only a campaign's do")
        year, kind, day = _year(meta, when), None, None
    if meta["reporting_unit"] == "institution":
        inst = frames["institutions"].filter(pl.col("institution_code") == unit)
        if inst.height == 0:
            known = ", ".join(frames["institutions"]["institution_code"].to_list())
            raise ValueError(f"unknown institution {unit!r}; the registry holds {known}")
        r = inst.row(0, named=True)
        return SetRequest(meta, "institution_code", unit, (r["name_kk"], r["name_ru"]), r["region_code"], year, kind, day)
    rows = regions.filter(pl.col("region_code") == unit)
    if rows.height == 0:
        raise ValueError(f"unknown region {unit!r}; expected a code of regions.csv (KZ-NN)")
    r = rows.row(0, named=True)
    exists, span = region_exists(regions, unit, year)
    if not exists:
        raise ValueError(f"region {unit} ({r['name_en']}) did not exist on {reference_date(year).isoformat()} (valid {span})")
    return SetRequest(meta, "region_code", unit, (r["name_kk"], r["name_ru"]), unit, year, kind, day)


# ---------------------------------------------------------------------------------------------------------------
# Wording from the catalogue (pure)
# ---------------------------------------------------------------------------------------------------------------


def unit_label(row: dict) -> str:
    kk = row["unit_kk"] or ""
    return bilingual(kk, UNIT_RU.get(kk, kk))


def period_label(row: dict, req: SetRequest) -> str:
    """What moment of the return's period a value describes, in Kazakh and Russian."""
    m, y = req.meta, req.year
    if m["period_kind"] == "campaign":
        start = date.fromisoformat(m["period_start"]).strftime("%d.%m.%Y")
        day = req.as_of.strftime("%d.%m.%Y") if req.as_of else "…"
        span = (f"{start} – {day} (жинақталған)", f"{start} – {day} (нарастающим итогом)")
        return bilingual(*span) if row["reference_point"] == "to_date" else bilingual(f"{start}–{day}", f"{start}–{day}")
    year_kk, year_ru = f"{y}–{y + 1} оқу жылы", f"{y}–{y + 1} учебный год"
    wording = {
        "during_period": (f"{year_kk} ішінде", f"в течение {y}–{y + 1} учебного года"),
        "period_start": (f"{year_kk}, жыл басында", f"{year_ru}, на начало года"),
        "period_end": (f"{year_kk}, жыл соңында", f"{year_ru}, на конец года"),
        "to_date": (year_kk, year_ru),
    }
    return bilingual(*wording[row["reference_point"]])


def relation_note(row: dict, by_code: dict[str, dict]) -> str | None:
    """Column M: how the row relates to its parent, whether it is a yes/no flag, whether it is optional."""
    notes: list[tuple[str, str]] = []
    parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
    if row["relation"] == "distinct_total":
        notes.append(("әр бала бір рет саналады; санаттар осының ішінде", "каждый учитывается один раз; категории входят сюда"))
    if parent is not None and row["relation"] == "not_additive":
        if parent["relation"] == "distinct_total":
            notes.append(
                (
                    f"{parent['code']} ішінде; санаттар қиылысады — қоспаңыз",
                    f"входит в {parent['code']}; категории пересекаются — не суммируйте",
                )
            )
        else:
            notes.append((f"{parent['code']} санынан аспайды", f"не больше {parent['code']}"))
    if parent is not None and row["relation"] == "part_of":
        notes.append((f"{parent['code']} бөлігі", f"часть {parent['code']}"))
    if row["kind"] == "flag":
        notes.append(("yes — иә, no — жоқ", "yes — да, no — нет"))
    if row["kind"] == "share":
        notes.append(("0–100; алымы мен бөлімін енгізіңіз", "0–100; введите числитель и знаменатель"))
    if row["required"] == "no":
        notes.append(("міндетті емес", "необязательно"))
    if not notes:
        return None
    return bilingual("; ".join(kk for kk, _ in notes), "; ".join(ru for _, ru in notes))


def set_rows(indicators: pl.DataFrame, req: SetRequest, regions: pl.DataFrame) -> list[DataRow]:
    """One row per indicator and settlement, in catalogue order; a city has no urban/rural rows (as the programme)."""
    by_code = {r["code"]: r for r in indicators.iter_rows(named=True)}
    city = req.unit_key == "region_code" and region_is_city(regions, req.unit_code)
    out: list[DataRow] = []
    for r in indicators.iter_rows(named=True):
        settlements = list(SETTLEMENTS) if r["settlement_split"] == "yes" and not city else ["total"]
        if r["kind"] == "share":
            num, den = bilingual(r["numerator_kk"], r["numerator_ru"]), bilingual(r["denominator_kk"], r["denominator_ru"])
        else:
            num = den = bilingual(*NOT_A_RATE)
        info = [r["name_kk"], r["name_ru"], unit_label(r), period_label(r, req), num, den, relation_note(r, by_code)]
        expected = "DE" if r["kind"] == "share" else "C"
        out += [DataRow(r["code"], st, expected, info) for st in settlements]
    return out


def _cells(letter: str, rows: list[DataRow], kinds: set[str], kind_of: dict[str, str]) -> list[str]:
    return [f"{letter}{FIRST_DATA_ROW + i}" for i, row in enumerate(rows) if kind_of[row.code] in kinds]


def set_validations(rows: list[DataRow], indicators: pl.DataFrame) -> list[tuple[DataValidation, list[str]]]:
    """A: the set's codes; B: settlements; C: whole non-negative counts and tenge, yes/no for flags, 0–100 for
    shares; D and E: non-negative numbers."""
    kind_of = dict(zip(indicators["code"].to_list(), indicators["kind"].to_list(), strict=True))
    last = FIRST_DATA_ROW + max(len(rows), 1) - 1
    whole = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        error="Бүтін теріс емес сан енгізіңіз / Введите целое неотрицательное число",
        errorTitle=VALIDATION_TITLE,
    )
    flag = yes_no_validation("yes")  # the one yes/no drop-down; "yes" listed first, as flags always were
    share = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        error="0-ден 100-ге дейінгі сан / Число от 0 до 100",
        errorTitle=VALIDATION_TITLE,
    )
    out = [
        (code_validation(indicators.height), [f"A{FIRST_DATA_ROW}:A{last}"]),
        (settlement_validation(), [f"B{FIRST_DATA_ROW}:B{last}"]),
        (count_validation(), [f"D{FIRST_DATA_ROW}:D{last}", f"E{FIRST_DATA_ROW}:E{last}"]),
    ]
    for dv, kinds in ((whole, {"count", "amount_kzt"}), (flag, {"flag"}), (share, {"share"})):
        cells = _cells("C", rows, kinds, kind_of)
        if cells:
            out.append((dv, cells))
    return out


def _appendix(meta: dict, seeds_dir: Path) -> str | None:
    """The appendix number printed in the personal-data lines the registry cites (e.g. "1"), if the seed is here."""
    try:
        text = read_lines(seeds_dir / meta["seed_file"], meta["personal_data_lines"])
    except (OSError, ValueError):
        return None
    found = re.search(r"(\d+)\s*-\s*қосымша", text)
    return found.group(1) if found else None


def set_instructions(
    meta: dict, frames: dict[str, pl.DataFrame], req: SetRequest, seeds_dir: Path
) -> tuple[list[str], list[str]]:
    """The instructions sheet in Kazakh and Russian: filling the return, then the set's own rules."""
    ind = frames["indicators"]
    by_code = {r["code"]: r for r in ind.iter_rows(named=True)}
    unit_kk, unit_ru = ("ұйымның", "одной организации") if req.unit_key == "institution_code" else ("өңірдің", "одного региона")
    kk = [f"{meta['name_kk']}: есепті толтыру нұсқаулығы"]
    ru = [f"{meta['name_ru']}: инструкция по заполнению отчёта"]

    def add(k: str, r: str) -> None:
        n = len(kk)
        kk.append(f"{n}. {k}")
        ru.append(f"{n}. {r}")

    if meta["period_kind"] == "campaign":
        s, e = (date.fromisoformat(meta[f]).strftime("%d.%m.%Y") for f in ("period_start", "period_end"))
        add(
            f"Бұл файл — бір {unit_kk} акция бойынша есебі. Акция {s} – {e} өтеді. Акция кезінде аралық (interim) есептер "
            f"және бір қорытынды (final) есеп беріледі. «meta» парағында есеп түрін (return_kind: interim немесе final) "
            f"және қай күнгі жағдай бойынша екенін (as_of, {s} – {e} аралығындағы күн) көрсетіңіз. Барлық сандар "
            f"{s} бастап as_of күніне дейін жинақталған түрде беріледі.",
            f"Этот файл — отчёт {unit_ru} по акции. Акция проходит {s} – {e}. Во время акции подаются "
            f"промежуточные (interim) отчёты и один итоговый (final). На листе «meta» укажите вид отчёта (return_kind: "
            f"interim или final) и дату, на которую он составлен (as_of, дата в пределах {s} – {e}). Все числа — "
            f"нарастающим итогом с {s} по дату as_of.",
        )
    else:
        add(
            f"Бұл файл — бір {unit_kk} бір оқу жылына арналған есебі (жыл — оқу жылы басталатын жыл). Қайта жүктелген "
            "файл сол кезеңнің алдыңғы есебін толығымен ауыстырады.",
            f"Этот файл — отчёт {unit_ru} за один учебный год (год — год начала учебного года). Повторно "
            "загруженный файл полностью заменяет предыдущий отчёт за этот период.",
        )
    if req.unit_key == "institution_code":
        add(
            "«meta» парағындағы ұйым коды (institution_code) ұйымдар тізілімінен алынған және құлыпталған — оны өзгертпеңіз.",
            "Код организации (institution_code) на листе «meta» взят из реестра организаций и заблокирован — не изменяйте его.",
        )
    add(
        "«meta» парағындағы жиынтық, код, жыл және үлгі нұсқасы алдын ала толтырылған — оларды өзгертпеңіз. «prepared_by» "
        "және «phone» ұяшықтарын толтырыңыз. Осы кезеңге ұсынатын ештеңе болмаса ғана «nothing_to_report» ұяшығында «yes» "
        "таңдаңыз.",
        "На листе «meta» набор, код, год и версия шаблона уже заполнены — не изменяйте их. Заполните «prepared_by» и "
        "«phone». Только если за этот период представлять нечего, выберите «yes» в ячейке «nothing_to_report».",
    )
    add(
        "«data» парағында тек C–F бағандарын толтырыңыз: C — мәні, D — алымы, E — бөлімі, F — түсініктеме. Сандар "
        "бүтін және теріс емес болады. Белгілер (иә/жоқ) үшін тізімнен yes немесе no таңдаңыз. G–M бағандары анықтама "
        "үшін берілген; M бағаны жолдың басқа жолдармен байланысын көрсетеді.",
        "На листе «data» заполняйте только столбцы C–F: C — значение, D — числитель, E — знаменатель, F — комментарий. "
        "Числа — целые и неотрицательные. Для признаков (да/нет) выберите yes или no из списка. Столбцы G–M справочные; "
        "столбец M показывает связь строки с другими строками.",
    )
    if (ind["settlement_split"] == "yes").any():
        add(
            "Қала мен ауыл бөлінісі бар көрсеткіштер үшін total (барлығы), urban (қала) және rural (ауыл) жолдарын "
            "толтырыңыз: urban + rural = total.",
            "Для показателей с разбивкой по местности заполните строки total (всего), urban (город) и rural (село): "
            "urban + rural = total.",
        )
    for total_code, children in _distinct_groups(ind).items():
        t = by_code[total_code]
        add(
            f"«{t['name_kk']}» ({total_code}) — қайталанбайтын сан: әр бала бір рет саналады. Санаттар ("
            f"{', '.join(children)}) бір-бірімен қиылысады: бір бала бірнеше санатта болуы мүмкін. Санаттарды қоспаңыз "
            f"және олардың қосындысын жалпы сан ретінде жазбаңыз; әр санат жалпы саннан аспауы тиіс.",
            f"«{t['name_ru']}» ({total_code}) — число без повторного счёта: каждый учитывается один раз. Категории ("
            f"{', '.join(children)}) пересекаются: один ребёнок может входить в несколько категорий. Не суммируйте "
            f"категории и не записывайте их сумму как общее число; категория не может превышать общее число.",
        )
    for rule in set_rules(frames):
        if rule.origin == "rules.csv":
            add(
                f"{'Қате' if rule.severity == 'error' else 'Ескерту'}: {rule.messages['kk']}.",
                f"{'Ошибка' if rule.severity == 'error' else 'Предупреждение'}: {rule.messages['ru']}.",
            )
        elif by_code[rule.rhs[0]]["relation"] != "distinct_total":
            add(rule.messages["kk"] + ".", rule.messages["ru"] + ".")
    for r in ind.filter(pl.col("kind") == "share").iter_rows(named=True):
        add(
            f"«{r['name_kk']}» — үлес, 0-ден 100-ге дейін. Алымын (D: {r['numerator_kk']}) және бөлімін (E: "
            f"{r['denominator_kk']}) сан түрінде енгізіңіз; алымы бөлімінен аспайды. Пайызды жүйе есептейді.",
            f"«{r['name_ru']}» — доля от 0 до 100. Введите числитель (D: {r['numerator_ru']}) и знаменатель (E: "
            f"{r['denominator_ru']}) как количества; числитель не больше знаменателя. Процент рассчитывает система.",
        )
    add(
        "Дерек болмаса, ұяшықты бос қалдырыңыз — 0 жазбаңыз. Парақтардың атауын өзгертпеңіз, 3-жолдағы кілттерді өзгертпеңіз.",
        "Если данных нет, оставьте ячейку пустой — не ставьте 0. Не переименовывайте листы и не изменяйте ключи в строке 3.",
    )
    add(
        "Тек жиынтық сандар. Жеке деректерді енгізбеңіз: ЖСН, балалардың, білім алушылардың, педагогтардың немесе басқа "
        "адамдардың аты-жөні болмауы тиіс. Жеке деректері бар файл қабылданбайды және ешқайда сақталмайды.",
        "Только сводные числа. Не вносите персональные данные: ИИН, ФИО детей, обучающихся, педагогов или других лиц. "
        "Файл с персональными данными отклоняется и нигде не сохраняется.",
    )
    if meta["personal_data_lines"]:
        kind_kk, kind_ru = DOCUMENT_KINDS[meta["document_kind"]]
        number = f"№ {meta['document_number']}" if meta["document_number"] else ""
        appendix = _appendix(meta, seeds_dir)
        doc_kk, doc_ru = f"{kind_kk} {number}".strip(), f"{kind_ru} {number}".strip()
        where_kk = f"Құжаттың {appendix}-қосымшасындағы ({doc_kk})" if appendix else f"Құжаттың қосымшасындағы ({doc_kk})"
        where_ru = f"приложении {appendix} к документу ({doc_ru})" if appendix else f"приложении к документу ({doc_ru})"
        add(
            f"{where_kk} жеке жоспарда баланың аты-жөні, туған күні, ЖСН және мекенжайы бар: бұл есепке олардың ешқайсысы "
            "енгізілмейді. Тек жиынтық сандар — баланың аты-жөні, туған күні, ЖСН немесе мекенжайы бар файл қабылданбайды.",
            f"Индивидуальный план в {where_ru} содержит ФИО, дату рождения, ИИН и адрес ребёнка: ничего из этого в отчёт не "
            "вносится. Только сводные числа — файл с ФИО, датой рождения, ИИН или адресом ребёнка отклоняется.",
        )
    if meta["ranking_forbidden"] == "yes":
        add(
            "Өңір бойынша мектептердің жиынтық сандарын ғана енгізіңіз: жекелеген мектептің сандары жүйеге енгізілмейді. "
            "Бұл сандар мектептердің немесе өңірлердің рейтингіне қолданылмайды және олар бойынша саралау жасалмайды.",
            "Вносите только сводные числа по школам региона: данные отдельных школ в систему не вносятся. Эти числа не "
            "используются для рейтинга школ или регионов, и по ним не ранжируют.",
        )
    add(
        "Толтырылған файлды жүктеу бетіне жүктеңіз. Тексеру қателері ұяшық сілтемесімен көрсетіледі (мысалы, data!C14). "
        "Файл толығымен қабылданады немесе толығымен қабылданбайды.",
        "Загрузите заполненный файл на странице загрузки. Ошибки проверки указываются со ссылкой на ячейку (например, "
        "data!C14). Файл принимается целиком или не принимается.",
    )
    return kk, ru


def _distinct_groups(indicators: pl.DataFrame) -> dict[str, list[str]]:
    """Distinct totals whose breakdown rows overlap: {total code: [child codes]} (only those with children)."""
    out: dict[str, list[str]] = {}
    for r in indicators.iter_rows(named=True):
        if r["relation"] == "not_additive" and r["parent_code"]:
            parent = indicators.filter(pl.col("code") == r["parent_code"])
            if parent.height and parent["relation"][0] == "distinct_total":
                out.setdefault(r["parent_code"], []).append(r["code"])
    return out


# ---------------------------------------------------------------------------------------------------------------
# Content and the entry point
# ---------------------------------------------------------------------------------------------------------------


def set_content(
    meta: dict, frames: dict[str, pl.DataFrame], regions: pl.DataFrame, req: SetRequest, seeds_dir: Path
) -> TemplateContent:
    """A non-programme set's template as content for ``assemble_workbook``."""
    ind = frames["indicators"]
    rows = set_rows(ind, req, regions)
    values: list[tuple[str, object]] = [("set_id", meta["set_id"]), (req.unit_key, req.unit_code), ("year", req.year)]
    inputs = {"prepared_by": "@", "phone": "@", "nothing_to_report": "@"}
    meta_validations = [(yes_no_validation("no"), ["nothing_to_report"])]
    if meta["period_kind"] == "campaign":
        values += [("return_kind", req.return_kind), ("as_of", datetime.combine(req.as_of, datetime.min.time()))]
        inputs = {"return_kind": "@", "as_of": "yyyy-mm-dd", **inputs}
        kinds = RETURN_KINDS if meta["interim_returns"] == "yes" else ["final"]
        kind_dv = DataValidation(
            type="list", formula1=f'"{",".join(kinds)}"', allow_blank=False, error="interim / final", errorTitle=VALIDATION_TITLE
        )
        start, end = (date.fromisoformat(meta[f]) for f in ("period_start", "period_end"))
        excel_day = date(1899, 12, 30)
        date_dv = DataValidation(
            type="date",
            operator="between",
            formula1=str((start - excel_day).days),
            formula2=str((end - excel_day).days),
            allow_blank=False,
            error=f"{start.isoformat()} – {end.isoformat()}",
            errorTitle=VALIDATION_TITLE,
        )
        meta_validations += [(kind_dv, ["return_kind"]), (date_dv, ["as_of"])]
    values += [("template_version", SET_TEMPLATE_VERSION), ("prepared_by", None), ("phone", None), ("nothing_to_report", "no")]
    names: list[tuple[str, object, str]] = [
        ("set_name_kk", meta["name_kk"], "Жиынтық атауы (қазақша) / Наименование набора (на казахском)"),
        ("set_name_ru", meta["name_ru"], "Жиынтық атауы (орысша) / Наименование набора (на русском)"),
        ("unit_name_kk", req.unit_names[0], "Атауы (қазақша) / Наименование (на казахском)"),
        ("unit_name_ru", req.unit_names[1], "Атауы (орысша) / Наименование (на русском)"),
    ]
    if req.unit_key == "institution_code":
        names.append(("region_code", req.region_code, "Ұйым орналасқан өңір / Регион организации"))
    kk, ru = set_instructions(meta, frames, req, seeds_dir)
    return TemplateContent(
        meta=[(key, value, META_LABELS[key]) for key, value in values],
        inputs=inputs,
        meta_validations=meta_validations,
        names=names,
        columns=SET_COLUMNS,
        rows=rows,
        validations=set_validations(rows, ind),
        instructions_kk=kk,
        instructions_ru=ru,
        codes=ind["code"].to_list(),
        wrapped="GHIJKLM",
    )


def make_template(
    set_id: str,
    unit: str,
    when: int | str,
    out: Path,
    *,
    as_of: date | str | None = None,
    raw_dir: Path | None = None,
    seeds_dir: Path | None = None,
) -> int:
    """Write the return template of ``set_id`` for one reporting unit and period to ``out``; return its data rows.

    ``unit``: a region code (KZ-NN; ``KZ`` too for the programme) or, for a set reported by institutions, an
    institution code of the set's registry. ``when``: the year (the programme's calendar year, a school or academic
    year's first year), or for a campaign ``interim`` or ``final`` with ``as_of`` (a final return defaults to the
    campaign's last day). Raises ``KeyError`` for an unknown set and ``ValueError`` for anything else wrong."""
    raw = Path(raw_dir) if raw_dir is not None else repo_raw()
    meta = get_set(load_sets(raw), set_id)
    regions = load_regions(raw)["regions"]
    if meta["catalogue_format"] == "programme":
        if as_of is not None:
            raise ValueError(f"{DEFAULT_SET} returns have no as-of date")
        if isinstance(when, bool) or not isinstance(when, int):
            raise ValueError(f"a {set_id} return is for a year, not {when!r}")
        return write_template(out, load_catalogue(raw), regions, unit, when, CURRENT_TEMPLATE_VERSION)
    frames = load_set_catalogue(raw, set_id)
    req = check_set_request(meta, frames, regions, unit, when, as_of)
    content = set_content(meta, frames, regions, req, Path(seeds_dir) if seeds_dir is not None else shared_dir() / "seeds")
    save_workbook(assemble_workbook(content), out)
    return len(content.rows)
