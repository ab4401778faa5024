"""Load the hand-curated catalogue and regions, validate them whole, and report every located problem at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandera.polars as pa
import polars as pl

from contracts.catalogue import (
    ProgrammeFunding,
    ProgrammeFundingSources,
    ProgrammeGlossary,
    ProgrammeIndicators,
    ProgrammeTargets,
    ProgrammeTargetSets,
)
from contracts.home import REPO_ROOT
from contracts.regions import RegionChanges, Regions
from contracts.sets import Institutions, SetIndicators, SetRules
from pipelines.catalogue.cache import CATALOGUE_FILES, REGION_FILES
from pipelines.tables import Problem, TableError, load_table, model_dtypes


@dataclass(frozen=True)
class Source:
    """A hand-curated table: its file under ``data/raw`` and its contract."""

    relpath: str
    model: type[pa.DataFrameModel]


CATALOGUE_SOURCES: dict[str, Source] = {
    "programme_indicators": Source(CATALOGUE_FILES["programme_indicators"], ProgrammeIndicators),
    "programme_targets": Source(CATALOGUE_FILES["programme_targets"], ProgrammeTargets),
    "programme_target_sets": Source(CATALOGUE_FILES["programme_target_sets"], ProgrammeTargetSets),
    "programme_funding": Source(CATALOGUE_FILES["programme_funding"], ProgrammeFunding),
    "programme_funding_sources": Source(CATALOGUE_FILES["programme_funding_sources"], ProgrammeFundingSources),
    "programme_glossary": Source(CATALOGUE_FILES["programme_glossary"], ProgrammeGlossary),
}

REGION_SOURCES: dict[str, Source] = {
    "regions": Source(REGION_FILES["regions"], Regions),
    "region_changes": Source(REGION_FILES["region_changes"], RegionChanges),
}


def _label(raw_dir: Path, relpath: str) -> str:
    """How a file is named in messages: relative to the repository when it is the repository's."""
    path = raw_dir / relpath
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _load_all(raw_dir: Path, sources: dict[str, Source]) -> tuple[dict[str, pl.DataFrame], dict[str, str], list[Problem]]:
    frames, labels, problems = {}, {}, []
    for name, src in sources.items():
        label = _label(raw_dir, src.relpath)
        path = raw_dir / src.relpath
        labels[name] = label
        if not path.exists():
            problems.append(Problem(label, None, None, "file is missing"))
            continue
        df, found = load_table(path, src.model, label)
        frames[name] = df
        problems += found
    return frames, labels, problems


def cycle_year_column(cycle: str, first_year: int) -> int:
    """The year column an assessment cycle's target sits in: the year in the cycle's name (PISA-2021 -> 2021,
    whatever year it was held), or the target set's first year for a cycle named before it (TIMSS-2019, whose
    results were published in December 2020, sits in 2020)."""
    return max(int(cycle.rsplit("-", 1)[1]), first_year)


def catalogue_rules(frames: dict[str, pl.DataFrame], labels: dict[str, str]) -> list[Problem]:
    """Rules across catalogue tables: every target has its series and set, lies inside hard bounds, in period."""
    ind, tgt, sets = frames["programme_indicators"], frames["programme_targets"], frames["programme_target_sets"]
    problems: list[Problem] = []
    series = {r["code"]: r for r in ind.iter_rows(named=True)}
    periods = {r["target_set"]: (r["period_start"], r["period_end"]) for r in sets.iter_rows(named=True)}
    label = labels["programme_targets"]
    for i, t in enumerate(tgt.iter_rows(named=True)):
        row = i + 2
        s = series.get(t["indicator_code"])
        if s is None:
            problems.append(
                Problem(
                    label,
                    row,
                    "indicator_code",
                    f"{t['indicator_code']!r} is not a series of indicators.csv; no target without a series",
                )
            )
            continue
        if t["target_set"] not in periods:
            problems.append(Problem(label, row, "target_set", f"{t['target_set']!r} is not in target_sets.csv"))
        else:
            lo, hi = periods[t["target_set"]]
            if t["year"] is not None and not lo <= t["year"] <= hi:
                problems.append(Problem(label, row, "year", f"{t['year']} is outside the target set's period {lo}-{hi}"))
        v = t["value"]
        if v is not None and s["hard_min"] is not None and not s["hard_min"] <= v <= s["hard_max"]:
            problems.append(
                Problem(label, row, "value", f"{v:g} is outside the series' hard bounds {s['hard_min']:g}..{s['hard_max']:g}")
            )
        is_cycle = s["reference_period"] == "assessment_cycle"
        if is_cycle and not t["cycle"]:
            problems.append(Problem(label, row, "cycle", "empty; an assessment target names its cycle (e.g. PISA-2021)"))
        if not is_cycle and t["cycle"]:
            problems.append(Problem(label, row, "cycle", f"{t['cycle']!r} given for a series that is not an assessment"))
        if is_cycle and t["cycle"] and t["year"] is not None and t["target_set"] in periods:
            column = cycle_year_column(t["cycle"], periods[t["target_set"]][0])
            if t["year"] != column:
                problems.append(
                    Problem(
                        label,
                        row,
                        "year",
                        f"{t['year']}: a {t['cycle']} target sits in the {column} column "
                        "(the cycle's name year, or the set's first year for an earlier cycle)",
                    )
                )
    ilabel = labels["programme_indicators"]
    for i, s in enumerate(ind.iter_rows(named=True)):
        b = s["baseline_2018"]
        if b is not None and s["hard_min"] is not None and not s["hard_min"] <= b <= s["hard_max"]:
            problems.append(
                Problem(ilabel, i + 2, "baseline_2018", f"{b:g} is outside the hard bounds {s['hard_min']:g}..{s['hard_max']:g}")
            )
    return problems


def region_rules(frames: dict[str, pl.DataFrame], labels: dict[str, str]) -> list[Problem]:
    """Every boundary change names known units."""
    known = set(frames["regions"]["region_code"].to_list())
    out = []
    for i, r in enumerate(frames["region_changes"].iter_rows(named=True)):
        for field in ("from_region", "to_region"):
            if r[field] not in known:
                out.append(Problem(labels["region_changes"], i + 2, field, f"{r[field]!r} is not in regions.csv"))
    return out


def _load_validated(raw_dir: Path, sources: dict[str, Source], rules) -> dict[str, pl.DataFrame]:
    """Every table of ``sources`` against its contract, then the cross-table ``rules``; raises ``TableError``
    with every problem at once."""
    frames, labels, problems = _load_all(raw_dir, sources)
    if not problems:
        problems = rules(frames, labels)
    if problems:
        raise TableError(problems)
    return frames


def load_catalogue(raw_dir: Path) -> dict[str, pl.DataFrame]:
    """All catalogue tables, validated; raises ``TableError`` with every problem if any."""
    return _load_validated(raw_dir, CATALOGUE_SOURCES, catalogue_rules)


def load_regions(raw_dir: Path) -> dict[str, pl.DataFrame]:
    """Regions and their changes, validated; raises ``TableError`` with every problem if any."""
    return _load_validated(raw_dir, REGION_SOURCES, region_rules)


# The indicator-set registry and every set's own catalogue (DESIGN §9) as warehouse tables: each row of a set's
# table carries its set_id. The programme's catalogue stays in the programme_* tables above.
SET_TABLES: dict[str, str] = {
    "indicator_sets": "the registry of indicator sets (data/raw/sets.csv)",
    "set_indicators": "every set's indicators (data/raw/<set_id>/indicators.csv), with their set",
    "set_rules": "every set's checks between indicators (data/raw/<set_id>/rules.csv), with their set",
    "institutions": "the institutions that report sets reported by institutions (data/raw/<set_id>/institutions.csv)",
}
_SET_PARTS = {"set_indicators": "indicators", "set_rules": "rules", "institutions": "institutions"}


def load_set_tables(raw_dir: Path) -> dict[str, pl.DataFrame]:
    """The ``SET_TABLES``: the registry and, for every set with its own catalogue, its tables with a leading
    ``set_id`` column, each file validated against its contract (``contracts.sets``) and the cross-table rules.
    Raises ``TableError`` with every problem of every set at once."""
    # Imported here: pipelines.catalogue.sets builds on this module.
    from pipelines.catalogue.sets import load_set_catalogue, load_sets

    sets = load_sets(raw_dir)
    parts: dict[str, list[pl.DataFrame]] = {name: [] for name in _SET_PARTS}
    problems: list[Problem] = []
    for meta in sets.iter_rows(named=True):
        if meta["catalogue_format"] != "set":
            continue
        try:
            frames = load_set_catalogue(raw_dir, meta["set_id"])
        except TableError as exc:
            problems += exc.problems
            continue
        for table, part in _SET_PARTS.items():
            if part in frames:
                parts[table].append(frames[part].select(pl.lit(meta["set_id"]).alias("set_id"), pl.all()))
    if problems:
        raise TableError(problems)
    models = {"set_indicators": SetIndicators, "set_rules": SetRules, "institutions": Institutions}
    out = {"indicator_sets": sets}
    for table, frames in parts.items():
        empty = pl.DataFrame(schema={"set_id": pl.String, **model_dtypes(models[table])})
        out[table] = pl.concat(frames, how="vertical") if frames else empty
    return out
