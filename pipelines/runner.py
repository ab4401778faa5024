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

# The setting that puts the instance's storage (runs, event logs, schedule and sensor state) on PostgreSQL: a
# SQLAlchemy URL such as postgresql+psycopg2://bilim:PASSWORD@127.0.0.1:5432/bilim_dagster. dagster.yaml names the
# variable, not its value, so the password stays in the service's EnvironmentFile (deploy/systemd/bilim.env) and out of
# BILIM_HOME. The driver is named because SQLAlchemy 2.1 reads a bare postgresql:// as psycopg 3, which
# dagster-postgres does not bring (it brings psycopg2).
POSTGRES_URL_ENV = "BILIM_DAGSTER_POSTGRES_URL"
POSTGRES_SCHEME = "postgresql+psycopg2://"
_HEADER = "# Written by bilim (pipelines/runner.py: prepare_dagster_home); edits are overwritten.\n"
_POSTGRES_STORAGE = f"""\
storage:
  postgres:
    postgres_url:
      env: {POSTGRES_URL_ENV}
"""


class DagsterStorageUnset(RuntimeError):
    """The instance is on PostgreSQL but this process was not given a usable URL."""


def dagster_yaml(postgres: bool) -> str:
    """The instance configuration: telemetry off, one queued run at a time, PostgreSQL storage when configured
    (SQLite files under ``DAGSTER_HOME`` otherwise, Dagster's default)."""
    return _HEADER + DAGSTER_YAML + (_POSTGRES_STORAGE if postgres else "")


def prepare_dagster_home(layout: Layout) -> Path:
    """Point ``DAGSTER_HOME`` at ``$BILIM_HOME/dagster`` (unless set) and write its ``dagster.yaml``, so CLI runs, UI
    runs, sensor cursors and schedule state share one persistent instance.

    With ``$BILIM_DAGSTER_POSTGRES_URL`` set the storage is PostgreSQL (what Dagster recommends when a webserver and a
    daemon share an instance), else SQLite. The file is rewritten (atomically) when the setting changes, unless it is
    an operator's own file (it lacks our header). Once an instance is on PostgreSQL, a process without the variable
    is refused rather than silently switched back to an empty SQLite instance; to go back on purpose, delete the
    file."""
    home = layout.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    cfg = layout.dagster_yaml
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    postgres = bool(url)
    if postgres and not url.startswith(POSTGRES_SCHEME):
        raise DagsterStorageUnset(f"{POSTGRES_URL_ENV} must start with {POSTGRES_SCHEME} (the driver dagster-postgres installs)")
    current = cfg.read_text(encoding="utf-8") if cfg.exists() else None
    ours = current is None or current == DAGSTER_YAML or current.startswith(_HEADER)
    if ours and current is not None and not postgres and current == dagster_yaml(True):
        raise DagsterStorageUnset(
            f"the Dagster instance at {home} keeps its runs in PostgreSQL, but {POSTGRES_URL_ENV} is not set in this "
            f"process: load the service's environment file first (set -a; . /etc/bilim/bilim.env; set +a)"
        )
    wanted = dagster_yaml(postgres)
    if ours and current != wanted:
        tmp = cfg.with_name(f".dagster.yaml.{os.getpid()}.tmp")
        tmp.write_text(wanted, encoding="utf-8")
        os.replace(tmp, cfg)
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


def main() -> int:
    """``python -m pipelines.runner``: write the Dagster instance's configuration and print its home (the services'
    ExecStartPre, so the webserver and the daemon start on the same instance the CLI uses)."""
    print(prepare_dagster_home(Layout.current()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
