"""The Dagster code location of bilim-monitor (``dagster dev`` from the repository root loads it)."""

import dagster as dg

from pipelines.defs import catalogue, publish, returns
from pipelines.resources import CatalogueResource, WarehouseResource

defs = dg.Definitions(
    assets=[
        catalogue.programme_catalogue,
        catalogue.region_tables,
        returns.inbox_returns,
        returns.submissions,
        returns.stg_returns__values,
        publish.published_build,
    ],
    asset_checks=[
        catalogue.indicators_match_seed,
        catalogue.every_series_targeted,
        catalogue.region_counts,
        returns.staged_values_match_ledger,
        returns.shares_within_parts,
    ],
    jobs=[returns.ingest_job],
    sensors=[returns.inbox_sensor],
    resources={"warehouse": WarehouseResource(), "catalogue": CatalogueResource()},
    executor=dg.in_process_executor,
)
