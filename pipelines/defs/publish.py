"""The published build: what the dashboard and ``bilim`` read."""


import dagster as dg

from pipelines.catalogue.load import CATALOGUE_SOURCES, REGION_SOURCES
from contracts.home import repo_raw
from pipelines.marts.build import MARTS, load_config
from pipelines.publish import publish
from pipelines.resources import WarehouseResource

PUBLISHED_TABLES = [*CATALOGUE_SOURCES, *REGION_SOURCES, "submissions", "stg_returns__values", *MARTS]


@dg.asset(deps=PUBLISHED_TABLES, group_name="publish")
def published_build(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Export the published tables as one immutable build and switch ``marts/CURRENT`` to it atomically."""
    config = load_config(repo_raw() / "config" / "monitoring.toml")
    build_id = publish(warehouse.warehouse(), PUBLISHED_TABLES, {"config": config})
    return dg.MaterializeResult(metadata={"build_id": build_id, "tables": len(PUBLISHED_TABLES)})


# Everything but the snapshots (which the schedule takes): what `bilim build` and `bilim ingest` run.
build_job = dg.define_asset_job("build_all", selection=dg.AssetSelection.all() - dg.AssetSelection.groups("snapshots"))
