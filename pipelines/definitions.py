"""The Dagster code location of bilim-monitor (``dagster dev`` from the repository root loads it)."""

import dagster as dg

from pipelines.defs import catalogue, marts, publish, returns, snapshots
from pipelines.resources import CatalogueResource, WarehouseResource

defs = dg.Definitions(
    assets=[
        catalogue.programme_catalogue,
        catalogue.indicator_set_tables,
        catalogue.region_tables,
        returns.inbox_returns,
        returns.submissions,
        returns.stg_returns__values,
        returns.stg_returns__pending,
        returns.set_submissions,
        returns.stg_set_values,
        returns.stg_set_values__pending,
        *marts.MART_ASSETS,
        marts.marts_with_pending,
        marts.set_value_marts,
        publish.published_build,
        snapshots.kpi_snapshot,
    ],
    asset_checks=[
        catalogue.indicators_match_seed,
        catalogue.set_indicators_match_seed,
        catalogue.every_series_targeted,
        catalogue.region_counts,
        returns.staged_values_match_ledger,
        returns.shares_within_parts,
        marts.rollups_are_ratios_of_sums,
        marts.gap_sign_matches_status,
    ],
    jobs=[publish.build_job, snapshots.snapshot_job],
    sensors=[returns.inbox_sensor],
    schedules=[snapshots.monthly_snapshot],
    resources={"warehouse": WarehouseResource(), "catalogue": CatalogueResource()},
    executor=dg.in_process_executor,
)
