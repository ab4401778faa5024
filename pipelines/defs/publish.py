"""The published build: what the dashboard and ``bilim`` read."""


import dagster as dg

from pipelines.catalogue.load import CATALOGUE_SOURCES, REGION_SOURCES, SET_TABLES
from pipelines.marts.build import MARTS, WITH_PENDING, monitoring_config, with_pending_name
from pipelines.publish import publish
from pipelines.resources import CatalogueResource, WarehouseResource
from pipelines.warehouse import build_sources

PUBLISHED_TABLES = [
    *CATALOGUE_SOURCES, *SET_TABLES, *REGION_SOURCES, "submissions", "set_submissions", "stg_returns__values",
    "stg_returns__pending", *MARTS,
    "set_values", "set_values_with_pending", *(with_pending_name(n) for n in WITH_PENDING),
]


@dg.asset(deps=[*PUBLISHED_TABLES[: -len(WITH_PENDING)], "marts_with_pending"], group_name="publish")
def published_build(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, catalogue: CatalogueResource
) -> dg.MaterializeResult:
    """Export the published tables as one immutable build and switch ``marts/CURRENT`` to it atomically."""
    config = monitoring_config(catalogue.path())
    wh = warehouse.warehouse()
    # The heads of the source logs this build read (see pipelines.freshness): how a lagging build is found.
    build_id = publish(wh, PUBLISHED_TABLES, {"config": config, "sources": build_sources(wh)})
    return dg.MaterializeResult(metadata={"build_id": build_id, "tables": len(PUBLISHED_TABLES)})


# Everything but the snapshots (which the schedule takes): what `bilim build`, `bilim ingest` and the inbox sensor run.
build_job = dg.define_asset_job("build_all", selection=dg.AssetSelection.all() - dg.AssetSelection.groups("snapshots"))
