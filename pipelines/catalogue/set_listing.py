"""The indicator sets as people read them (``bilim sets``) and one set's catalogue (``bilim catalogue --set``)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.catalogue.load import load_catalogue, load_set_tables
from pipelines.catalogue.sets import DEFAULT_SET, get_set, load_sets

LANGS = ("kk", "ru", "en")


def _period(s: dict) -> str:
    """The set's period in one token: the campaign's dates, or the kind and its years (open-ended while in force)."""
    if s["period_start"]:
        return f"{s['period_start']}..{s['period_end']}"
    last = s["last_year"] if s["last_year"] is not None else ""
    return f"{s['period_kind']} {s['first_year']}-{last}"


def sets_listing(raw_dir: Path, lang: str = "en") -> pl.DataFrame:
    """One row per indicator set, in the registry's order: id, reporting unit, period, how many indicators, whether
    it has targets and forbids ranking, and its name in ``lang``. The programme's count is the rows of its own
    catalogue (``data/raw/programme/indicators.csv``); every other set's, the rows of its indicators.csv."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; known: {', '.join(LANGS)}")
    sets = load_sets(raw_dir)
    counts = load_set_tables(raw_dir)["set_indicators"].group_by("set_id").len()
    per_set = dict(zip(counts["set_id"].to_list(), counts["len"].to_list(), strict=True))
    if sets.filter(pl.col("catalogue_format") == "programme").height:
        per_set[DEFAULT_SET] = load_catalogue(raw_dir)["programme_indicators"].height
    rows = [
        {
            "set_id": s["set_id"],
            "reporting_unit": s["reporting_unit"],
            "period": _period(s),
            "indicators": per_set.get(s["set_id"], 0),
            "has_targets": s["has_targets"],
            "ranking_forbidden": s["ranking_forbidden"],
            "name": s[f"name_{lang}"],
        }
        for s in sets.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema={"set_id": pl.String, "reporting_unit": pl.String, "period": pl.String,
                                      "indicators": pl.Int64, "has_targets": pl.String, "ranking_forbidden": pl.String,
                                      "name": pl.String})


SET_CATALOGUE_COLUMNS = [
    "code", "unit", "kind", "direction", "relation", "parent_code", "breakdown", "breakdown_key", "suppress", "seed_lines",
    "design", "name_kk", "name_ru", "name_en",
]


def set_catalogue_listing(raw_dir: Path, set_id: str) -> pl.DataFrame:
    """One row per indicator of a set with its own catalogue, in the catalogue's order: code, unit, kind, direction,
    relation to its parent, breakdown, whether small counts are suppressed, the seed lines it rests on, whether it is
    transcribed or designed, and its names. ``KeyError`` naming the known sets for an unknown id; ``ValueError`` for
    the programme, whose catalogue is ``pipelines.catalogue.listing``'s."""
    meta = get_set(load_sets(raw_dir), set_id)
    if meta["catalogue_format"] != "set":
        raise ValueError(f"{set_id!r} keeps its own catalogue")
    ind = load_set_tables(raw_dir)["set_indicators"]
    return ind.filter(pl.col("set_id") == set_id).select(SET_CATALOGUE_COLUMNS)
