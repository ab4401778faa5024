"""Run the whole graph in-process against the persistent Dagster instance (so CLI runs show in the UI)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from contracts.home import Layout


# One run at a time from the UI and the sensor (the daemon dequeues), telemetry off.
DAGSTER_YAML = """\
telemetry:
  enabled: false
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 1
"""


def prepare_dagster_home(layout: Layout) -> Path:
    """Point ``DAGSTER_HOME`` at ``$BILIM_HOME/dagster`` (unless set) with telemetry off, so CLI runs, UI runs,
    sensor cursors and schedule state share one persistent instance."""
    home = layout.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    cfg = home / "dagster.yaml"
    if not cfg.exists():
        cfg.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def run_all(tags: dict[str, str] | None = None, job_name: str = "build_all") -> tuple[bool, str | None, str]:
    """Materialize every asset of ``job_name`` (all but the snapshots) and run their checks.
    Returns (success, published build id, message)."""
    from pipelines.definitions import defs

    from pipelines.warehouse import hold_writer

    job = defs.resolve_job_def(job_name)
    # The whole run holds the writer lock, so a published build is derived from one state of the ledger.
    with hold_writer(Layout.current()), dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags=tags or {"launched_by": "bilim"},
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    if not result.success:
        failures = [
            f"{ev.step_key}: {ev.event_specific_data.error.message.strip().splitlines()[0] if ev.event_specific_data.error else ''}"
            for ev in result.all_events
            if ev.is_step_failure
        ]
        return False, None, "; ".join(failures) or "run failed"
    build_id = None
    for node in ("published_build", "kpi_snapshot"):
        for mat in result.asset_materializations_for_node(node):
            build_id = mat.metadata["build_id" if node == "published_build" else "snapshot_id"].value
    return True, build_id, "ok"


def rebuild_for(layout: Layout, submission_ids: list[str]) -> tuple[bool, str | None, str]:
    """Rebuild and publish so the given submissions are visible — unless, once it is this process's turn at the
    writer lock, the published build already holds them (a build queued behind others often finds its work done:
    twenty concurrent ingests make a few builds, not twenty)."""
    import polars as pl

    from pipelines.warehouse import hold_writer

    with hold_writer(layout):
        build = layout.current_build_id()
        if build is not None and submission_ids:
            path = layout.build_dir(build) / "submissions.parquet"
            if path.exists():
                published = set(pl.read_parquet(path, columns=["submission_id"])["submission_id"].to_list())
                if set(submission_ids) <= published:
                    return True, build, "already published"
        return run_all(tags={"launched_by": "bilim ingest"})
