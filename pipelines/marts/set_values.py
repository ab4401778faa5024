"""The values of the indicator sets (issue 10, DESIGN §9): true roll-ups kept in the warehouse, suppressed ones published.

Input: ``stg_set_values`` (``contracts.returns.StgSetValues``: the true values of the official submission of every
set return; a campaign keeps every accepted dated return), the set catalogue tables (``indicator_sets``,
``set_indicators``, ``set_rules``, ``institutions``) and ``set_submissions`` (who sent a return: demo data is sent
by ``demo-synthetic``, as the programme's is) and ``regions`` (which regions are cities, wholly urban).

Output, three tables:

- ``set_values_true`` — never published: every value as computed, with ``hidden`` and ``suppression_reason`` (what
  the published table hides and why), for the ministry's reviewers.
- ``set_values`` (``contracts.sets.SetValues``) — published: the same rows with every hidden value, numerator and
  denominator null. Official: accepted returns only.
- ``set_values_with_pending`` (the same contract) — published, never official: the same computation, suppression
  included, as if every return awaiting review were accepted (``stg_set_values__pending``: a return's submission
  awaiting review takes the place of its official one). What ``bilim values --set --include-pending`` and a set's
  page with "include returns awaiting review" show, each row marked by ``contracts.pending.mark_set_review_state``
  (DESIGN §9: pending returns are shown only where asked for, and marked).

**Roll-ups.** The reporting unit's own rows (an institution, or a region) are its returns. An institution set's
region is the sum of its institutions (the registry's region), the nation the sum of the regions; a region set's
nation is the sum of the regions. Per indicator ``rollup``: ``sum`` adds values; ``ratio_of_sums`` adds numerators
and denominators and divides (100 · Σnum / Σden: never an average of shares; units without both parts are left
out); ``count_yes`` counts the units answering yes (1), with ``units_reporting`` the units that answered at all.
Per settlement where the indicator is split. A campaign's values are cumulative to their date, so the roll-up at a
date D takes each unit's latest return dated on or before D (its interim figure until its next return); there is
one roll-up row per return date of the year. A unit's own rows stand at its own return dates only.

**Suppression** (``contracts.suppression``): one ``suppress`` call per set and year over every linked cell of it —
all levels, all settlements, all return dates — so no table cut from these figures can undo another. Cells are the
values of the indicators with ``suppress = yes`` (and of any indicator an equation ties to one). What a reader knows
is stated as equations and bounds between cells:

- urban + rural = total (indicators split by settlement);
- the units behind a roll-up sum to it (each roll-up row's own contributors, across return dates);
- the ``part_of`` rows of a breakdown sum to their parent, and ``rules.csv``'s ``eq`` rules hold
  (end + removed = start + during), both as ``Additivity``;
- bounds (``Subset``): a ``not_additive`` category never exceeds its distinct total, a ``le`` rule between two
  indicators, and a cumulative (``to_date``) value never exceeds the same unit's later one.

Rates: a share whose indicator is suppressed has its numerator and denominator as cells, and ``suppress_rates``
hides the share when either is hidden. Indicators with ``suppress = no`` that no equation ties to a suppressed one
are published untouched. The threshold is ``[suppression] threshold`` of ``monitoring.toml``.

``synthetic`` is true when any unit behind a value is a synthetic institution of the registry or its return was
sent by ``demo-synthetic`` (the demo loader).
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import polars as pl

from contracts.sets import SetValues
from contracts.suppression import (
    REASON,
    SUPPRESSED,
    Additivity,
    Subset,
    catalogue_constraints,
    catalogue_subsets,
    suppress,
    suppress_rates,
)
from pipelines.returns.spec import SET_PARSED_SCHEMA
from pipelines.tables import model_dtypes

TRUE_TABLE = "set_values_true"
PUBLISHED_TABLE = "set_values"
WITH_PENDING_TABLE = "set_values_with_pending"
SET_MARTS = [TRUE_TABLE, PUBLISHED_TABLE, WITH_PENDING_TABLE]
PENDING_INPUT = "stg_set_values__pending"
INPUTS = [
    "stg_set_values", PENDING_INPUT, "set_submissions", "indicator_sets", "set_indicators", "set_rules", "institutions",
    "regions",
]
# A set's return: a campaign's dated interim returns and its final return are returns of their own (DESIGN §9).
RETURN_KEY = ["set_id", "unit_code", "year", "return_kind", "as_of"]
PENDING_LEVEL = "~pending"  # marks the level in the cell ids of the view with returns awaiting review
SYNTHETIC_WHO = "demo-synthetic"  # pipelines.demo.SYNTHETIC_WHO (not imported: demo imports the ingest stack)
NATION = "KZ"

# What the marts read of stg_set_values: the submission and the parsed values (the ledger's cells and comments stay
# in staging).
STG_COLUMNS = {
    "submission_id": pl.String,
    **{n: t for n, t in SET_PARSED_SCHEMA.items() if n not in ("sha256", "comment", "sheet", "cell")},
}
PUBLISHED_SCHEMA = model_dtypes(SetValues)
TRUE_SCHEMA = {**PUBLISHED_SCHEMA, REASON: pl.String}
_KEY = ["set_id", "level", "unit_code", "year", "as_of", "indicator_code", "settlement"]
_CELL = "__cell"
_GIVEN = "__given"  # a cell's fate fixed already (contracts.suppression.suppress's given_col): null when free


# --- reading the inputs ------------------------------------------------------------------------------------------


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select table_name from information_schema.tables where table_schema = 'main'").fetchall()}


def _read(con: duckdb.DuckDBPyConnection, name: str, present: set[str]) -> pl.DataFrame | None:
    if name not in present:
        return None
    return pl.from_arrow(con.sql(f'select * from main."{name}"').to_arrow_table())


def read_inputs(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame | None]:
    """The mart's input tables (None for one that does not exist yet: no set return has been staged)."""
    present = _tables(con)
    return {name: _read(con, name, present) for name in INPUTS}


# --- true values -------------------------------------------------------------------------------------------------


def _cell_id(level: str, unit: str, as_of, indicator: str, settlement: str, component: str = "value") -> str:
    return f"{level}|{unit}|{'' if as_of is None else as_of.isoformat()}|{indicator}|{settlement}|{component}"


def _aggregate(frame: pl.DataFrame, by: list[str], rollup: str) -> pl.DataFrame:
    c = pl.col
    if rollup == "ratio_of_sums":
        usable = frame.filter(c("numerator").is_not_null() & c("denominator").is_not_null() & (c("denominator") > 0))
        out = usable.group_by(by).agg(
            c("numerator").sum(),
            c("denominator").sum(),
            pl.len().cast(pl.Int64).alias("units_reporting"),
            c("synthetic").any(),
            c("return_kind").unique().alias("_kinds"),
            c(_CELL).alias("_children"),
        )
        return out.with_columns((100 * c("numerator") / c("denominator")).alias("value"))
    usable = frame.filter(c("value").is_not_null())
    value = (c("value") == 1).sum().cast(pl.Float64) if rollup == "count_yes" else c("value").sum()
    return usable.group_by(by).agg(
        value.alias("value"),
        pl.lit(None, dtype=pl.Float64).alias("numerator"),
        pl.lit(None, dtype=pl.Float64).alias("denominator"),
        pl.len().cast(pl.Int64).alias("units_reporting"),
        c("synthetic").any(),
        c("return_kind").unique().alias("_kinds"),
        c(_CELL).alias("_children"),
    )


def _effective(base: pl.DataFrame) -> pl.DataFrame:
    """Every base row as it stands at each return date D of its set and year: each unit's latest return dated on or
    before D (all rows where the set has no dates), with the date as ``at``."""
    c = pl.col
    dates = base.select("set_id", "year", c("as_of").alias("at")).unique()
    joined = base.join(dates, on=["set_id", "year"], how="inner", nulls_equal=True).filter(
        (c("as_of").is_null() & c("at").is_null()) | (c("as_of") <= c("at"))
    )
    latest = c("as_of").max().over(["set_id", "year", "at", "unit_code"])
    return joined.filter(c("as_of").is_null() | (c("as_of") == latest))


def true_values(
    stg: pl.DataFrame,
    sets: pl.DataFrame,
    indicators: pl.DataFrame,
    institutions: pl.DataFrame | None,
    synthetic_submissions: set[str] = frozenset(),
    cities: set[str] = frozenset(),
) -> tuple[pl.DataFrame, dict[str, list[str]]]:
    """The set values before suppression (the columns of ``SetValues`` but ``hidden``, plus a cell id) and, for every
    roll-up cell, the cells it sums (its contributors): the equations of the roll-ups.

    A city of republican significance (``cities``) is wholly urban and returns a split indicator's total only (the
    template has no urban/rural rows for it): its total counts as its urban figure in the roll-ups, as the
    programme's derived urban series does, so the nation's urban + rural = total. The city's own rows stay as
    returned (no urban row is published for it); the nation's urban cell sums the city's total cell."""
    c = pl.col
    stg = stg.select([c(n).cast(t) for n, t in STG_COLUMNS.items()])
    unit_kind = dict(sets.select("set_id", "reporting_unit").iter_rows())
    inst = (
        institutions.select("set_id", c("institution_code").alias("unit_code"), c("region_code").alias("_reg"), "synthetic")
        if institutions is not None and institutions.height
        else pl.DataFrame(schema={"set_id": pl.String, "unit_code": pl.String, "_reg": pl.String, "synthetic": pl.String})
    )
    base = (
        stg.join(inst, on=["set_id", "unit_code"], how="left")
        .with_columns(
            pl.col("set_id").replace_strict(unit_kind, default="region").alias("level"),
            c("_reg").fill_null(c("region_code")).alias("region_code"),
            ((c("synthetic") == "true").fill_null(False) | c("submission_id").is_in(list(synthetic_submissions))).alias(
                "synthetic"
            ),
        )
        .drop("_reg", "submission_id")
        .join(indicators.select("set_id", c("code").alias("indicator_code"), "rollup"), on=["set_id", "indicator_code"])
    )
    base = base.with_columns(
        pl.when(c("level") == "region").then(c("unit_code")).otherwise(c("region_code")).alias("region_code"),
        pl.struct("level", "unit_code", "as_of", "indicator_code", "settlement")
        .map_elements(
            lambda r: _cell_id(r["level"], r["unit_code"], r["as_of"], r["indicator_code"], r["settlement"]),
            return_dtype=pl.String,
        )
        .alias(_CELL),
        (c("value").is_not_null() | (c("numerator").is_not_null() & c("denominator").is_not_null()))
        .cast(pl.Int64)
        .alias("units_reporting"),
        # a share typed as its parts only is their ratio
        pl.when(c("value").is_null() & (c("rollup") == "ratio_of_sums") & (c("denominator") > 0))
        .then(100 * c("numerator") / c("denominator"))
        .otherwise(c("value"))
        .alias("value"),
    )
    own = base.select(
        "set_id",
        "level",
        "unit_code",
        "region_code",
        "year",
        "return_kind",
        "as_of",
        "indicator_code",
        "settlement",
        "value",
        "numerator",
        "denominator",
        "units_reporting",
        "synthetic",
        _CELL,
    )
    eff = _effective(base)
    if cities:
        split = indicators.filter(c("settlement_split") == "yes").select("set_id", c("code").alias("indicator_code"))
        city_total = eff.join(split, on=["set_id", "indicator_code"]).filter(
            (c("level") == "region") & c("unit_code").is_in(list(cities)) & (c("settlement") == "total")
        )
        has_urban = eff.filter(c("settlement") == "urban").select("set_id", "year", "at", "unit_code", "indicator_code")
        derived = city_total.join(
            has_urban, on=["set_id", "year", "at", "unit_code", "indicator_code"], how="anti", nulls_equal=True
        ).with_columns(pl.lit("urban").alias("settlement"))  # same cell (_CELL): the total it is
        eff = pl.concat([eff, derived.select(eff.columns)])
    parts = [own]
    children: dict[str, list[str]] = {}

    def rolled(frame: pl.DataFrame, level: str, unit_expr: pl.Expr, region_expr: pl.Expr, by: list[str]) -> pl.DataFrame:
        out = []
        for rollup, rows in frame.group_by("rollup"):
            out.append(_aggregate(rows, by, rollup[0]))
        if not out:
            return pl.DataFrame()
        agg = pl.concat(out, how="diagonal_relaxed").with_columns(
            pl.lit(level).alias("level"), unit_expr.alias("unit_code"), region_expr.alias("region_code")
        )
        agg = agg.with_columns(
            c("at").alias("as_of"),
            pl.when(c("_kinds").list.drop_nulls().list.len() == 0)
            .then(None)
            .when(c("_kinds").list.eval(pl.element() == "final").list.all())
            .then(pl.lit("final"))
            .otherwise(pl.lit("interim"))
            .alias("return_kind"),
        )
        agg = agg.with_columns(
            pl.struct("level", "unit_code", "as_of", "indicator_code", "settlement")
            .map_elements(
                lambda r: _cell_id(r["level"], r["unit_code"], r["as_of"], r["indicator_code"], r["settlement"]),
                return_dtype=pl.String,
            )
            .alias(_CELL)
        )
        for cell, kids in agg.select(_CELL, "_children").iter_rows():
            children[cell] = sorted(kids)
        return agg

    inst_eff = eff.filter(c("level") == "institution")
    if inst_eff.height:
        by = ["set_id", "year", "at", "region_code", "indicator_code", "settlement"]
        regions = rolled(inst_eff, "region", c("region_code"), c("region_code"), by)
        parts.append(regions.select(own.columns))
        # The nation of an institution set sums its regions (the same numbers as its institutions).
        reg_eff = regions.join(
            inst_eff.select("set_id", "indicator_code", "rollup").unique(), on=["set_id", "indicator_code"]
        ).with_columns(c("as_of").alias("at"))
        # count_yes: the nation counts the institutions answering yes, i.e. sums the regions' counts.
        nat_source = reg_eff.with_columns(
            pl.when(c("rollup") == "count_yes").then(pl.lit("sum")).otherwise(c("rollup")).alias("rollup")
        )
        nat = rolled(nat_source, "national", pl.lit(NATION), pl.lit(None, dtype=pl.String), [b for b in by if b != "region_code"])
        nat = _units_from_institutions(nat, inst_eff)
        parts.append(nat.select(own.columns))
    reg_eff = eff.filter(c("level") == "region")
    if reg_eff.height:
        by = ["set_id", "year", "at", "indicator_code", "settlement"]
        nat = rolled(reg_eff, "national", pl.lit(NATION), pl.lit(None, dtype=pl.String), by)
        parts.append(nat.select(own.columns))
    frames = [p.cast({k: v for k, v in TRUE_SCHEMA.items() if k in p.columns}) for p in parts if p.height]
    if not frames:
        return pl.DataFrame(schema={**PUBLISHED_SCHEMA, _CELL: pl.String}).drop("hidden"), children
    return pl.concat(frames, how="vertical"), children


def _units_from_institutions(nat: pl.DataFrame, inst_eff: pl.DataFrame) -> pl.DataFrame:
    """The nation's ``units_reporting`` counts institutions, not regions."""
    c = pl.col
    counts = (
        inst_eff.filter(
            pl.when(c("rollup") == "ratio_of_sums")
            .then(c("numerator").is_not_null() & c("denominator").is_not_null())
            .otherwise(c("value").is_not_null())
        )
        .group_by("set_id", "year", "at", "indicator_code", "settlement")
        .agg(pl.len().cast(pl.Int64).alias("_n"))
        .rename({"at": "as_of"})
    )
    return (
        nat.join(counts, on=["set_id", "year", "as_of", "indicator_code", "settlement"], how="left", nulls_equal=True)
        .with_columns(c("_n").fill_null(c("units_reporting")).alias("units_reporting"))
        .drop("_n")
    )


# --- suppression -------------------------------------------------------------------------------------------------


def _rule_sides(rules: pl.DataFrame | None, set_id: str) -> tuple[list[Additivity], list[Subset]]:
    if rules is None or not rules.height:
        return [], []
    eqs, bounds = [], []
    for lhs, op, rhs in rules.filter(pl.col("set_id") == set_id).select("lhs", "op", "rhs").iter_rows():
        left, right = tuple(lhs.split(" + ")), tuple(rhs.split(" + "))
        if op == "eq":
            eqs.append(Additivity("indicator_code", right if len(right) > 1 else right[0], left))
        elif len(left) == 1 and len(right) == 1:
            bounds.append(Subset("indicator_code", left[0], right[0]))
    return eqs, bounds


def set_constraints(indicators: pl.DataFrame, rules: pl.DataFrame | None, set_id: str) -> tuple[list[Additivity], list[Subset]]:
    """The equations (breakdowns, ``eq`` rules) and bounds (categories, ``le`` rules) between one set's indicators."""
    ind = indicators.filter(pl.col("set_id") == set_id)
    rule_eqs, rule_bounds = _rule_sides(rules, set_id)
    return catalogue_constraints(ind) + rule_eqs, catalogue_subsets(ind) + rule_bounds


def _cells(frame: pl.DataFrame, extra: tuple[str, ...] = ()) -> pl.DataFrame:
    """One row per suppression cell: the values, and a suppressed share's numerator and denominator (``extra``
    columns carried along)."""
    c = pl.col
    share = frame.filter(c("rollup") == "ratio_of_sums")
    other = frame.filter(c("rollup") != "ratio_of_sums")
    parts = [
        other.select(
            _CELL, "_row", "indicator_code", c("value").alias("n"), "_sensitive", *extra, pl.lit("value").alias("comp")
        )
    ]
    for comp in ("numerator", "denominator"):
        parts.append(
            share.select(
                (c(_CELL).str.replace(r"\|value$", "|" + comp)).alias(_CELL),
                "_row",
                "indicator_code",
                c(comp).alias("n"),
                "_sensitive",
                *extra,
                pl.lit(comp).alias("comp"),
            )
        )
    return pl.concat(parts)


def suppress_set_year(
    frame: pl.DataFrame,
    children: dict[str, list[str]],
    indicators: pl.DataFrame,
    rules: pl.DataFrame | None,
    threshold: int,
    *,
    given_col: str | None = None,
    twins: list[tuple[str, str]] = (),
) -> pl.DataFrame:
    """``frame`` (one set and year of ``true_values``) with ``hidden`` and ``suppression_reason``: one ``suppress``
    call over all its linked cells.

    ``given_col`` and ``twins``: how the view with returns awaiting review is suppressed together with the official
    values already decided (``with_pending_values``): ``given_col`` (nullable bool) fixes the cells of the official
    values as published (hidden or shown), and each pair of ``twins`` (official value cell, pending-view value
    cell) holds the same figure, so a reader knows them equal."""
    c = pl.col
    set_id = frame["set_id"][0]
    ind = indicators.filter(c("set_id") == set_id)
    meta = {r["code"]: r for r in ind.iter_rows(named=True)}
    groups, bounds = set_constraints(indicators, rules, set_id)
    sensitive = {code for code, r in meta.items() if r["suppress"] == "yes"}
    linked = set(sensitive)
    for g in groups:
        members = {*g.totals, *g.parts}
        if members & sensitive:
            linked |= members
    frame = frame.with_row_index("_row").with_columns(
        c("indicator_code").replace_strict({k: v["rollup"] for k, v in meta.items()}, default="sum").alias("rollup"),
        c("indicator_code").is_in(list(sensitive)).alias("_sensitive"),
    )
    frame = frame.with_columns((c(given_col) if given_col else pl.lit(None, pl.Boolean)).alias(_GIVEN))
    cells = _cells(frame.filter(c("indicator_code").is_in(list(linked))), (_GIVEN,)).filter(c("n").is_not_null())
    hidden: dict[str, dict[int, str]] = {"value": {}, "numerator": {}, "denominator": {}}
    if cells.height:
        present = set(cells[_CELL].to_list())
        prefix = defaultdict(dict)  # (level, unit, as_of, settlement, comp) -> {indicator: cell}
        by_series = defaultdict(list)  # (level, unit, indicator, settlement, comp) -> [(as_of, cell)]
        for cell in present:
            level, unit, as_of, code, settlement, comp = cell.split("|")
            prefix[(level, unit, as_of, settlement, comp)][code] = cell
            by_series[(level, unit, code, settlement, comp)].append((as_of, cell))
        adds: list[Additivity] = []
        subs: list[Subset] = []
        # urban + rural = total
        for (level, unit, code, settlement, comp), dated in by_series.items():
            if settlement != "total":
                continue
            for as_of, cell in dated:
                kids = [p for s in ("urban", "rural") if (p := prefix[(level, unit, as_of, s, comp)].get(code)) is not None]
                if kids:
                    adds.append(Additivity(_CELL, cell, tuple(kids)))
        # roll-ups: each roll-up cell is the sum of its contributors (sums; a suppressed share's parts)
        for cell in present:
            comp = cell.rsplit("|", 1)[1]
            value_cell = cell.rsplit("|", 1)[0] + "|value"
            kids = children.get(value_cell)
            code = cell.split("|")[3]
            if kids is None or (comp == "value" and meta.get(code, {}).get("rollup") != "sum"):
                continue
            parts = tuple(k.rsplit("|", 1)[0] + "|" + comp for k in kids)
            parts = tuple(p for p in parts if p in present)
            if parts:
                adds.append(Additivity(_CELL, cell, parts))
        # breakdowns and eq rules; category and le-rule bounds
        for members in prefix.values():
            for g in groups:
                totals = tuple(members[t] for t in g.totals if t in members)
                parts = tuple(members[p] for p in g.parts if p in members)
                if len(totals) == len(g.totals) and parts:
                    adds.append(Additivity(_CELL, totals if len(totals) > 1 else totals[0], parts))
            for b in bounds:
                if b.part in members and b.whole in members:
                    subs.append(Subset(_CELL, members[b.part], members[b.whole]))
        # a cumulative value never exceeds the same unit's later one; and what it grew by between any two of its
        # dates is a count about people too: when that is 1..threshold-1, it is a cell of its own, never published
        # (hidden, fixed), that the two values must not give away (later = earlier + growth)
        counts = dict(zip(cells[_CELL].to_list(), cells["n"].to_list(), strict=True))
        growth = []
        for (_level, _unit, code, _s, _comp), dated in by_series.items():
            if meta.get(code, {}).get("reference_point") != "to_date" or len(dated) < 2:
                continue
            ordered = sorted(dated)
            # (a later value below an earlier one is a data error: the bound would be false, so it is not stated)
            subs += [
                Subset(_CELL, a[1], b[1]) for a, b in zip(ordered, ordered[1:], strict=False) if counts[a[1]] <= counts[b[1]]
            ]
            # every pair of dates, not only neighbours: a hidden value between two shown ones does not hide their
            # difference
            for i, (_, a) in enumerate(ordered):
                for _, b in ordered[i + 1 :]:
                    grew = counts[b] - counts[a]
                    if code in sensitive and 1 <= grew < threshold:
                        cell = f"{b}~growth~{a}"
                        growth.append((cell, frame.height + len(growth), code, float(grew)))
                        adds.append(Additivity(_CELL, b, (a, cell)))
        if growth:
            cells = pl.concat(
                [
                    cells,
                    pl.DataFrame(
                        {
                            _CELL: [g[0] for g in growth],
                            "_row": [g[1] for g in growth],
                            "indicator_code": [g[2] for g in growth],
                            "n": [g[3] for g in growth],
                            "_sensitive": [True] * len(growth),
                            _GIVEN: [True] * len(growth),
                            "comp": ["growth"] * len(growth),
                        },
                        schema=cells.schema,
                    ),
                ]
            )
        # the same figure in both views: official = pending-view (each component of a share)
        for official, pending in twins:
            for comp in ("value", "numerator", "denominator"):
                a, b = (x.rsplit("|", 1)[0] + "|" + comp for x in (official, pending))
                if a in present and b in present:
                    adds.append(Additivity(_CELL, a, (b,)))
        out = suppress(
            cells.sort(_CELL),
            value_col="n",
            keys=[_CELL],
            groups=adds,
            subsets=subs,
            threshold=threshold,
            sensitive_col="_sensitive",
            given_col=_GIVEN,
        )
        for row, comp, flag, reason in out.select("_row", "comp", SUPPRESSED, REASON).iter_rows():
            if flag and comp in hidden:
                hidden[comp][row] = reason
    value_hidden = hidden["value"]
    out = frame.with_columns(
        pl.Series(SUPPRESSED, [i in value_hidden for i in range(frame.height)], dtype=pl.Boolean),
        pl.Series(REASON, [value_hidden.get(i) for i in range(frame.height)], dtype=pl.String),
        pl.Series("_num", [i in hidden["numerator"] for i in range(frame.height)], dtype=pl.Boolean),
        pl.Series("_den", [i in hidden["denominator"] for i in range(frame.height)], dtype=pl.Boolean),
    )
    # a share whose numerator or denominator is hidden is hidden too (rate x denominator would give the numerator)
    out = suppress_rates(out.with_columns(c("value").alias("_rate")), rate_cols=["_rate"], because_of=["_num", "_den"])
    drop = ["_row", "rollup", "_sensitive", "_num", "_den", "_rate", SUPPRESSED, _GIVEN]
    return out.with_columns(c(SUPPRESSED).alias("hidden")).drop(drop)  # true values kept: published() removes them


def suppressed_values(
    values: pl.DataFrame, children: dict[str, list[str]], indicators: pl.DataFrame, rules: pl.DataFrame | None, threshold: int
) -> pl.DataFrame:
    """``set_values_true``: every value with ``hidden`` and ``suppression_reason``, suppressed per set and year."""
    if not values.height:
        return pl.DataFrame(schema=TRUE_SCHEMA)
    out = [
        suppress_set_year(part, children, indicators, rules, threshold)
        for _, part in values.sort("set_id", "year").group_by(["set_id", "year"], maintain_order=True)
    ]
    return pl.concat(out).select(list(TRUE_SCHEMA)).sort(_KEY, nulls_last=True)


def published(true: pl.DataFrame) -> pl.DataFrame:
    """``set_values``: the true table with every hidden value, numerator and denominator removed."""
    hide = pl.col("hidden")
    return true.with_columns(
        [pl.when(hide).then(None).otherwise(pl.col(n)).alias(n) for n in ("value", "numerator", "denominator")]
    ).select(list(PUBLISHED_SCHEMA))


# --- the mart ----------------------------------------------------------------------------------------------------


def _values(inputs: dict[str, pl.DataFrame | None], stg: pl.DataFrame | None) -> tuple[pl.DataFrame, dict] | None:
    """``true_values`` of ``stg`` with the catalogue, registry and regions of ``inputs``; None when there is nothing."""
    indicators, sets = inputs.get("set_indicators"), inputs.get("indicator_sets")
    if stg is None or not stg.height or indicators is None or sets is None:
        return None
    subs = inputs.get("set_submissions")
    synthetic = set()
    if subs is not None and {"submission_id", "who"} <= set(subs.columns):
        synthetic = set(subs.filter(pl.col("who") == SYNTHETIC_WHO)["submission_id"].to_list())
    regions = inputs.get("regions")
    cities = set()
    if regions is not None and {"region_code", "region_type"} <= set(regions.columns):
        cities = set(regions.filter(pl.col("region_type") == "city")["region_code"].to_list())
    return true_values(stg, sets, indicators, inputs.get("institutions"), synthetic, cities)


def compute(inputs: dict[str, pl.DataFrame | None], threshold: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(``set_values_true``, ``set_values``) from the input tables (``read_inputs``)."""
    true, pub, _ = compute_all(inputs, threshold, with_pending=False)
    return true, pub


def compute_all(
    inputs: dict[str, pl.DataFrame | None], threshold: int, *, with_pending: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """(``set_values_true``, ``set_values``, ``set_values_with_pending``) from the input tables (``read_inputs``)."""
    got = _values(inputs, inputs.get("stg_set_values"))
    if got is None:
        true = pl.DataFrame(schema=TRUE_SCHEMA)
    else:
        true = suppressed_values(*got, inputs.get("set_indicators"), inputs.get("set_rules"), threshold)
    if not with_pending:
        return true, published(true), None
    return true, published(true), published(with_pending_values(inputs, threshold, got, true))


def _rename(cell: str) -> str:
    """A cell of the view with pending returns: its own id (the level marked), so both views are one system."""
    level, rest = cell.split("|", 1)
    return f"{level}{PENDING_LEVEL}|{rest}"


def with_pending_values(
    inputs: dict[str, pl.DataFrame | None],
    threshold: int,
    official: tuple[pl.DataFrame, dict[str, list[str]]] | None,
    official_true: pl.DataFrame,
) -> pl.DataFrame:
    """The true values of the view with returns awaiting review, with ``hidden`` and ``suppression_reason``.

    Both views are published, and a reader allowed the second may hold the first, so each set and year that has a
    return awaiting review is suppressed as one system with the official values (DESIGN §9; "suppress together what
    is published together", ``contracts.suppression``): the official cells keep what the official table already
    publishes (hidden or shown: ``given``), the pending view's cells get ids of their own, every cell a reader knows
    to be the same figure in both views (``_twins``) is tied to its official cell (equal) and shares its fate, and
    only the other pending-view cells are hidden as needed. So
    neither the difference of two totals nor a complement that moved between the views gives a hidden count back.
    A set and year with nothing awaiting review is the official values, hidden cells and all."""
    c = pl.col
    pending = inputs.get(PENDING_INPUT)
    got = _values(inputs, with_pending_rows(inputs.get("stg_set_values"), pending))
    if got is None:
        return pl.DataFrame(schema=TRUE_SCHEMA)
    values, children = got
    touched = set() if pending is None else set(pending.select("set_id", "year").unique().iter_rows())
    indicators, rules = inputs.get("set_indicators"), inputs.get("set_rules")
    official_values, official_children = official if official is not None else (values.clear(), {})
    flags = official_true.select(*_KEY, c("hidden").alias("_given"))
    kids = official_children | {_rename(k): [_rename(x) for x in v] for k, v in children.items()}
    out = []
    for (set_id, year), part in values.sort("set_id", "year").group_by(["set_id", "year"], maintain_order=True):
        mine = (c("set_id") == set_id) & (c("year") == year)
        if (set_id, year) not in touched:
            out.append(official_true.filter(mine))
            continue
        off = official_values.filter(mine).join(flags, on=_KEY, how="left", nulls_equal=True)
        # A twin is the same figure in both views, and a reader knows it: a unit's own row whose return does not
        # await review, or a roll-up of the same twins. It shares its official cell's fate (hidden there, it must
        # be hidden here; shown there, hiding it here would protect nothing). Every other cell is free.
        waiting = set(pending.filter(mine).select("unit_code", "as_of").unique().iter_rows())
        twins = _twins(part, off, children, official_children, waiting)
        renamed = part.join(off.filter(c(_CELL).is_in(twins)).select(_CELL, "_given"), on=_CELL, how="left").with_columns(
            c(_CELL).map_elements(_rename, return_dtype=pl.String)
        )
        both = pl.concat(
            [off.with_columns(pl.lit(False).alias("_pending")), renamed.with_columns(pl.lit(True).alias("_pending"))]
        )
        joint = suppress_set_year(
            both, kids, indicators, rules, threshold, given_col="_given", twins=[(t, _rename(t)) for t in twins]
        )
        out.append(joint.filter(c("_pending")).select(list(TRUE_SCHEMA)))
    return pl.concat(out).select(list(TRUE_SCHEMA)).sort(_KEY, nulls_last=True)


def _twins(
    part: pl.DataFrame,
    official: pl.DataFrame,
    children: dict[str, list[str]],
    official_children: dict[str, list[str]],
    waiting: set[tuple],
) -> list[str]:
    """The cells of the view with pending returns (``part``: one set and year) that are the official cell of the
    same id to any reader: a unit's own row whose return (unit, date) is not ``waiting``, or a roll-up summing the
    same cells as its official one, each a twin. Equal figures that merely happen to be equal are not twins."""
    in_official = set(official[_CELL].to_list())
    units = dict(zip(part[_CELL].to_list(), part.select("unit_code", "as_of").iter_rows(), strict=True))
    memo: dict[str, bool] = {}

    def twin(cell: str) -> bool:
        if cell not in memo:
            if cell not in in_official:
                memo[cell] = False
            elif cell in children:
                kids = children[cell]
                memo[cell] = official_children.get(cell) == kids and all(twin(k) for k in kids)
            else:
                memo[cell] = units.get(cell) not in waiting
        return memo[cell]

    return [cell for cell in units if twin(cell)]


def with_pending_rows(official: pl.DataFrame | None, pending: pl.DataFrame | None) -> pl.DataFrame | None:
    """``stg_set_values`` as if every return awaiting review were accepted: a return with a submission awaiting
    review takes that submission's rows instead of its official ones; every other return keeps its official rows.
    (Today a return never has both: an accepted return is locked, and reopening it withdraws it from the official
    values. The replacement keeps the view right should that change.) A return is matched as the review matches
    it: set, unit, year, kind, and a campaign's interim date (a final return is one per year, whatever its date)."""
    if pending is None or not pending.height:
        return official
    if official is None or not official.height:
        return pending

    def keyed(frame: pl.DataFrame) -> pl.DataFrame:
        final = pl.col("return_kind") == "final"
        return frame.with_columns(pl.when(final).then(None).otherwise(pl.col("as_of")).alias("_as_of"))

    key = [k if k != "as_of" else "_as_of" for k in RETURN_KEY]
    kept = keyed(official).join(keyed(pending).select(key).unique(), on=key, how="anti", nulls_equal=True).drop("_as_of")
    return pl.concat([kept, pending.select(official.columns).cast(official.schema)])


def build_set_values(con: duckdb.DuckDBPyConnection, threshold: int) -> dict[str, int]:
    """Create or replace ``set_values_true``, ``set_values`` and ``set_values_with_pending`` in ``con``; returns
    their row counts. The view with pending returns is the same computation (roll-ups, then suppression together
    with the official values: ``with_pending_values``) over other rows."""
    true, pub, with_pending = compute_all(read_inputs(con), threshold)
    counts = {}
    for name, frame in ((TRUE_TABLE, true), (PUBLISHED_TABLE, pub), (WITH_PENDING_TABLE, with_pending)):
        con.register("_set_values_frame", frame.to_arrow())
        con.execute(f'create or replace table "{name}" as select * from _set_values_frame')
        con.unregister("_set_values_frame")
        counts[name] = frame.height
    return counts
