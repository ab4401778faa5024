"""Validation of an indicator set's return (DESIGN §9, issue 10): the same reading, numbers and issues as the
programme's (``rules``), with the set's own meta and catalogue.

A workbook whose meta names a ``set_id`` other than the programme (or carries a set template version such as
``set.2026.1``) is a set return. Its checks, each located at the cell the officer sees:

- meta: a known set; the reporting unit of the set's kind (``region_code`` a region, or ``institution_code`` in the
  set's registry); a year inside the set's ``first_year``..``last_year``; for a campaign, ``return_kind``
  interim|final and ``as_of`` a date inside the campaign (a final return stands at the campaign's last day); the set
  template version;
- rows: the programme's row rules where they mean the same (settlement words, numbers with decimal commas and text
  in number cells, halves of a share, numerator over denominator, a fraction typed for a percentage, bounds,
  duplicates, hidden rows), plus the set's own: an indicator of the set, urban/rural only where split, whole
  non-negative counts, non-negative tenge, yes/no flags (1.0/0.0);
- across rows, per settlement: urban + rural = total; every rule of ``pipelines.catalogue.sets.set_rules`` (a
  category never exceeds its distinct total, the parts of one breakdown never exceed their total, rules.csv);
  overlapping categories summed as the distinct total (a warning naming the rows: the system never sums them);
  required indicators without a value (a warning: the return is incomplete).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipelines.catalogue.set_rule import SetRule
from pipelines.returns import rules as R
from pipelines.returns.issues import ERROR, Issue, error, warning
from pipelines.returns.messages import LANGS, indicator_param
from pipelines.returns.normalize import NumberStatus
from pipelines.returns.read import RawReturn
from pipelines.returns.spec import (
    NOTHING_TO_REPORT_NO,
    NOTHING_TO_REPORT_YES,
    RETURN_KINDS,
    SET_TEMPLATE_VERSION,
    SHEET_META,
    region_exists,
    region_is_city,
)

PROGRAMME = "programme"
SET_VERSION_PREFIX = "set."
COUNT_KINDS = ("count",)
AMOUNT_KINDS = ("amount_kzt",)
# What a flag cell may hold: the template's drop-down (yes/no) and the words an officer types in kk, ru or en.
FLAG_YES = NOTHING_TO_REPORT_YES
FLAG_NO = NOTHING_TO_REPORT_NO

# Meta keys named in a message, in the officer's language (a snake_case key is not a word in kk or ru).
KEY_WORDS = {
    "set_id": {"kk": "көрсеткіштер жиынтығы", "ru": "набор показателей", "en": "set_id"},
    "region_code": {"kk": "өңір коды", "ru": "код региона", "en": "region_code"},
    "institution_code": {"kk": "ұйым коды", "ru": "код организации", "en": "institution_code"},
    "year": {"kk": "есепті жыл", "ru": "отчётный год", "en": "year"},
    "return_kind": {"kk": "есеп түрі", "ru": "вид отчёта", "en": "return_kind"},
    "as_of": {"kk": "есеп күні", "ru": "дата отчёта", "en": "as_of"},
    "template_version": {"kk": "үлгі нұсқасы", "ru": "версия шаблона", "en": "template_version"},
}
RETURN_KIND_WORDS = {
    "interim": {"kk": "аралық", "ru": "промежуточный", "en": "interim"},
    "final": {"kk": "қорытынды", "ru": "итоговый", "en": "final"},
}


# --- the set's catalogue -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetCatalogue:
    meta: dict  # the set's row of sets.csv
    indicators: pl.DataFrame
    institutions: pl.DataFrame | None
    rules: tuple[SetRule, ...]
    overlapping: dict[str, list[str]]  # distinct total -> its overlapping categories (catalogue.sets.not_additive_groups)

    def name(self) -> dict[str, str]:
        return {lang: self.meta[f"name_{lang}"] for lang in LANGS}


# A set's validated catalogue is kept by content under the home's catalogue cache (as the programme's is, in
# pipelines.catalogue.cache): ``bilim validate`` and the upload page then neither import Pandera nor validate the
# CSVs again. The key hashes the registry, the set's files, the regions and the code that validates them.
_CODE = [
    "contracts/sets.py",
    "pipelines/catalogue/sets.py",
    "pipelines/catalogue/set_rule.py",
    "pipelines/tables.py",
    "pipelines/returns/set_rules.py",
]


def _key(raw: Path, files: list[Path]) -> str:
    from contracts.home import REPO_ROOT

    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(raw)).encode() + b"\0" + (path.read_bytes() if path.exists() else b"-") + b"\0")
    for rel in _CODE:
        digest.update(rel.encode() + b"\0" + (REPO_ROOT / rel).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _write_cache(folder: Path, frames: dict[str, pl.DataFrame], extra: dict) -> None:
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for name, frame in frames.items():
            frame.write_ipc(tmp / f"{name}.arrow")
        (tmp / "extra.json").write_text(json.dumps(extra, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.rename(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # a read-only home still validates, just every time


def _read_cache(folder: Path, names: list[str]) -> tuple[dict[str, pl.DataFrame], dict] | None:
    try:
        if (folder / "extra.json").is_file():
            frames = {n: pl.read_ipc(folder / f"{n}.arrow") for n in names if (folder / f"{n}.arrow").is_file()}
            return frames, json.loads((folder / "extra.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, pl.exceptions.ComputeError):
        pass  # a damaged cache: validate again and rewrite it
    return None


def _raw_and_cache(raw_dir: Path | None) -> tuple[Path, Path]:
    from contracts.home import Layout, repo_raw

    return (Path(raw_dir) if raw_dir is not None else repo_raw()), Layout.current().catalogue_cache


def registry(raw_dir: Path | None = None) -> pl.DataFrame:
    """sets.csv, validated (``catalogue.sets.load_sets``), read from the cache when its content was seen before."""
    raw, cache = _raw_and_cache(raw_dir)
    folder = cache / f"sets-{_key(raw, [raw / 'sets.csv'])}"
    hit = _read_cache(folder, ["sets"])
    if hit is not None and "sets" in hit[0]:
        return hit[0]["sets"]
    from pipelines.catalogue.sets import load_sets

    sets = load_sets(raw)
    _write_cache(folder, {"sets": sets}, {})
    return sets


def set_catalogue(set_id: str, raw_dir: Path | None = None) -> SetCatalogue | None:
    """The set's registry row and catalogue, validated (``None`` for an unknown set or the programme)."""
    raw, cache = _raw_and_cache(raw_dir)
    rows = registry(raw).filter(pl.col("set_id") == set_id).to_dicts()
    if not rows or rows[0]["catalogue_format"] == PROGRAMME:
        return None
    files = [raw / "sets.csv", *sorted((raw / set_id).glob("*.csv")), raw / "regions" / "regions.csv"]
    folder = cache / f"set-{set_id}-{_key(raw, files)}"
    hit = _read_cache(folder, ["indicators", "institutions"])
    if hit is None:
        from pipelines.catalogue.sets import load_set_catalogue, not_additive_groups, set_rules

        tables = load_set_catalogue(raw, set_id)
        frames = {n: tables[n] for n in ("indicators", "institutions") if n in tables}
        extra = {
            "rules": [{**r.__dict__, "lhs": list(r.lhs), "rhs": list(r.rhs)} for r in set_rules(tables)],
            "overlapping": not_additive_groups(tables["indicators"]),
        }
        _write_cache(folder, frames, extra)
    else:
        frames, extra = hit
    rules = tuple(SetRule(**{**r, "lhs": tuple(r["lhs"]), "rhs": tuple(r["rhs"])}) for r in extra["rules"])
    return SetCatalogue(rows[0], frames["indicators"], frames.get("institutions"), rules, extra["overlapping"])


def personal_data_set(set_id: str, raw_dir: Path | None = None) -> bool:
    """Whether the set's registry row cites a form holding personal data (``personal_data_lines``), whose fields
    the personal-data guard then looks for too (read._scan_personal_data)."""
    try:
        cat = set_catalogue(set_id, raw_dir)
    except Exception:  # noqa: BLE001 - a broken catalogue is reported by the meta check; the guard stays on
        return True
    return cat is not None and bool(cat.meta.get("personal_data_lines"))


def known_sets(raw_dir: Path | None = None) -> tuple[str, ...]:
    return tuple(registry(raw_dir)["set_id"].to_list())


# --- dispatch ----------------------------------------------------------------------------------------------------


def _meta_text(raw: RawReturn, key: str) -> str | None:
    value = raw.meta.get(key, (None, None))[0]
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def declared_set(raw: RawReturn) -> str | None:
    """The set a workbook says it belongs to (``None``: the programme's template, which has no ``set_id``)."""
    return _meta_text(raw, "set_id")


def is_set_return(raw: RawReturn) -> bool:
    """A template workbook of a set other than the programme: by its ``set_id``, or by a set template version."""
    if raw.kind != "template":
        return False
    sid = declared_set(raw)
    if sid is not None:
        return sid.lower() != PROGRAMME
    version = _meta_text(raw, "template_version") or ""
    return version.startswith(SET_VERSION_PREFIX)


# --- meta ----------------------------------------------------------------------------------------------------


@dataclass
class SetIdentity:
    cat: SetCatalogue
    unit_code: str
    region_code: str
    year: int
    return_kind: str | None
    as_of: date | None
    unit_key: str


def _at(loc: str) -> tuple[str, str | None, str | None]:
    sheet, cell = R._split(loc)
    return loc, sheet, cell


def _loc(raw: RawReturn, key: str) -> str:
    return raw.meta.get(key, (None, f"{SHEET_META}!B?"))[1]


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        return date.fromordinal(date(1899, 12, 30).toordinal() + int(value))  # an Excel serial date
    text = str(value).strip()
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", "ymd"), (r"(\d{1,2})[./](\d{1,2})[./](\d{4})", "dmy")):
        m = re.fullmatch(pattern, text)
        if m:
            a, b, c = (int(x) for x in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return date(y, mo, d)
            except ValueError:
                return None
    return None


def _as_int_year(value: object) -> int | None:
    text = str(value).strip()
    return int(float(text)) if re.fullmatch(r"\d{4}(\.0)?", text) else None


def check_set_meta(raw: RawReturn, ctx: R.Context, raw_dir: Path | None = None) -> tuple[SetIdentity | None, list[Issue]]:
    """The set, reporting unit, year and campaign period of a set return; every problem located at its meta cell."""
    issues: list[Issue] = []
    sid = declared_set(raw)
    if sid is None:
        known = ", ".join(known_sets(raw_dir))
        issues.append(error("F_META_MISSING", *_at(_loc(raw, "set_id")), key=KEY_WORDS["set_id"], expected=known))
        return None, issues
    cat = set_catalogue(sid, raw_dir)
    if cat is None:
        known = ", ".join(s for s in known_sets(raw_dir) if s != PROGRAMME)
        issues.append(error("F_UNKNOWN_SET", *_at(_loc(raw, "set_id")), found=sid, known=known))
        return None, issues
    meta = cat.meta
    set_name = cat.name()

    version = _meta_text(raw, "template_version")
    if version is None:
        issues.append(error("F_META_MISSING", *_at(_loc(raw, "template_version")), key=KEY_WORDS["template_version"],
                            expected=SET_TEMPLATE_VERSION))
    elif version != SET_TEMPLATE_VERSION:
        issues.append(
            error("F_UNKNOWN_VERSION", *_at(_loc(raw, "template_version")), found=version, expected=SET_TEMPLATE_VERSION)
        )

    year = None
    ytext = _meta_text(raw, "year")
    first, last = meta["first_year"], meta["last_year"]
    span = f"{first}–{last if last is not None else '…'}"
    if ytext is None:
        issues.append(error("F_META_MISSING", *_at(_loc(raw, "year")), key=KEY_WORDS["year"], expected=span))
    else:
        year = _as_int_year(ytext)
        if year is None or year < first or (last is not None and year > last):
            issues.append(error("F_SET_BAD_YEAR", *_at(_loc(raw, "year")), found=ytext, span=span, set=set_name))
            year = None
        elif ctx.expected_year is not None and year != ctx.expected_year:
            issues.append(error("F_YEAR_MISMATCH", *_at(_loc(raw, "year")), found=year, expected=ctx.expected_year))
            year = None

    unit_key = "institution_code" if meta["reporting_unit"] == "institution" else "region_code"
    other = "region_code" if unit_key == "institution_code" else "institution_code"
    unit, region = _meta_text(raw, unit_key), None
    if unit is None:
        if _meta_text(raw, other) is not None:
            issues.append(error("F_SET_UNIT_KIND", *_at(_loc(raw, other)), set=set_name, key=KEY_WORDS[unit_key],
                                found=KEY_WORDS[other]))
        else:
            issues.append(error("F_META_MISSING", *_at(_loc(raw, unit_key)), key=KEY_WORDS[unit_key],
                                expected="KZ-NN" if unit_key == "region_code" else "institutions.csv"))
    elif unit_key == "institution_code":
        unit = unit.upper()
        inst = cat.institutions.filter(pl.col("institution_code") == unit) if cat.institutions is not None else pl.DataFrame()
        if inst.is_empty():
            issues.append(error("F_UNKNOWN_INSTITUTION", *_at(_loc(raw, unit_key)), found=unit, set=set_name))
        else:
            region = inst["region_code"][0]
            if ctx.expected_region is not None and ctx.expected_region not in (unit, region):
                issues.append(error("F_REGION_MISMATCH", *_at(_loc(raw, unit_key)), found=unit, expected=ctx.expected_region))
    else:
        unit = unit.upper()
        if unit not in set(ctx.catalogue.regions["region_code"].to_list()):
            if cat.institutions is None and _meta_text(raw, "institution_code") is not None:
                issues.append(error("F_SET_UNIT_KIND", *_at(_loc(raw, "institution_code")), set=set_name,
                                    key=KEY_WORDS[unit_key], found=KEY_WORDS["institution_code"]))
            issues.append(error("F_SET_BAD_REGION", *_at(_loc(raw, unit_key)), found=unit, set=set_name))
        elif ctx.expected_region is not None and unit != ctx.expected_region:
            issues.append(error("F_REGION_MISMATCH", *_at(_loc(raw, unit_key)), found=unit, expected=ctx.expected_region))
        else:
            region = unit
            if year is not None:
                ok, period = region_exists(ctx.catalogue.regions, unit, year)
                if not ok:
                    issues.append(error("F_REGION_NOT_IN_YEAR", *_at(_loc(raw, unit_key)), found=unit, year=year, period=period))
                    region = None
        if _meta_text(raw, "institution_code") is not None and region is not None:
            issues.append(error("F_SET_UNIT_KIND", *_at(_loc(raw, "institution_code")), set=set_name,
                                key=KEY_WORDS[unit_key], found=KEY_WORDS["institution_code"]))

    kind, as_of = None, None
    if meta["period_kind"] == "campaign":
        kind, as_of, period_issues = _check_campaign(raw, meta, RETURN_KINDS)
        issues += period_issues
    if any(i.severity == ERROR for i in issues) or unit is None or region is None or year is None:
        return None, issues
    return SetIdentity(cat, unit, region, year, kind, as_of, unit_key), issues


def _check_campaign(raw: RawReturn, meta: dict, return_kinds: list[str]) -> tuple[str | None, date | None, list[Issue]]:
    """interim|final and a date inside the campaign; a final return stands at the campaign's last day."""
    issues: list[Issue] = []
    start, end = date.fromisoformat(meta["period_start"]), date.fromisoformat(meta["period_end"])
    allowed = [k for k in return_kinds if k != "interim" or meta["interim_returns"] == "yes"]
    words = {lang: " / ".join(RETURN_KIND_WORDS[k][lang] for k in allowed) for lang in LANGS}
    kind = None
    ktext = _meta_text(raw, "return_kind")
    if ktext is None:
        issues.append(error("F_META_MISSING", *_at(_loc(raw, "return_kind")), key=KEY_WORDS["return_kind"], expected=words))
    else:
        folded = ktext.lower()
        by_word = {w[lang].lower(): k for k, w in RETURN_KIND_WORDS.items() for lang in LANGS}
        kind = by_word.get(folded)
        if kind not in allowed:
            issues.append(error("F_BAD_RETURN_KIND", *_at(_loc(raw, "return_kind")), found=ktext, expected=words))
            kind = None
    as_of = None
    value = raw.meta.get("as_of", (None, None))[0]
    span = f"{start.isoformat()} – {end.isoformat()}"
    if value is None or (isinstance(value, str) and not value.strip()):
        issues.append(error("F_META_MISSING", *_at(_loc(raw, "as_of")), key=KEY_WORDS["as_of"], expected=span))
    else:
        as_of = _as_date(value)
        if as_of is None:
            issues.append(error("F_BAD_AS_OF", *_at(_loc(raw, "as_of")), found=str(value).strip()))
        elif not start <= as_of <= end:
            issues.append(error("F_AS_OF_OUTSIDE", *_at(_loc(raw, "as_of")), found=as_of.isoformat(), start=start.isoformat(),
                                end=end.isoformat(), set={lang: meta[f"name_{lang}"] for lang in LANGS}))
            as_of = None
        elif kind == "final" and as_of != end:
            issues.append(error("F_FINAL_AS_OF", *_at(_loc(raw, "as_of")), found=as_of.isoformat(), end=end.isoformat()))
            as_of = None
    return kind, as_of, issues


def check_expected_set(raw: RawReturn, expected: str) -> list[Issue]:
    """The file must be a return of ``expected`` (``bilim validate --set``): an error at its set_id cell (at the
    meta sheet's first cell for a programme template, which has none; unlocated for a flat file)."""
    sid = declared_set(raw) if raw.kind == "template" else None
    if sid is None and is_set_return(raw):
        return []  # a set template without its set_id: already an error of its own
    found = sid or PROGRAMME
    if found.lower() == expected.strip().lower():
        return []
    loc = _loc(raw, "set_id") if "set_id" in raw.meta else (f"{SHEET_META}!A1" if raw.kind == "template" else None)
    sheet, cell = R._split(loc) if loc else (None, None)
    return [error("F_SET_MISMATCH", loc, sheet, cell, found=set_name(found), expected=set_name(expected))]


def set_name(set_id: str, raw_dir: Path | None = None) -> dict[str, str] | str:
    """The set's name in kk, ru and en for a message (an id is not a word in kk or ru); the id itself if unknown."""
    rows = registry(raw_dir).filter(pl.col("set_id") == set_id.strip()).to_dicts()
    return {lang: rows[0][f"name_{lang}"] for lang in LANGS} if rows else set_id


# --- rows --------------------------------------------------------------------------------------------------------


def _with_set_catalogue(cat: SetCatalogue):
    def step(s: R._Rows) -> None:
        c = pl.col
        ind = cat.indicators.select(
            pl.col("code").alias("indicator_code"),
            "kind",
            "unit",
            "settlement_split",
            "required",
            "rollup",
            c("hard_min").cast(pl.Float64, strict=False),
            c("hard_max").cast(pl.Float64, strict=False),
            "name_kk",
            "name_ru",
            "name_en",
        ).with_columns(
            # Shares have no plausible band here; a positive value up to 1 typed without its parts may be a fraction
            # typed for a percentage, as the programme warns (its rule reads plausible_min > 1).
            pl.when(c("kind") == "share").then(c("hard_max")).otherwise(None).alias("plausible_min"),
            pl.lit(None, dtype=pl.Float64).alias("plausible_max"),
            pl.lit("regional").alias("reporting"),
            pl.lit("total").alias("series_settlement"),
            pl.lit(None, dtype=pl.String).alias("reference_period"),
        )
        s.df = s.df.join(ind, on="indicator_code", how="left")

    return step


def _rule_unknown_set_indicator(cat: SetCatalogue):
    def step(s: R._Rows) -> None:
        unknown = s.df.filter(pl.col("kind").is_null())
        s.emit("R_SET_UNKNOWN_INDICATOR", unknown, "indicator_code", found=lambda r: r["indicator_code"] or "", set=cat.name())
        s.df = s.df.filter(pl.col("kind").is_not_null())

    return step


def _rule_set_not_split(s: R._Rows) -> None:
    c = pl.col
    not_split = (c("settlement_token") != "total") & (c("settlement_split") != "yes")
    s.emit("R_SETTLEMENT_NOT_SPLIT", s.df.filter(not_split), "settlement", found=indicator_param,
           settlement=lambda r: r["settlement_token"])
    s.df = s.df.filter(~not_split)


def _with_flags(s: R._Rows) -> None:
    """A flag cell holds yes or no (in kk, ru or en; 1 or 0): read as 1.0/0.0. Anything else is an error."""
    c = pl.col
    text = c("value").str.strip_chars().str.to_lowercase()
    is_flag = c("kind") == "flag"
    yes, no = text.is_in(list(FLAG_YES)), text.is_in(list(FLAG_NO))
    bad = s.df.filter(is_flag & c("value").is_not_null() & (c("value").str.strip_chars() != "") & ~yes & ~no)
    s.emit("R_BAD_FLAG", bad, "value", found=lambda r: r["value"], indicator=indicator_param)
    s.df = s.df.join(bad.select("_row"), on="_row", how="anti").with_columns(
        pl.when(is_flag & yes).then(pl.lit(1.0)).when(is_flag & no).then(pl.lit(0.0)).otherwise(c("value_v")).alias("value_v"),
        pl.when(is_flag & (yes | no)).then(pl.lit(NumberStatus.OK.value)).otherwise(c("value_status")).alias("value_status"),
    )


def _rule_counts(s: R._Rows) -> None:
    """Counts are whole and not negative; tenge not negative. The hard bounds are not repeated for them."""
    c = pl.col
    typed = c("value_v").is_not_null()
    negative_count = s.df.filter(c("kind").is_in(COUNT_KINDS) & typed & (c("value_v") < 0))
    s.emit("R_NEGATIVE_COUNT", negative_count, "value", found=lambda r: r["value"], indicator=indicator_param)
    negative_amount = s.df.filter(c("kind").is_in(AMOUNT_KINDS) & typed & (c("value_v") < 0))
    s.emit("R_NEGATIVE_AMOUNT", negative_amount, "value", found=lambda r: r["value"], indicator=indicator_param)
    s.flagged.setdefault("R_NEGATIVE_COUNT", []).append(negative_amount.select("_row"))
    whole = s.df.filter(c("kind").is_in(COUNT_KINDS) & typed & (c("value_v") >= 0) & (c("value_v") != c("value_v").round(0)))
    s.emit("R_NOT_WHOLE", whole, "value", found=lambda r: r["value"], indicator=indicator_param)
    for key in ("numerator", "denominator"):
        parts = s.df.filter((c("kind") == "share") & c(f"{key}_v").is_not_null() & (c(f"{key}_v") >= 0)
                            & (c(f"{key}_v") != c(f"{key}_v").round(0)))
        s.emit("R_NOT_WHOLE", parts, key, found=lambda r, k=key: r[k], indicator=indicator_param)


def set_row_rules(cat: SetCatalogue) -> tuple:
    """The row rules of a set return, in the order their issues are reported (the programme's where they agree)."""
    return (
        _with_set_catalogue(cat),
        _rule_unknown_set_indicator(cat),
        R._rule_settlement,
        _rule_set_not_split,
        *((R._rule_city_rural,) if cat.meta["reporting_unit"] == "region" else ()),
        _with_flags,
        R._rule_numbers,
        R._rule_half_rate,
        R._rule_rate_parts_missing,
        R._rule_denominator_zero,
        R._rule_negative_count,
        R._rule_numerator_over_denominator,
        R._with_rate,
        R._rule_value_mismatch,
        R._rule_fraction_for_percent,
        _rule_counts,
        R._rule_hard_bounds,
        R._rule_duplicate,
        R._rule_hidden_row,
    )


# --- across rows -------------------------------------------------------------------------------------------------


def _names(cat: SetCatalogue) -> dict[str, dict]:
    return {r["code"]: {"indicator_code": r["code"], **r} for r in cat.indicators.iter_rows(named=True)}


def _value_cells(raw: RawReturn, rows: pl.DataFrame) -> dict[tuple[str, str], tuple[float, int, str]]:
    """(code, settlement) -> (value, row, key of the cell it comes from) for the rows holding a value."""
    out = {}
    for r in rows.filter(pl.col("actual").is_not_null()).iter_rows(named=True):
        key = "numerator" if r.get("computed") is not None else "value"
        out.setdefault((r["indicator_code"], r["settlement_token"]), (r["actual"], r["_row"], key))
    return out


def _issue(raw: RawReturn, make, code: str, key: str, row: int, **params) -> Issue:
    return make(code, raw.location(key, row), raw.data_sheet, raw.cell_ref(key, row), **params)


VALUE_PART = {"kk": "мәні", "ru": "значение", "en": "value"}


def check_set_across(raw: RawReturn, rows: pl.DataFrame, cat: SetCatalogue) -> list[Issue]:
    """urban + rural = total (values of counts and tenge; a share's parts through the programme's check), the set's
    relations and rules.csv per settlement, and overlapping categories summed as their distinct total."""
    issues = R.check_across(raw, rows)
    cells = _value_cells(raw, rows)
    names = _names(cat)
    for code, r in names.items():
        if r["kind"] not in COUNT_KINDS + AMOUNT_KINDS or r["settlement_split"] != "yes":
            continue
        parts = [cells.get((code, st)) for st in ("total", "urban", "rural")]
        if None in parts:
            continue
        (t, row, key), (u, _, _), (ru, _, _) = parts
        if abs(u + ru - t) > 1e-6 * max(1.0, abs(t)):
            issues.append(_issue(raw, error, "X_URBAN_RURAL_SUM", key, row, urban=R._fmt(u), rural=R._fmt(ru),
                                 sum=R._fmt(u + ru), total=R._fmt(t), part=VALUE_PART, indicator=indicator_param(r)))
    settlements = sorted({st for _, st in cells}, key=("total", "urban", "rural").index)
    for st in settlements:
        values = {code: v[0] for (code, s2), v in cells.items() if s2 == st}
        for rule in (r for r in cat.rules if r.broken(values)):
            first = next(c for c in rule.lhs if (c, st) in cells)
            _, row, key = cells[(first, st)]
            left, right = sum(values[c] for c in rule.lhs), sum(values[c] for c in rule.rhs)
            make = error if rule.severity == ERROR else warning
            issues.append(_issue(raw, make, "X_SET_RULE", key, row, message=rule.messages, left=R._fmt(left),
                                 right=R._fmt(right), op=">" if rule.op == "le" else "≠", settlement=st))
        for total, categories in cat.overlapping.items():
            if (total, st) not in cells:
                continue
            present = [c for c in categories if (c, st) in cells]
            nonzero = [c for c in present if cells[(c, st)][0] != 0]
            t, row, key = cells[(total, st)]
            summed = sum(cells[(c, st)][0] for c in present)
            if len(nonzero) > 1 and abs(summed - t) < 1e-9:
                rows_text = ", ".join(str(cells[(c, st)][1]) for c in present)
                issues.append(_issue(
                    raw, warning, "W_OVERLAP_SUMMED", key, row, indicator=indicator_param(names[total]),
                    categories={lang: ", ".join(f"«{names[c][f'name_{lang}']}»" for c in present) for lang in LANGS},
                    rows=rows_text, total=R._fmt(t), settlement=st,
                ))
    return issues


def expected_set_rows(cat: SetCatalogue, regions: pl.DataFrame, ident: SetIdentity) -> list[tuple[str, str]]:
    """(indicator, settlement) a return asks for: required indicators, urban/rural where split (not in a city)."""
    city = ident.unit_key == "region_code" and region_is_city(regions, ident.unit_code)
    out = []
    for r in cat.indicators.iter_rows(named=True):
        if r["required"] != "yes":
            continue
        settlements = ["total", "urban", "rural"] if r["settlement_split"] == "yes" and not city else ["total"]
        out += [(r["code"], st) for st in settlements]
    return out


def check_set_completeness(
    rows: pl.DataFrame, cat: SetCatalogue, regions: pl.DataFrame, ident: SetIdentity
) -> tuple[int, list[Issue]]:
    """Required rows without a value: the return is accepted and shows as incomplete (as the programme's)."""
    from pipelines.returns.messages import localized

    expected = expected_set_rows(cat, regions, ident)
    have = set(zip(rows["indicator_code"].to_list(), rows["settlement_token"].to_list(), strict=True))
    missing = [e for e in expected if e not in have]
    if missing and len(missing) < len(expected):
        names = _names(cat)
        shown = [(indicator_param(names[code]), st) for code, st in missing[:3]]
        examples = {
            lang: ", ".join(f"{name[lang]} ({localized('settlement', st, lang)})" for name, st in shown) for lang in LANGS
        }
        return len(expected), [warning("W_MISSING_ROWS", count=len(missing), examples=examples)]
    return len(expected), []


# --- the whole return --------------------------------------------------------------------------------------------


def validate_set_groups(raw: RawReturn, ctx: R.Context, raw_dir: Path | None = None) -> tuple[list[R.Checked], list[Issue]]:
    """All checks of a set return: one group (the unit and period of its meta), and the file-level issues."""
    file_issues = list(raw.issues)
    declared, declared_issues = R.nothing_to_report(raw)
    file_issues += declared_issues
    ident, meta_issues = check_set_meta(raw, ctx, raw_dir)
    file_issues += meta_issues
    if ident is None:
        return [], R._capped(file_issues)
    typed = R.typed_frame(raw)
    state = R._Rows(raw, ctx, ident.region_code, ident.year, typed)
    for rule in set_row_rules(ident.cat):
        rule(state)
    rows = state.df.filter(pl.col("actual").is_not_null() | R._HAS_NUM | R._HAS_DEN)
    issues = state.issues
    issues += check_set_across(raw, rows, ident.cat)
    expected, completeness = check_set_completeness(rows, ident.cat, ctx.catalogue.regions, ident)
    issues += completeness
    issues += R.check_nothing_to_report(raw, typed, rows, declared)
    group = R.Checked(
        ident.region_code, ident.year, rows, R._capped(issues), expected,
        set_id=ident.cat.meta["set_id"], unit_code=ident.unit_code, return_kind=ident.return_kind, as_of=ident.as_of,
    )
    return [group], R._capped(file_issues)
