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
    Returns (success, published build id, message); the message is "ok", or on success a note to show (the
    warehouse file was damaged and rebuilt). A step that failed because of the storage (full, read-only, failing
    disk) raises ``StorageFault`` with the real cause, unwrapped from Dagster's error info."""
    from pipelines.definitions import defs
    from pipelines.faults import StorageFault, classify_error_info
    from pipelines.warehouse import hold_writer, set_aside_if_damaged

    layout = Layout.current()
    job = defs.resolve_job_def(job_name)
    # The whole run holds the writer lock; the build reads the source logs once, up to the heads it records.
    with hold_writer(layout):
        aside = set_aside_if_damaged(layout)
        with dg.DagsterInstance.get() as instance:
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                tags=tags or {"launched_by": "bilim"},
                # Step failures are in the run's event log (the UI) and our log; the CLI says one line.
                run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
            )
    if not result.success:
        errors = [(ev.step_key, ev.event_specific_data.error) for ev in result.all_events if ev.is_step_failure]
        for step, error in errors:
            kind = classify_error_info(error) if error else None
            if kind is not None:
                raise StorageFault(kind, f"{step}: {error.message.strip().splitlines()[0] if error.message else ''}")
        failures = [f"{step}: {error.message.strip().splitlines()[0] if error else ''}" for step, error in errors]
        return False, None, "; ".join(failures) or "run failed"
    build_id = None
    for node in ("published_build", "kpi_snapshot"):
        for mat in result.asset_materializations_for_node(node):
            build_id = mat.metadata["build_id" if node == "published_build" else "snapshot_id"].value
    return True, build_id, f"warehouse set aside: {aside}" if aside else "ok"


def rebuild_for(layout: Layout, submission_ids: list[str] | None = None) -> tuple[bool, str | None, str]:
    """Rebuild and publish unless, once it is this process's turn at the writer lock, the published build is
    current with the ledger (``build_lag``). Accepts append to the ledger without the writer lock, so a build that
    starts after N accepts publishes all N and the ingests queued behind it find their work done: twenty
    concurrent ingests make a few builds, not twenty. ``submission_ids`` is kept for the caller's report."""
    from pipelines.freshness import build_lag
    from pipelines.warehouse import hold_writer

    with hold_writer(layout):
        if build_lag(layout) is None:
            return True, layout.current_build_id(), "already published"
        return run_all(tags={"launched_by": "bilim ingest"})
