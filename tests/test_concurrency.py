"""One writer, readers never wait, and kill -9 loses nothing.

Twenty ingests started at the same moment in separate processes all land while a reader keeps reading the
published build; an ingest killed at three named points and at twenty random moments leaves the ledger, the
warehouse and the published marts in agreement, and the next ingest succeeds."""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest

from contracts.home import Layout
from pipelines.failpoints import AFTER_ARCHIVE, IN_TRANSACTION, WHILE_PUBLISHING
from pipelines.returns.ledger import current_entries, read_ledger
from pipelines.warehouse import Warehouse
from tests.returns_factory import filled_return, regions

pytestmark = pytest.mark.slow
BILIM = str(Path(sys.executable).parent / "bilim")


def _start(path: Path, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [BILIM, "ingest", str(path), "--who", "test"],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def _current_regions(year: int) -> list[str]:
    from pipelines.returns.spec import region_exists

    regs = regions()
    return [r for r in regs["region_code"].to_list() if r != "KZ-51" and region_exists(regs, r, year)[0]]


def read_published(layout: Layout) -> tuple[str, dict[str, int]]:
    """What a dashboard page does: resolve CURRENT once, read every table of that build."""
    build = layout.current_build_id()
    if build is None:
        return "", {}
    folder = layout.build_dir(build)
    import json

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    counts = {name: pl.read_parquet(folder / f"{name}.parquet").height for name in manifest["tables"]}
    assert counts == manifest["tables"], "a build's files disagree with its manifest"
    return build, counts


def assert_consistent(layout: Layout, complete: bool = False) -> None:
    """Ledger parses; the published build is whole and shows only ledger submissions; the warehouse opens and
    holds only ledger submissions. ``complete``: all three hold exactly the ledger."""
    ledger_ids = {e.submission_id for e in read_ledger(layout)}
    current_ids = {e.submission_id for e in current_entries(read_ledger(layout)).values()}
    build, counts = read_published(layout)
    published = set()
    if build:
        published = set(pl.read_parquet(layout.build_dir(build) / "submissions.parquet")["submission_id"].to_list())
        # Official (accepted by a reviewer) and awaiting review: together, the current submission of each return.
        staged = set(pl.read_parquet(layout.build_dir(build) / "stg_returns__values.parquet")["submission_id"].to_list())
        staged |= set(pl.read_parquet(layout.build_dir(build) / "stg_returns__pending.parquet")["submission_id"].to_list())
        assert published <= ledger_ids
        assert staged <= published
    wh = Warehouse(layout, lock_timeout_s=5)
    if "submissions" in wh.table_names():
        in_wh = set(wh.read_table("submissions")["submission_id"].to_list())
        assert in_wh <= ledger_ids
        if complete:
            assert in_wh == ledger_ids
    if complete:
        assert published == ledger_ids
        assert staged == current_ids
        # The ledger, the archive and the audit log agree: every submission's file is archived, every action in
        # one log is in the others (the last ingest recorded what a killed one left out, marked recovered).
        from pipelines.governance import audit_disagreements

        assert all((layout.archive / e.archive_path).exists() for e in read_ledger(layout))
        assert audit_disagreements(layout) == []


def test_twenty_ingests_at_once_all_land_and_readers_never_wait(tmp_path):
    layout = Layout.current()
    files = [filled_return(tmp_path / f"{r}.xlsx", r, 2024) for r in _current_regions(2024)]
    assert len(files) == 20
    first = _start(files[0])  # a published build for the reader to start on
    assert first.wait(timeout=300) == 0, first.stderr.read()
    stop, reads, slowest, errors = threading.Event(), [], [0.0], []

    def reader():
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                reads.append(read_published(layout)[0])
            except Exception as exc:  # noqa: BLE001 - any failure to read is the finding
                errors.append(repr(exc))
            slowest[0] = max(slowest[0], time.perf_counter() - t0)
            time.sleep(0.05)

    thread = threading.Thread(target=reader)
    thread.start()
    builds_before = set(layout.builds.iterdir())
    procs = [_start(f) for f in files[1:]]
    outs = [p.communicate(timeout=900) for p in procs]
    stop.set()
    thread.join()
    assert [p.returncode for p in procs] == [0] * 19, [o[1][-500:] for o in outs if o[1]]
    assert errors == []
    # Readers take no lock. One that waited for the writer lock would wait out a build (`run_all` holds the lock for
    # its whole Dagster run: ~10 s on an idle machine, longer under this load); a read merely slowed by 19 ingests
    # on a 2-core machine takes well under that. 5 s tells the two apart without timing the CPU's load.
    assert slowest[0] < 5.0, f"a read took {slowest[0]:.2f} s"
    assert len(set(reads)) >= 2  # the reader saw builds switch underneath it
    # Queued ingests coalesce: accepts take only the ledger's lock, and a build covers every accept before it.
    made = len(set(layout.builds.iterdir()) - builds_before)
    assert made <= 4, f"19 simultaneous ingests made {made} builds"
    assert sorted(e.region_code for e in read_ledger(layout)) == sorted(_current_regions(2024))
    assert_consistent(layout, complete=True)


def _kill_at(point: str, path: Path, layout: Layout) -> None:
    proc = _start(path, BILIM_FAILPOINT=point, BILIM_FAILPOINT_WAIT_S="120")
    marker = layout.home / f".failpoint-{point}"
    deadline = time.time() + 300
    while not marker.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.time() < deadline, f"never reached {point}"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    marker.unlink()


@pytest.mark.parametrize("point", [AFTER_ARCHIVE, IN_TRANSACTION, WHILE_PUBLISHING])
def test_kill_at_a_named_point_loses_nothing(point, tmp_path):
    layout = Layout.current()
    base = _start(filled_return(tmp_path / "KZ-11.xlsx", "KZ-11", 2023))
    assert base.wait(timeout=300) == 0
    victim = filled_return(tmp_path / "KZ-15.xlsx", "KZ-15", 2023)
    _kill_at(point, victim, layout)
    assert_consistent(layout)
    follow = _start(filled_return(tmp_path / "KZ-19.xlsx", "KZ-19", 2023))
    assert follow.wait(timeout=300) == 0, follow.stderr.read()
    assert_consistent(layout, complete=True)
    if point != AFTER_ARCHIVE:  # killed after its ledger entry: the next build shows it
        assert "KZ-15" in {e.region_code for e in read_ledger(layout)}


def test_kill_at_twenty_random_moments(tmp_path):
    layout = Layout.current()
    rng = random.Random(20251122)
    regs = _current_regions(2023)
    files = [filled_return(tmp_path / f"{r}.xlsx", r, 2023) for r in regs]
    for i in range(20):
        proc = _start(files[i % len(files)])
        time.sleep(rng.uniform(0.3, 5.0))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert_consistent(layout)
    last = _start(filled_return(tmp_path / "KZ-75-2024.xlsx", "KZ-75", 2024))
    assert last.wait(timeout=300) == 0, last.stderr.read()
    assert_consistent(layout, complete=True)
