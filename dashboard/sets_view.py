"""The indicator sets' pages as tables for people (issue 10): pure functions from the published ``set_values`` mart
(``contracts.sets.SetValues``, already suppressed) and the published catalogue tables (``indicator_sets``,
``set_indicators``, ``institutions``, ``regions``) to what a set's page shows and downloads. Testable without
Streamlit.

Every table is a ``SetTable``: each cell carries the text the page shows and the value its download holds, so the
page and the download cannot disagree. A hidden cell is ``mark()`` ("<10") in both, never a number and never
an empty cell, and a table with a hidden cell carries ``legend(lang)``.

Rows are never ordered by value: regions by their name in the language, institutions by name, indicators in the
catalogue's order, dates and years in time order. For a set that forbids ranking (``ranking_forbidden``:
``school_registration``, seed 003 §26) the page also draws its tables as static text (no click-to-sort) and colours
no count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import polars as pl

from contracts.glossary import SET_UNIT_WORDS
from contracts.suppression import hidden_mark, legend, load_threshold
from dashboard.downloads import Num, Table
from dashboard.i18n import TEXTS, format_number, format_percent, t

PROGRAMME = "programme"
NATIONAL = "KZ"
MISSING = "–"
PER_THOUSAND_SUBJECT = "pupils"  # the subject of the denominator of "per 1,000 pupils" (RTS.pupils)
SET_PAGE_ACTION = "view_official"  # who may open a set's page: as the Region page (an officer: their own region)


@cache
def threshold() -> int:
    """The configured suppression threshold (``[suppression] threshold``): the mark is ``<threshold``."""
    return load_threshold()


def mark() -> str:
    return hidden_mark(threshold())


@dataclass(frozen=True)
class Cell:
    """What the page shows (``text``) and what the download holds (``value``: a ``Num``, a word or the mark)."""

    text: str
    value: object


@dataclass
class SetTable:
    headers: list[str]
    rows: list[list[Cell]]
    synthetic: list[bool] = field(default_factory=list)
    # The downloads keep each row's code beside its name (a second column); the page shows names only.
    code_header: str | None = None
    codes: list[str] = field(default_factory=list)

    @property
    def has_hidden(self) -> bool:
        return any(c.text == mark() for row in self.rows for c in row)

    def frame(self) -> pl.DataFrame:
        """Every column text, headers in the language: what the page draws."""
        return pl.DataFrame([[c.text for c in row] for row in self.rows], schema=self.headers, orient="row")

    def download_table(self, build: str = "", source: str = "set_values") -> Table:
        """The same rows for ``downloads.download``: numbers as ``Num``, hidden cells as the mark, words as words;
        ``source`` names the published table in the download's "about" sheet (``set_values_with_pending`` when the
        values include returns awaiting review)."""
        headers, rows = list(self.headers), [[c.value for c in row] for row in self.rows]
        if self.code_header and len(self.codes) == len(rows):
            headers = [headers[0], self.code_header, *headers[1:]]
            rows = [[row[0], code, *row[1:]] for row, code in zip(rows, self.codes, strict=True)]
        return Table(headers, rows, source, build, list(self.synthetic))


def text_cell(text: str) -> Cell:
    return Cell(text, text)


def value_cell(value: float | None, hidden: bool, unit: str, decimals: int, lang: str, *, units: int | None = None) -> Cell:
    """One published value as ``lang`` writes it: the mark when hidden, a dash when not reported, a flag as a
    yes/no word for one institution (``units`` None or 1) and as "n of m" when rolled up over ``units``
    institutions, a share with its decimals and a percent sign, a count or tenge with grouped thousands."""
    if hidden:
        return Cell(mark(), mark())
    if value is None or value != value:
        return Cell(MISSING, None)
    if unit == "flag":
        if units is None or units <= 1:
            word = t("yes" if value >= 1 else "no", lang)
            return Cell(word, word)
        text = t("flag_yes_of", lang, n=format_number(value, lang, 0), m=format_number(units, lang, 0))
        return Cell(text, text)
    if unit == "percent":
        return Cell(format_percent(value, lang, decimals), Num(value, decimals))
    return Cell(format_number(value, lang, decimals), Num(value, decimals))


# --- the catalogue ---------------------------------------------------------------------------------------------


def sets_with_data(indicator_sets: pl.DataFrame, set_values: pl.DataFrame | None) -> list[str]:
    """The sets other than the programme that have published values, in the registry's order."""
    if set_values is None or set_values.is_empty():
        return []
    present = set(set_values["set_id"].unique().to_list())
    return [s for s in indicator_sets["set_id"].to_list() if s != PROGRAMME and s in present]


def set_meta(indicator_sets: pl.DataFrame, set_id: str) -> dict:
    rows = indicator_sets.filter(pl.col("set_id") == set_id).to_dicts()
    if not rows:
        raise KeyError(set_id)
    return rows[0]


def set_name(indicator_sets: pl.DataFrame, set_id: str, lang: str) -> str:
    return set_meta(indicator_sets, set_id)[f"name_{lang}"]


def set_short_name(indicator_sets: pl.DataFrame, set_id: str, lang: str) -> str:
    """The set's name in the sidebar: the glossary's short name (``set_short_<id>``) when it has one, else the
    registry's full name (a new set needs no code; a short name is one more word)."""
    key = f"set_short_{set_id}"
    return t(key, lang) if key in TEXTS else set_name(indicator_sets, set_id, lang)


def catalogue(set_indicators: pl.DataFrame, set_id: str) -> pl.DataFrame:
    """The set's indicators in catalogue order."""
    return set_indicators.filter(pl.col("set_id") == set_id)


def _meta(indicators: pl.DataFrame) -> dict[str, dict]:
    return {r["code"]: r for r in indicators.iter_rows(named=True)}


def breakdown(indicators: pl.DataFrame, name: str) -> list[str]:
    """The codes of one breakdown (category, ground, form, source...) in catalogue order."""
    return indicators.filter(pl.col("breakdown") == name)["code"].to_list()


def headline_codes(indicators: pl.DataFrame) -> list[str]:
    """The indicators that are no breakdown of another, in catalogue order."""
    return indicators.filter(pl.col("parent_code").is_null())["code"].to_list()


def denominator_code(indicators: pl.DataFrame) -> str | None:
    """The set's "per 1,000 pupils" denominator, when its catalogue has one (the campaign's RTS.pupils)."""
    found = indicators.filter((pl.col("subject") == PER_THOUSAND_SUBJECT) & pl.col("parent_code").is_null())["code"]
    return found[0] if found.len() else None


# Each language's alphabet: Python compares code points, which puts Kazakh қ, ә, ө... after я and Russian ё after я.
ALPHABETS = {
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "en": "abcdefghijklmnopqrstuvwxyz",
}


def alphabetical(text: str, lang: str) -> tuple:
    """A sort key putting ``text`` in the dictionary order of ``lang`` (Latin letters before Cyrillic ones in kk/ru)."""
    alphabet = ALPHABETS[lang]
    key = []
    for ch in text.casefold():
        if ch in alphabet:
            key.append((1, alphabet.index(ch)))
        elif "a" <= ch <= "z" or ch in ALPHABETS["kk"]:
            key.append((1, 100 + ord(ch)))
        else:
            key.append((0, ord(ch)))  # spaces, digits and marks before letters, as dictionaries do
    return tuple(key)


def region_order(codes: list[str], regions: pl.DataFrame, lang: str) -> list[str]:
    """Regions alphabetically by their name in ``lang`` (the code breaks ties): never by a value."""
    names = region_names(regions, lang)
    return sorted(codes, key=lambda c: (alphabetical(names.get(c, c), lang), c))


def region_names(regions: pl.DataFrame, lang: str) -> dict[str, str]:
    names = dict(zip(regions["region_code"], regions[f"name_{lang}"], strict=False))
    names[NATIONAL] = t("national", lang)
    return names


def unit_label(code: str, regions: pl.DataFrame, institutions: pl.DataFrame | None, lang: str) -> str:
    if institutions is not None and code in set(institutions["institution_code"].to_list()):
        return institutions.filter(pl.col("institution_code") == code)[f"name_{lang}"][0]
    return region_names(regions, lang).get(code, code)


def date_label(day: date, kind: str | None, lang: str) -> str:
    """``2023-08-15 (аралық есеп)``: the date a campaign's cumulative values stand at, and whether it is final."""
    text = day.isoformat()
    return f"{text} ({t(f'return_kind_{kind}', lang)})" if kind else text


def school_year_label(year: int) -> str:
    return f"{year}–{year + 1}"


# --- lookups over the published values ---------------------------------------------------------------------------


def _lookup(values: pl.DataFrame, *keys: str) -> dict[tuple, dict]:
    return {tuple(r[k] for k in keys): r for r in values.iter_rows(named=True)}


def _cell(row: dict | None, meta: dict, lang: str) -> Cell:
    if row is None:
        return Cell(MISSING, None)
    return value_cell(row["value"], row["hidden"], meta["unit"], meta["decimals"], lang, units=row.get("units_reporting"))


PENDING_STATES = ("submitted", "reopened")


def pending_returns(
    values: pl.DataFrame, regions: pl.DataFrame, institutions: pl.DataFrame | None, period_kind: str, lang: str
) -> list[str]:
    """The returns awaiting review whose values ``values`` include (rows marked by ``mark_set_review_state``), one
    line each, "Akmola region · 2023–2024: awaiting review", ordered by unit name and period: what a set's page says
    when it shows them. Empty for official values."""
    if "review_state" not in values.columns:
        return []
    own = values.filter(pl.col("review_state").is_in(PENDING_STATES) & (pl.col("level") != "national"))
    lines = []
    returns = own.select("unit_code", "year", "as_of", "return_kind", "review_state").unique()
    for unit, year, as_of, kind, state in returns.iter_rows():
        if as_of is not None:
            period = date_label(as_of, kind, lang)
        elif period_kind in ("school_year", "academic_year"):
            period = school_year_label(year)
        else:
            period = str(year)
        name = unit_label(unit, regions, institutions, lang)
        text = f"{name} · {period}: {t(f'review_state_{state}', lang)}"
        lines.append(((alphabetical(name, lang), unit, year, as_of or date.min), text))
    return [text for _, text in sorted(lines)]


def units_of(values: pl.DataFrame, set_id: str) -> list[str]:
    return sorted(values.filter(pl.col("set_id") == set_id)["unit_code"].unique().to_list())


# --- road_to_school_2023: the campaign -----------------------------------------------------------------------------


def campaign_dates(values: pl.DataFrame, set_id: str) -> list[tuple[date, str | None]]:
    """The dates the campaign's returns stand at, in time order, each with interim/final."""
    mine = values.filter((pl.col("set_id") == set_id) & pl.col("as_of").is_not_null())
    pairs = mine.select("as_of", "return_kind").unique().sort("as_of", pl.col("return_kind") == "final")
    out: dict[date, str | None] = {}
    for day, kind in pairs.iter_rows():
        out[day] = "final" if out.get(day) == "final" or kind == "final" else kind
    return list(out.items())


def progress_table(values: pl.DataFrame, indicators: pl.DataFrame, unit: str, lang: str) -> SetTable:
    """The campaign's progress at one unit (a region or the nation): one row per headline indicator, one column per
    return date (cumulative to that date), dates in time order."""
    set_id = indicators["set_id"][0]
    dates = campaign_dates(values.filter(pl.col("unit_code") == unit), set_id)
    mine = values.filter((pl.col("set_id") == set_id) & (pl.col("unit_code") == unit) & (pl.col("settlement") == "total"))
    look = _lookup(mine, "indicator_code", "as_of")
    meta = _meta(indicators)
    headers = [t("indicator", lang), t("col_unit", lang)] + [date_label(d, k, lang) for d, k in dates]
    rows, synthetic, keys = [], [], []
    for code in headline_codes(indicators):
        m = meta[code]
        cells = [look.get((code, d)) for d, _ in dates]
        if all(c is None for c in cells):
            continue
        rows.append([text_cell(m[f"name_{lang}"]), text_cell(unit_word(m, lang))] + [_cell(c, m, lang) for c in cells])
        keys.append(code)
        synthetic.append(any(c["synthetic"] for c in cells if c is not None))
    return SetTable(headers, rows, synthetic, t("col_indicator_code", lang), keys)


def unit_word(meta: dict, lang: str) -> str:
    """The indicator's unit in ``lang``: people, items, calls, tenge, %, yes/no (``contracts.glossary``)."""
    key = SET_UNIT_WORDS.get(meta.get("unit_kk") or "")
    return t(key, lang) if key else t(f"set_unit_{meta['unit']}", lang)


def row_label(meta: dict, lang: str) -> str:
    """A breakdown row named by its key: ``3. безнадзорность, ...`` for §22's third ground (the shared words before
    the colon, "registered during the year on the ground:", stand in the table's header); other rows by name."""
    name = meta[f"name_{lang}"]
    key = meta.get("breakdown_key") or ""
    if meta.get("breakdown") and key.isdigit() and ": " in name:
        return f"{int(key)}. {name.split(': ', 1)[1]}"
    return name


def _region_rows(
    values: pl.DataFrame, set_id: str, period: pl.Expr, settlement: str, regions: pl.DataFrame, lang: str
) -> tuple[dict, list[str]]:
    """A set's region and national rows for one period and settlement, looked up by (unit, indicator), and the
    units in a table's order: regions alphabetically by name in the language, the nation last (never by a value)."""
    mine = values.filter(
        (pl.col("set_id") == set_id)
        & period
        & (pl.col("settlement") == settlement)
        & pl.col("level").is_in(["region", "national"])
    )
    look = _lookup(mine, "unit_code", "indicator_code")
    units = mine["unit_code"].unique().to_list()
    order = region_order([u for u in units if u != NATIONAL], regions, lang) + ([NATIONAL] if NATIONAL in units else [])
    return look, order


def category_region_table(
    values: pl.DataFrame, indicators: pl.DataFrame, regions: pl.DataFrame, as_of: date, lang: str
) -> SetTable:
    """Children helped by region and category at one date: regions alphabetically (the nation last), the distinct
    total beside the overlapping categories (never summed), and children per 1,000 pupils only when the catalogue
    has a pupils denominator and the region reported it."""
    set_id = indicators["set_id"][0]
    meta = _meta(indicators)
    categories = breakdown(indicators, "category")
    total = meta[categories[0]]["parent_code"] if categories else None
    codes = ([total] if total else []) + categories
    denom = denominator_code(indicators)
    look, order = _region_rows(values, set_id, pl.col("as_of") == as_of, "total", regions, lang)
    names = region_names(regions, lang)
    per_1000 = (
        denom is not None
        and total is not None
        and any((u, denom) in look and look[(u, denom)]["value"] is not None for u in order)
    )
    headers = [t("region", lang)] + [meta[c][f"name_{lang}"] for c in codes]
    if per_1000:
        headers += [meta[denom][f"name_{lang}"], t("per_1000_pupils", lang, name=meta[total][f"name_{lang}"])]
    rows, synthetic = [], []
    for u in order:
        row = [text_cell(names.get(u, u))] + [_cell(look.get((u, c)), meta[c], lang) for c in codes]
        if per_1000:
            d = look.get((u, denom))
            row += [_cell(d, meta[denom], lang), per_thousand(look.get((u, total)), d, lang)]
        rows.append(row)
        synthetic.append(any(r["synthetic"] for (uu, _), r in look.items() if uu == u))
    return SetTable(headers, rows, synthetic, t("col_region_code", lang), list(order))


def per_thousand(count: dict | None, pupils: dict | None, lang: str) -> Cell:
    """Children per 1,000 pupils from two published values: hidden when either is hidden (a rate from a hidden
    number would give it back), a dash when the denominator was not reported or is zero."""
    if count is None or pupils is None:
        return Cell(MISSING, None)
    if count["hidden"] or pupils["hidden"]:
        return Cell(mark(), mark())
    if count["value"] is None or not pupils["value"]:
        return Cell(MISSING, None)
    rate = count["value"] / pupils["value"] * 1000
    return Cell(format_number(rate, lang, 1), Num(rate, 1))


def help_table(values: pl.DataFrame, indicators: pl.DataFrame, unit: str, as_of: date, lang: str) -> SetTable:
    """Help given at one unit and date, in tenge: the total, then by form (money, in kind) and by source."""
    set_id = indicators["set_id"][0]
    meta = _meta(indicators)
    kzt = indicators.filter(pl.col("unit") == "kzt")
    mine = values.filter(
        (pl.col("set_id") == set_id)
        & (pl.col("unit_code") == unit)
        & (pl.col("as_of") == as_of)
        & (pl.col("settlement") == "total")
    )
    look = _lookup(mine, "indicator_code")
    headers = [t("set_breakdown", lang), t("indicator", lang), t("set_unit_kzt", lang)]
    rows, synthetic, keys = [], [], []
    for r in kzt.iter_rows(named=True):
        found = look.get((r["code"],))
        if found is None:
            continue
        part = t(f"breakdown_{r['breakdown']}", lang) if r["breakdown"] else t("breakdown_total", lang)
        rows.append([text_cell(part), text_cell(r[f"name_{lang}"]), _cell(found, meta[r["code"]], lang)])
        keys.append(r["code"])
        synthetic.append(found["synthetic"])
    return SetTable(headers, rows, synthetic, t("col_indicator_code", lang), keys)


# --- school_registration: never ranked ------------------------------------------------------------------------------


def years_of(values: pl.DataFrame, set_id: str) -> list[int]:
    return sorted(values.filter(pl.col("set_id") == set_id)["year"].unique().to_list())


def _year_table(
    values: pl.DataFrame, indicators: pl.DataFrame, codes: list[str], unit: str, settlement: str, lang: str, first: str
) -> SetTable:
    set_id = indicators["set_id"][0]
    meta = _meta(indicators)
    years = years_of(values, set_id)
    mine = values.filter((pl.col("set_id") == set_id) & (pl.col("unit_code") == unit) & (pl.col("settlement") == settlement))
    look = _lookup(mine, "indicator_code", "year")
    headers = [first] + [school_year_label(y) for y in years]
    rows, synthetic = [], []
    for code in codes:
        cells = [look.get((code, y)) for y in years]
        label = row_label(meta[code], lang)
        rows.append([text_cell(label)] + [_cell(c, meta[code], lang) for c in cells])
        synthetic.append(any(c["synthetic"] for c in cells if c is not None))
    return SetTable(headers, rows, synthetic, t("col_indicator_code", lang), list(codes))


def ground_table(values: pl.DataFrame, indicators: pl.DataFrame, unit: str, settlement: str, lang: str) -> SetTable:
    """Pupils registered during each school year by ground (§22's ten grounds, in the order's numbering), school
    years as columns: the trend. Grounds overlap (a pupil may have several), so they are never summed."""
    codes = sorted(breakdown(indicators, "ground"), key=lambda c: _meta(indicators)[c]["breakdown_key"])
    return _year_table(values, indicators, codes, unit, settlement, lang, t("breakdown_ground", lang))


def flow_table(values: pl.DataFrame, indicators: pl.DataFrame, unit: str, settlement: str, lang: str) -> SetTable:
    """Registered at the start, during the year, removed, at the end, with a plan: catalogue order, years as columns."""
    return _year_table(values, indicators, headline_codes(indicators), unit, settlement, lang, t("indicator", lang))


def registration_region_table(
    values: pl.DataFrame, indicators: pl.DataFrame, regions: pl.DataFrame, year: int, settlement: str, lang: str
) -> SetTable:
    """Every region's headline counts for one school year and settlement: regions alphabetically by name in the
    language, the nation last. Never ordered by a count (§26)."""
    set_id = indicators["set_id"][0]
    meta = _meta(indicators)
    codes = headline_codes(indicators)
    look, order = _region_rows(values, set_id, pl.col("year") == year, settlement, regions, lang)
    names = region_names(regions, lang)
    headers = [t("region", lang)] + [meta[c][f"name_{lang}"] for c in codes]
    rows, synthetic = [], []
    for u in order:
        rows.append([text_cell(names.get(u, u))] + [_cell(look.get((u, c)), meta[c], lang) for c in codes])
        synthetic.append(any(r["synthetic"] for (uu, _), r in look.items() if uu == u))
    return SetTable(headers, rows, synthetic, t("col_region_code", lang), list(order))


def settlements_of(values: pl.DataFrame, set_id: str) -> list[str]:
    present = set(values.filter(pl.col("set_id") == set_id)["settlement"].unique().to_list())
    return [s for s in ("total", "urban", "rural") if s in present] or ["total"]


# --- inclusive_higher_ed: institutions and regions ---------------------------------------------------------------------


def institution_table(
    values: pl.DataFrame,
    indicators: pl.DataFrame,
    institutions: pl.DataFrame,
    regions: pl.DataFrame,
    year: int,
    lang: str,
    region: str | None = None,
) -> SetTable:
    """One row per institution (its name, synthetic ones labelled so by the registry's name; alphabetical), its
    region, and every indicator: counts, the §5.3 accessibility flags as yes/no words, shares with their decimals."""
    set_id = indicators["set_id"][0]
    meta = _meta(indicators)
    codes = indicators["code"].to_list()
    mine = values.filter((pl.col("set_id") == set_id) & (pl.col("year") == year) & (pl.col("level") == "institution"))
    if region:
        mine = mine.filter(pl.col("region_code") == region)
    look = _lookup(mine.filter(pl.col("settlement") == "total"), "unit_code", "indicator_code")
    codes = reported(codes, look)
    registry = institutions.filter(pl.col("set_id") == set_id) if "set_id" in institutions.columns else institutions
    inst = {r["institution_code"]: r for r in registry.iter_rows(named=True)}
    units = sorted(
        mine["unit_code"].unique().to_list(), key=lambda c: (alphabetical(inst.get(c, {}).get(f"name_{lang}", c), lang), c)
    )
    names = region_names(regions, lang)
    headers = [t("institution", lang), t("region", lang)] + [_header(meta[c], lang) for c in codes]
    rows, synthetic = [], []
    for u in units:
        info = inst.get(u, {})
        region_code = info.get("region_code")
        row = [text_cell(info.get(f"name_{lang}", u)), text_cell(names.get(region_code, region_code or MISSING))]
        row += [_cell(look.get((u, c)), meta[c], lang) for c in codes]
        rows.append(row)
        synthetic.append(any(r["synthetic"] for (uu, _), r in look.items() if uu == u) or info.get("synthetic") == "true")
    return SetTable(headers, rows, synthetic, t("col_code", lang), list(units))


def reported(codes: list[str], look: dict[tuple, dict]) -> list[str]:
    """The codes (in catalogue order) with at least one published row: a column of dashes says nothing."""
    present = {key[-1] for key in look}
    return [c for c in codes if c in present]


def _header(meta: dict, lang: str) -> str:
    unit = meta["unit"]
    return meta[f"name_{lang}"] if unit in ("count", "flag") else f"{meta[f'name_{lang}']}, {t(f'set_unit_{unit}', lang)}"


def inclusive_region_table(
    values: pl.DataFrame, indicators: pl.DataFrame, regions: pl.DataFrame, year: int, lang: str
) -> SetTable:
    """Regions (alphabetically, the nation last) as roll-ups of their institutions: counts summed, shares from summed
    numerators and denominators, a flag as "n of m institutions" answering yes."""
    set_id = indicators["set_id"][0]
    meta = _meta(indicators)
    codes = indicators["code"].to_list()
    look, order = _region_rows(values, set_id, pl.col("year") == year, "total", regions, lang)
    codes = reported(codes, look)
    names = region_names(regions, lang)
    headers = [t("region", lang), t("institutions_reporting", lang)] + [_header(meta[c], lang) for c in codes]
    rows, synthetic = [], []
    for u in order:
        mine_u = [r for (uu, _), r in look.items() if uu == u]
        reporting = max((r["units_reporting"] for r in mine_u), default=0)
        row = [text_cell(names.get(u, u)), Cell(format_number(reporting, lang, 0), Num(reporting, 0))]
        row += [_cell(look.get((u, c)), meta[c], lang) for c in codes]
        rows.append(row)
        synthetic.append(any(r["synthetic"] for r in mine_u))
    return SetTable(headers, rows, synthetic, t("col_region_code", lang), list(order))


# --- any other set (a fifth set needs data and words only) -------------------------------------------------------------


def generic_table(
    values: pl.DataFrame, indicators: pl.DataFrame, regions: pl.DataFrame, institutions: pl.DataFrame | None, year: int, lang: str
) -> SetTable:
    """Units (alphabetically by name, the nation last) by indicators for one year: the page of a set without its own."""
    set_id = indicators["set_id"][0]
    meta = _meta(indicators)
    codes = indicators["code"].to_list()
    mine = values.filter((pl.col("set_id") == set_id) & (pl.col("year") == year) & (pl.col("settlement") == "total"))
    if mine["as_of"].is_not_null().any():
        last = mine["as_of"].max()
        mine = mine.filter(pl.col("as_of") == last)
    look = _lookup(mine, "unit_code", "indicator_code")
    codes = reported(codes, look)
    labels = {u: unit_label(u, regions, institutions, lang) for u in mine["unit_code"].unique().to_list()}
    order = sorted((u for u in labels if u != NATIONAL), key=lambda u: (alphabetical(labels[u], lang), u))
    order += [NATIONAL] if NATIONAL in labels else []
    headers = [t("set_reporting_unit", lang)] + [_header(meta[c], lang) for c in codes]
    rows, synthetic = [], []
    for u in order:
        rows.append([text_cell(labels[u])] + [_cell(look.get((u, c)), meta[c], lang) for c in codes])
        synthetic.append(any(r["synthetic"] for (uu, _), r in look.items() if uu == u))
    return SetTable(headers, rows, synthetic, t("col_code", lang), list(order))


def markdown_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """A text table for ``st.table``, which reads every cell as Markdown: a leading ``3.`` would become a list item
    and ``*``/``_`` emphasis, so they are escaped (the page shows them as written; downloads never pass here)."""

    def safe(text: str | None) -> str | None:
        if text is None:
            return None
        text = re.sub(r"([\\`*_\[\]#|])", r"\\\1", text)
        return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)

    return frame.with_columns(pl.col(c).map_elements(safe, return_dtype=pl.String) for c in frame.columns).rename(
        {c: safe(c) for c in frame.columns}
    )


def notes_for(table: SetTable, lang: str) -> list[str]:
    """The notes a table carries under it: the suppression legend whenever a cell is hidden."""
    return [legend(lang, threshold())] if table.has_hidden else []
