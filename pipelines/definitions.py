"""The Dagster code location of bilim-monitor (``dagster dev`` from the repository root loads it)."""

import dagster as dg

from pipelines.defs import catalogue, publish
from pipelines.resources import CatalogueResource, WarehouseResource

defs = dg.Definitions(
    assets=[catalogue.programme_catalogue, catalogue.region_tables, publish.published_build],
    asset_checks=[catalogue.indicators_match_seed, catalogue.every_series_targeted, catalogue.region_counts],
    resources={"warehouse": WarehouseResource(), "catalogue": CatalogueResource()},
    executor=dg.in_process_executor,
)
