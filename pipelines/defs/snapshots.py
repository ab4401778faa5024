"""KPI snapshots: an asset that snapshots the published build, and the monthly schedule."""

import dagster as dg

from contracts import audit
from contracts.snapshots import diff_gaps, list_snapshots, read_output
from pipelines.briefing import write_packs
from pipelines.resources import WarehouseResource
from pipelines.snapshots import take_snapshot

GROUP = "snapshots"


@dg.asset(group_name=GROUP, deps=["published_build"])
def kpi_snapshot(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """An immutable, dated, reproducible record of every KPI of the published build. Its metadata counts what
    changed since the previous snapshot (indicator, region, year, cycle and settlement whose status or actual
    changed); the Snapshots page diffs any two snapshots itself (``contracts.snapshots.diff_gaps``)."""
    wh = warehouse.warehouse()
    meta = take_snapshot(wh.layout)
    # Who took it: the schedule, or the operator whose `bilim snapshot` launched the run (recorded in its tags).
    by = context.run.tags.get("bilim/actor") or f"dagster:{context.run.tags.get('dagster/schedule_name', 'run')}"
    audit.record(wh.layout, audit.Actor(by, by), "snapshot", {}, snapshot_id=meta["snapshot_id"], build_id=meta.get("build_id"))
    # The briefing packs in kk, ru and en, beside the snapshot (pipelines.briefing). The snapshot is already written
    # and stands on its own: a pack that fails is logged and can be made later with `bilim snapshot --brief ID`.
    try:
        record, notes = write_packs(wh.layout, meta["snapshot_id"])
        brief = {lang: {kind: e["sha256"][:12] for kind, e in kinds.items()} for lang, kinds in record["packs"].items()}
        for note in notes:
            context.log.warning(note)
    except Exception as exc:  # noqa: BLE001 - reported, and the snapshot itself is complete
        context.log.error(
            f"briefing pack of {meta['snapshot_id']} failed: {exc}; run `bilim snapshot --brief {meta['snapshot_id']}`"
        )
        brief = {"error": str(exc)}
    snapshots = list_snapshots(wh.layout)
    changes = None
    if len(snapshots) >= 2:
        before, after = snapshots[-2]["snapshot_id"], snapshots[-1]["snapshot_id"]
        changes = diff_gaps(read_output(wh.layout, before, "indicator_gaps"), read_output(wh.layout, after, "indicator_gaps"))
    return dg.MaterializeResult(
        metadata={
            "snapshot_id": meta["snapshot_id"],
            "content_hash": meta["content_hash"],
            "changes_vs_previous": -1 if changes is None else changes.height,
            "briefing_packs": dg.MetadataValue.json(brief),
        }
    )


snapshot_job = dg.define_asset_job("kpi_snapshot_job", selection=dg.AssetSelection.assets(kpi_snapshot))

monthly_snapshot = dg.ScheduleDefinition(
    name="monthly_kpi_snapshot",
    job=snapshot_job,
    cron_schedule="0 6 1 * *",
    execution_timezone="Asia/Almaty",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="On the 1st of every month at 06:00 Kazakhstan time",
)
