"""Assets of the hand-curated layer: the programme catalogue, the indicator sets and the regions, each loaded whole
or not at all."""


import dagster as dg

from contracts.home import shared_dir
from contracts.marts import MART_CONTRACTS
from pipelines.catalogue.load import (
    CATALOGUE_SOURCES,
    REGION_SOURCES,
    SET_TABLES,
    load_catalogue,
    load_regions,
    load_set_tables,
)
from pipelines.catalogue.seed import find_seed
from pipelines.catalogue.verify import verify_against_seed
from pipelines.resources import CatalogueResource, WarehouseResource
from pipelines.tables import validate_frame

GROUP = "catalogue"

CATALOGUE_SPECS = [
    dg.AssetSpec(name, group_name=GROUP, description=src.model.__doc__, metadata={"source_file": f"data/raw/{src.relpath}"})
    for name, src in CATALOGUE_SOURCES.items()
]
REGION_SPECS = [
    dg.AssetSpec(name, group_name=GROUP, description=src.model.__doc__, metadata={"source_file": f"data/raw/{src.relpath}"})
    for name, src in REGION_SOURCES.items()
]


@dg.multi_asset(specs=CATALOGUE_SPECS, can_subset=False)
def programme_catalogue(context: dg.AssetExecutionContext, catalogue: CatalogueResource, warehouse: WarehouseResource):
    """Validate every catalogue table against its contract and the cross-table rules, then replace them all in one
    transaction. A broken row fails the run before anything is written."""
    frames = load_catalogue(catalogue.path())
    counts = warehouse.warehouse().replace_tables(frames)
    for name, n in counts.items():
        yield dg.MaterializeResult(asset_key=name, metadata={"row_count": n})

SET_SPECS = [
    dg.AssetSpec(name, group_name=GROUP, description=f"{name}: {what}", metadata={"contract": MART_CONTRACTS[name].__name__})
    for name, what in SET_TABLES.items()
]


@dg.multi_asset(specs=SET_SPECS, can_subset=False)
def indicator_set_tables(context: dg.AssetExecutionContext, catalogue: CatalogueResource, warehouse: WarehouseResource):
    """The indicator-set registry and every set's indicators, rules and institutions: each file validated against
    its contract (contracts.sets) and the cross-table rules, the assembled tables against their published contracts
    (contracts.marts.MART_CONTRACTS), then all replaced in one transaction. A broken row fails the run before
    anything is written."""
    frames = load_set_tables(catalogue.path())
    for name, df in frames.items():
        problems = validate_frame(df, MART_CONTRACTS[name], name)
        if problems:
            raise dg.Failure(f"{name} fails its contract: {problems[0]}", metadata={"problems": len(problems)})
    counts = warehouse.warehouse().replace_tables(frames)
    for name, n in counts.items():
        yield dg.MaterializeResult(asset_key=name, metadata={"row_count": n})


@dg.multi_asset(specs=REGION_SPECS, can_subset=False)
def region_tables(context: dg.AssetExecutionContext, catalogue: CatalogueResource, warehouse: WarehouseResource):
    """Regions (KZ-NN, names, validity, tile-grid position) and their 2018 and 2022 boundary changes."""
    frames = load_regions(catalogue.path())
    counts = warehouse.warehouse().replace_tables(frames)
    for name, n in counts.items():
        yield dg.MaterializeResult(asset_key=name, metadata={"row_count": n})


@dg.asset_check(asset="programme_indicators", description="Each series' name and figures re-read from the seed lines it cites")
def indicators_match_seed(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    seed_dir = shared_dir() / "seeds"
    if not seed_dir.exists():
        return dg.AssetCheckResult(
            passed=True, severity=dg.AssetCheckSeverity.WARN, metadata={"skipped": f"no seeds at {seed_dir}"}
        )
    raw = catalogue.path()
    problems = verify_against_seed(raw / "programme/indicators.csv", raw / "programme/targets.csv", find_seed(seed_dir))
    return dg.AssetCheckResult(
        passed=not problems, metadata={"problems": len(problems), "first": str(problems[0]) if problems else ""}
    )


@dg.asset_check(
    asset="set_indicators", description="Each set's document, dates and indicators re-read from the seed lines they cite"
)
def set_indicators_match_seed(catalogue: CatalogueResource) -> dg.AssetCheckResult:
    from pipelines.catalogue.sets import load_sets, verify_registry_against_seeds, verify_set_against_seed

    seed_dir = shared_dir() / "seeds"
    if not seed_dir.exists():
        return dg.AssetCheckResult(
            passed=True, severity=dg.AssetCheckSeverity.WARN, metadata={"skipped": f"no seeds at {seed_dir}"}
        )
    raw = catalogue.path()
    sets = load_sets(raw)
    problems = verify_registry_against_seeds(sets, seed_dir)
    indicators = load_set_tables(raw)["set_indicators"]
    for s in sets.filter(sets["catalogue_format"] == "set").iter_rows(named=True):
        mine = indicators.filter(indicators["set_id"] == s["set_id"]).drop("set_id")
        problems += verify_set_against_seed(mine, seed_dir / s["seed_file"])
    return dg.AssetCheckResult(
        passed=not problems, metadata={"problems": len(problems), "first": str(problems[0]) if problems else ""}
    )


@dg.asset_check(asset="programme_targets", description="Every series has at least one target or is documented as having none")
def every_series_targeted(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.warehouse().connect(read_only=True) as con:
        rows = con.execute(
            """
            select i.code
            from programme_indicators as i
            left join programme_targets as t on t.indicator_code = i.code
            where t.indicator_code is null
            order by i.code
            """
        ).fetchall()
    missing = [r[0] for r in rows]
    return dg.AssetCheckResult(passed=not missing, metadata={"untargeted": ", ".join(missing)})


@dg.asset_check(asset="regions", description="20 units exist on 1 Jan 2025 and 17 on 1 Jan 2020")
def region_counts(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    sql = """
        select count(*) from regions
        where (valid_from is null or valid_from <= ?::date) and (valid_to is null or ?::date < valid_to)
    """
    with warehouse.warehouse().connect(read_only=True) as con:
        n2025 = con.execute(sql, ["2025-01-01", "2025-01-01"]).fetchall()[0][0]
        n2020 = con.execute(sql, ["2020-01-01", "2020-01-01"]).fetchall()[0][0]
    return dg.AssetCheckResult(passed=(n2025, n2020) == (20, 17), metadata={"units_2025": n2025, "units_2020": n2020})
