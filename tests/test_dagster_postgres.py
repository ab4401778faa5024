"""Dagster's instance on PostgreSQL: a build, one tick of the monthly snapshot schedule and one inbox-sensor run, all
stored in a real PostgreSQL server this test starts (Debian's ``postgresql`` package) and throws away.

The schedule tick and the sensor evaluation go through the daemon's own pieces (``launch_scheduled_runs``,
``execute_sensor_iteration``, the queued-run dequeuer) against the real instance, so the runs they request are
queued, dequeued and launched as the production daemon does it, and their ticks land in PostgreSQL's ``job_ticks``.
Without the PostgreSQL binaries the test is skipped, unless ``BILIM_REQUIRE_POSTGRES=1`` (set by ``.ci/run``).
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contracts.home import REPO_ROOT, Layout
from tests.conftest import accept_pending, run_bilim
from tests.returns_factory import filled_return


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def postgres_url():
    """A throwaway PostgreSQL cluster in a temporary folder: initdb + pg_ctl, as ``postgres`` when we are root
    (PostgreSQL refuses to run as root), trust authentication on 127.0.0.1 only."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        if os.environ.get("BILIM_REQUIRE_POSTGRES") == "1":
            pytest.fail("BILIM_REQUIRE_POSTGRES=1 but /usr/lib/postgresql/*/bin/initdb is missing: install Debian's postgresql")
        pytest.skip("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb missing; Debian package `postgresql`)")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="bilim-pg-"))
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                    "--no-sync"], check=True, capture_output=True)
    subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
                    "-o", f"-h 127.0.0.1 -p {port} -k {folder} -F", "start"], check=True, capture_output=True)
    try:
        subprocess.run([str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-q", "-c",
                        "create database bilim_dagster"], check=True, capture_output=True)
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/bilim_dagster"
    finally:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _sql(url: str, query: str) -> list[tuple]:
    import psycopg2

    with psycopg2.connect(url.replace("+psycopg2", "")) as con, con.cursor() as cur:
        cur.execute(query)
        return cur.fetchall()


def _children(command: str) -> list[int]:
    """This process's children whose command line contains ``command``."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and command in cmdline:
            out.append(int(stat.parent.name))
    return out


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _run_queued(context, instance, timeout_s: float = 150) -> list:
    """Dequeue and launch every queued run as the daemon does, then wait for each to finish."""
    from dagster import DagsterRunStatus
    from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon

    queued = instance.get_runs()
    list(QueuedRunCoordinatorDaemon(interval_seconds=1).run_iteration(context))
    deadline = time.monotonic() + timeout_s
    done = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}
    while time.monotonic() < deadline:
        runs = [instance.get_run_by_id(r.run_id) for r in queued]
        if all(r.status in done for r in runs):
            return runs
        time.sleep(0.5)
    raise AssertionError(f"runs did not finish within {timeout_s:g} s: {[(r.job_name, r.status) for r in runs]}")


@pytest.mark.slow
def test_build_schedule_tick_and_sensor_run_are_stored_in_postgres(bilim_home, tmp_path, postgres_url, monkeypatch):
    from dagster import DagsterInstance, DagsterRunStatus
    from dagster._core.test_utils import create_test_daemon_workspace_context
    from dagster._core.workspace.load_target import ModuleTarget
    from dagster._daemon import get_default_daemon_logger
    from dagster._daemon.sensor import execute_sensor_iteration
    from dagster._scheduler.scheduler import launch_scheduled_runs

    from pipelines.returns.ingest import accept_file, load_context
    from pipelines.runner import POSTGRES_URL_ENV, prepare_dagster_home

    monkeypatch.setenv(POSTGRES_URL_ENV, postgres_url)
    layout = Layout(bilim_home)
    accept_file(filled_return(tmp_path / "kz75.xlsx", "KZ-75", 2023), load_context(layout), layout, who="officer")
    accept_pending(layout, "KZ-75", 2023)

    # 1. The CLI's build runs against the PostgreSQL instance.
    built = run_bilim("build")
    assert built.returncode == 0, built.stderr
    home = prepare_dagster_home(layout)
    assert "postgres_url:\n      env: BILIM_DAGSTER_POSTGRES_URL" in (home / "dagster.yaml").read_text()
    assert not list(home.rglob("*.db")), "a SQLite file was made beside the PostgreSQL instance"
    assert _sql(postgres_url, "select pipeline_name, status from runs") == [("build_all", "SUCCESS")]

    target = ModuleTarget(
        module_name="pipelines.definitions", attribute=None, working_directory=str(REPO_ROOT), location_name="bilim"
    )
    code_servers: list[int] = []
    with DagsterInstance.get() as instance, create_test_daemon_workspace_context(target, instance) as context:
        code_servers += _children("dagster api grpc")
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"

        # 2. One tick of the monthly snapshot schedule: first seen on 30 Nov 2026, due 1 Dec 06:00 Almaty (01:00 UTC).
        log = get_default_daemon_logger("SchedulerDaemon")
        list(launch_scheduled_runs(context, log, datetime(2026, 11, 30, 12, tzinfo=UTC), iteration_times={}))
        list(launch_scheduled_runs(context, log, datetime(2026, 12, 1, 1, 0, 30, tzinfo=UTC), iteration_times={}))
        (snap_run,) = [r for r in _run_queued(context, instance) if r.job_name == "kpi_snapshot_job"]
        assert snap_run.status == DagsterRunStatus.SUCCESS
        assert snap_run.tags["dagster/schedule_name"] == "monthly_kpi_snapshot"
        assert len([p for p in layout.snapshots.iterdir() if not p.name.startswith(".")]) == 1

        # 3. One sensor evaluation over a file dropped into the inbox: one run, and the return is in the ledger.
        layout.inbox.mkdir(parents=True, exist_ok=True)
        filled_return(layout.inbox / "kz11.xlsx", "KZ-11", 2023)
        list(execute_sensor_iteration(context, get_default_daemon_logger("SensorDaemon"), None, None))
        queued = _run_queued(context, instance)
        sensor_runs = [r for r in queued if r.job_name == "build_all" and r.tags.get("dagster/sensor_name")]
        assert [r.status for r in sensor_runs] == [DagsterRunStatus.SUCCESS]
        assert sensor_runs[0].tags["dagster/sensor_name"] == "inbox_sensor"
        assert not list(layout.inbox.iterdir())
        from pipelines.returns.ledger import read_ledger

        assert [(e.region_code, e.who) for e in read_ledger(layout)] == [("KZ-75", "officer"), ("KZ-11", "inbox")]

    # The code server the workspace started outlives it (it keeps retrying the instance); it is ours: stop it.
    for pid in code_servers:
        _kill(pid)

    # Everything is in PostgreSQL: the three runs, the two ticks (with their run ids), the schedule's and sensor's state.
    runs = _sql(postgres_url, "select pipeline_name, status from runs order by create_timestamp")
    assert runs == [("build_all", "SUCCESS"), ("kpi_snapshot_job", "SUCCESS"), ("build_all", "SUCCESS")]
    ticks = _sql(postgres_url, "select type, status from job_ticks where status = 'SUCCESS' order by timestamp")
    assert sorted(ticks) == [("SCHEDULE", "SUCCESS"), ("SENSOR", "SUCCESS")]
    states = _sql(postgres_url, "select job_type, status from jobs order by job_type")
    assert [t for t, _ in states] == ["SCHEDULE", "SENSOR"], states  # their cursors and state live there too


def test_dagster_yaml_follows_the_setting_and_never_falls_back_in_silence(bilim_home, monkeypatch):
    from pipelines.runner import POSTGRES_URL_ENV, DagsterStorageUnset, prepare_dagster_home

    layout = Layout(bilim_home)
    monkeypatch.delenv(POSTGRES_URL_ENV, raising=False)
    cfg = prepare_dagster_home(layout) / "dagster.yaml"
    text = cfg.read_text()
    assert "telemetry:\n  enabled: false" in text and "class: QueuedRunCoordinator" in text and "storage:" not in text

    monkeypatch.setenv(POSTGRES_URL_ENV, "postgresql://bilim@127.0.0.1/bilim_dagster")
    with pytest.raises(DagsterStorageUnset, match="postgresql\\+psycopg2://"):
        prepare_dagster_home(layout)
    monkeypatch.setenv(POSTGRES_URL_ENV, "postgresql+psycopg2://bilim@127.0.0.1/bilim_dagster")
    prepare_dagster_home(layout)
    text = cfg.read_text()
    assert "storage:\n  postgres:\n    postgres_url:\n      env: BILIM_DAGSTER_POSTGRES_URL" in text
    assert "bilim@127.0.0.1" not in text  # the URL (and its password) stays in the environment
    assert "class: QueuedRunCoordinator" in text and "enabled: false" in text

    monkeypatch.delenv(POSTGRES_URL_ENV)
    with pytest.raises(DagsterStorageUnset, match="keeps its runs in PostgreSQL"):
        prepare_dagster_home(layout)

    cfg.write_text("# an operator's own instance settings\ntelemetry:\n  enabled: false\n")
    prepare_dagster_home(layout)
    assert cfg.read_text().startswith("# an operator's own")
