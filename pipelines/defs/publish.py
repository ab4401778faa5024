"""The published build: what the dashboard and ``bilim`` read."""


import dagster as dg

from pipelines.catalogue.load import CATALOGUE_SOURCES, REGION_SOURCES
from pipelines.publish import publish
from pipelines.resources import WarehouseResource

PUBLISHED_TABLES = [*CATALOGUE_SOURCES, *REGION_SOURCES, "submissions", "stg_returns__values"]


@dg.asset(deps=PUBLISHED_TABLES, group_name="publish")
def published_build(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Export the published tables as one immutable build and switch ``marts/CURRENT`` to it atomically."""
    build_id = publish(warehouse.warehouse(), PUBLISHED_TABLES)
    return dg.MaterializeResult(metadata={"build_id": build_id, "tables": len(PUBLISHED_TABLES)})
