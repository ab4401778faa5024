"""Faults: a killed ingest, a full or failing disk and damaged state never leave a return recorded but unpublished
in silence, never end in a traceback, and `bilim doctor` finds each damage and says how to repair it.

One home with one build and one accepted return (KZ-75 2023) is made once by the real commands; each test works on
a copy of it."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from contracts import chain
from contracts.home import MISSING_FILES, NO_SUCH_BUILD, UNREADABLE_POINTER, Layout
from pipelines import cli
from pipelines.failpoints import ARCHIVE_WRITE, LEDGER_APPEND, PUBLISH_WRITE, WAREHOUSE_WRITE
from pipelines.faults import EIO, ENOSPC, classify, classify_error_info
from pipelines.freshness import build_lag, sources_heads
from pipelines.returns.ledger import LedgerDamaged, read_ledger
from tests.conftest import run_bilim
from tests.returns_factory import filled_return

BILIM = str(Path(sys.executable).parent / "bilim")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("fault_returns")
    regions = ["KZ-75", "KZ-19", "KZ-11", "KZ-15", "KZ-23", "KZ-27", "KZ-31", "KZ-35", "KZ-39", "KZ-43"]
    return {r: filled_return(folder / f"{r}_2023.xlsx", r, 2023) for r in regions}


@pytest.fixture(scope="module")
def base_home(tmp_path_factory, files) -> Path:
    """Published: one build holding KZ-75 2023 (after an empty first build)."""
    home = tmp_path_factory.mktemp("fault_base")
    env = {"BILIM_HOME": str(home)}
    assert run_bilim("build", env=env).returncode == 0
    result = run_bilim("ingest", str(files["KZ-75"]), "--who", "test", env=env)
    assert result.returncode == 0, result.stderr
    return home


@pytest.fixture
def home(base_home, bilim_home, monkeypatch) -> Layout:
    """A copy of the base home as this test's BILIM_HOME."""
    shutil.rmtree(bilim_home)
    shutil.copytree(base_home, bilim_home)
    monkeypatch.setenv("DAGSTER_HOME", str(bilim_home / "dagster"))
    return Layout(bilim_home)


def bilim(*args: str, capsys) -> tuple[int, str, str]:
    """The CLI in this process (fast); stdout and stderr as the user sees them."""
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def published_values(layout: Layout, region: str, year: int = 2023) -> int:
    """How many gap rows of the region and year carry an actual value in the build readers are given, counting a
    return awaiting review (the officer's view: ``bilim gaps --include-pending``)."""
    build = layout.current_build_id()
    gaps = pl.read_parquet(layout.build_dir(build) / "indicator_gaps_with_pending.parquet")
    return gaps.filter((pl.col("region_code") == region) & (pl.col("year") == year) & pl.col("actual").is_not_null()).height


# --- the ledger is a hash chain; a damaged entry is named, never skipped -----------------------------------------


@pytest.mark.slow  # starts a subprocess
def test_every_ledger_entry_is_chained(home):
    read = chain.read(home.ledger)
    assert read.intact and len(read.entries) == 1
    assert read.entries[0]["prev"] == chain.GENESIS and read.entries[0]["region_code"] == "KZ-75"


@pytest.mark.slow  # starts a subprocess
def test_a_cut_last_line_is_named_and_build_refuses(home, capsys):
    raw = home.ledger.read_bytes()
    sha = json.loads(raw)["sha256"]
    home.ledger.write_bytes(raw[: len(raw) // 2 + 40])  # cut inside the entry, after region... and sha
    before = home.current_build_id()
    with pytest.raises(LedgerDamaged) as err:
        read_ledger(home)
    assert err.value.damage[0].line == 1
    code, _, stderr = bilim("build", capsys=capsys)
    assert code == 1
    assert f"ledger line 1 (KZ-75 2023, file {sha[:12]}…)" in stderr
    assert "build refused" in stderr and "bilim doctor" in stderr and "Traceback" not in stderr
    assert home.current_build_id() == before
    code, out, _ = bilim("doctor", capsys=capsys)
    assert code == 1
    line = next(ln for ln in out.splitlines() if "ledger line 1" in ln)
    assert "KZ-75 2023" in line and "delete line 1" in line and f"bilim ingest {home.archive}" in line


@pytest.mark.slow  # starts a subprocess
def test_an_edited_ledger_entry_is_found_by_doctor(home, capsys):
    entry = json.loads(home.ledger.read_text(encoding="utf-8"))
    entry["values"] = 1
    home.ledger.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    code, out, _ = bilim("doctor", capsys=capsys)
    assert code == 1
    assert "ledger line 1 (KZ-75 2023" in out and "changed after it was written" in out and "restore" in out


@pytest.mark.slow  # starts a subprocess
def test_a_damaged_audit_log_is_found_by_doctor(home, capsys):
    chain.append(home.audit_log, [{"who": "a", "action": "sign_in"}, {"who": "b", "action": "sign_in"}])
    lines = home.audit_log.read_text(encoding="utf-8").splitlines()
    home.audit_log.write_text(lines[1] + "\n", encoding="utf-8")  # the first entry removed
    code, out, _ = bilim("doctor", capsys=capsys)
    assert code == 1 and "audit log" in out and "line 1: chain broken" in out


@pytest.mark.slow  # starts a subprocess
def test_doctor_finds_a_missing_archived_file(home, capsys):
    (entry,) = read_ledger(home)
    path = home.archive / entry.archive_path
    os.chmod(path, 0o644)
    path.unlink()
    code, out, _ = bilim("doctor", capsys=capsys)
    assert code == 1 and f"the archived file of KZ-75 2023 ({entry.archive_path}) is missing" in out


@pytest.mark.slow  # starts a subprocess
def test_doctor_is_quiet_on_a_healthy_home(home, capsys):
    code, out, _ = bilim("doctor", capsys=capsys)
    assert code == 0, out
    assert "healthy" in out


# --- CURRENT and the published build -------------------------------------------------------------------------------


@pytest.mark.slow  # starts a subprocess
@pytest.mark.parametrize("damage", [UNREADABLE_POINTER, NO_SUCH_BUILD, MISSING_FILES])
def test_damaged_current_falls_back_to_the_newest_complete_build(damage, home, capsys):
    builds = sorted(p.name for p in home.builds.iterdir() if not p.name.startswith("."))
    older, newest = builds[-2], builds[-1]
    if damage == UNREADABLE_POINTER:
        home.current_pointer.write_bytes(b"\x00\xffgarbage\x93 bytes")
        expected = newest
    elif damage == NO_SUCH_BUILD:
        home.current_pointer.write_text("20991231T000000000000Z-deadbeef00\n", encoding="utf-8")
        expected = newest
    else:
        (home.build_dir(newest) / "indicator_gaps.parquet").unlink()
        expected = older
    resolution = home.resolve_build()
    assert (resolution.build_id, resolution.problem) == (expected, damage)
    code, out, err = bilim("gaps", "--format", "json", capsys=capsys)
    assert code == 0
    assert f"showing the newest complete build {expected}" in err and "bilim build" in err
    assert json.loads(out)  # the rows of the fallback build
    code, out, _ = bilim("doctor", capsys=capsys)
    assert code == 1 and f"marts/CURRENT is damaged ({damage}" in out


@pytest.mark.slow  # starts a subprocess
def test_no_complete_build_says_what_to_run(home, capsys):
    for build in home.builds.iterdir():
        (build / "submissions.parquet").unlink()
    code, _, err = bilim("gaps", capsys=capsys)
    assert code == 1
    assert "no complete build is published" in err and "run `bilim build`" in err and "Traceback" not in err


@pytest.mark.slow  # starts a subprocess
def test_the_dashboard_warns_and_shows_the_fallback_build(home):
    from streamlit.testing.v1 import AppTest

    from contracts.home import REPO_ROOT
    from tests.conftest import grant, sign_in

    fallback = home.current_build_id()
    home.current_pointer.write_text("no such build\n", encoding="utf-8")
    grant(home, "t-admin", "admin")
    at = AppTest.from_file(str(REPO_ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["lang"] = "ru"
    sign_in(at, "t-admin")
    at.run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("marts/CURRENT" in w and "повреждён" in w and fallback in w for w in warnings), warnings


@pytest.mark.slow  # starts a subprocess
def test_a_damaged_warehouse_is_set_aside_and_rebuilt(home, capsys):
    home.warehouse.write_bytes(os.urandom(1 << 16))
    code, out, _ = bilim("doctor", capsys=capsys)
    assert code == 1 and "the warehouse file" in out and "is damaged" in out
    code, out, err = bilim("build", capsys=capsys)
    assert code == 0, err
    aside = list(home.warehouse.parent.glob("bilim.duckdb.damaged-*"))
    assert len(aside) == 1
    assert f"moved aside to {aside[0]}" in err and "rebuilt from the archive and the ledger" in err
    assert published_values(home, "KZ-75") > 0
    assert bilim("doctor", capsys=capsys)[0] == 0


# --- the published build never lags the ledger in silence --------------------------------------------------------


@pytest.mark.slow  # starts a subprocess
def test_manifest_records_the_heads_it_was_built_from(home):
    manifest = json.loads((home.build_dir(home.current_build_id()) / "manifest.json").read_text(encoding="utf-8"))
    ledger_head = chain.read(home.ledger).entries[-1]["hash"]
    assert manifest["sources"] == sources_heads(home) == {"ledger": ledger_head, "reviews": chain.GENESIS}
    assert build_lag(home) is None


@pytest.mark.slow  # starts a subprocess
def test_a_recorded_but_unpublished_return_is_published_by_the_unchanged_ingest(home, files, capsys):
    """What a kill -9 between the ledger append and the publish leaves: the same ingest again publishes it."""
    from pipelines.returns.ingest import ACCEPTED, accept_file, load_context

    assert accept_file(files["KZ-19"], load_context(home), home, who="test").status == ACCEPTED
    assert "lags the ledger" in build_lag(home)
    code, _, err = bilim("gaps", capsys=capsys)
    assert code == 0 and "does not yet hold everything recorded" in err
    code, _, _ = bilim("doctor", capsys=capsys)
    assert code == 1
    code, out, err = bilim("ingest", str(files["KZ-19"]), "--who", "test", capsys=capsys)
    assert code == 0, err
    build = home.current_build_id()
    assert "-> unchanged" in out and f"build {build} published" in out
    assert published_values(home, "KZ-19") > 0 and build_lag(home) is None
    # Once more: nothing lags now, so nothing is rebuilt, and the officer is told which build already shows it.
    for lang, words in [
        ("en", f"nothing new to publish: the published build {build} already holds every recorded return"),
        ("ru", f"нечего публиковать заново: опубликованная сборка {build} уже содержит все записанные отчёты"),
        ("kk", f"жаңадан жариялайтын ештеңе жоқ: жарияланған {build} құрастыруында жазылған есептердің бәрі бар"),
    ]:
        code, out, err = bilim("ingest", str(files["KZ-19"]), "--who", "test", "--lang", lang, capsys=capsys)
        assert code == 0, err
        assert words in out and "-> unchanged" in out, out
        assert home.current_build_id() == build


@pytest.mark.slow  # starts a subprocess
def test_the_inbox_sensor_requests_a_catch_up_run_when_the_build_lags(home, files):
    import dagster as dg

    from pipelines.defs.returns import inbox_sensor
    from pipelines.resources import WarehouseResource
    from pipelines.returns.ingest import accept_file, load_context
    from pipelines.runner import prepare_dagster_home

    prepare_dagster_home(home)
    with dg.DagsterInstance.get() as instance:
        context = lambda: dg.build_sensor_context(instance=instance, resources={"warehouse": WarehouseResource()})  # noqa: E731
        assert isinstance(inbox_sensor(context()), dg.SkipReason)
        accept_file(files["KZ-19"], load_context(home), home, who="test")
        request = inbox_sensor(context())
    assert isinstance(request, dg.RunRequest) and request.run_key == f"catch-up-{sources_heads(home)['ledger']}-{chain.GENESIS}"


@pytest.mark.slow  # starts a subprocess
def test_a_build_reads_the_ledger_as_of_its_start(home, files):
    """Accepts go on during a build (they take the ledger's lock, not the writer lock): what was appended after the
    build read the heads is not in it, and the manifest says which state it holds."""
    from pipelines.returns.ingest import accept_file, load_context
    from pipelines.returns.ledger import pinned

    head = sources_heads(home)["ledger"]
    accept_file(files["KZ-19"], load_context(home), home, who="test")
    with pinned(home, head):
        assert [e.region_code for e in read_ledger(home)] == ["KZ-75"]
    assert [e.region_code for e in read_ledger(home)] == ["KZ-75", "KZ-19"]


# --- the real cause under the wrappers -----------------------------------------------------------------------------


def test_storage_errors_are_found_under_wrappers():
    import errno
    import sqlite3

    import sqlalchemy.exc

    try:
        try:
            raise sqlite3.OperationalError("disk I/O error")
        except sqlite3.OperationalError as inner:
            raise sqlalchemy.exc.OperationalError("insert into event_logs", {}, inner) from inner
    except Exception as exc:  # noqa: BLE001
        assert classify(exc) == EIO
    try:
        raise RuntimeError("polars failed") from OSError(errno.ENOSPC, "No space left on device")
    except RuntimeError as exc:
        assert classify(exc) == ENOSPC
    from dagster._utils.error import SerializableErrorInfo

    info = SerializableErrorInfo(
        'Error occurred while executing op "published_build":',
        [],
        "DagsterExecutionStepExecutionError",
        cause=SerializableErrorInfo("[Errno 30] Read-only file system: '/x/marts/builds'", [], "OSError"),
    )
    assert classify_error_info(info) == "readonly"


# --- subprocesses: kill -9 at random moments; a full and a failing disk at each write --------------------------------


def _gaps_values(region: str, env: dict[str, str]) -> int:
    result = run_bilim("gaps", "--region", region, "--year", "2023", "--format", "json", "--include-pending", env=env)
    assert result.returncode == 0, result.stderr
    return sum(1 for row in json.loads(result.stdout) if row["actual"] is not None)


@pytest.mark.slow
def test_ingest_killed_at_random_moments_then_run_again_publishes(home, files):
    env = {"BILIM_HOME": str(home.home)}
    seed = int(os.environ.get("BILIM_FAULT_SEED", time.time_ns() % 100_000))
    print(f"random seed: {seed} (BILIM_FAULT_SEED={seed} repeats this run)")
    rng = random.Random(seed)
    t0 = time.perf_counter()
    assert run_bilim("ingest", str(files["KZ-19"]), "--who", "test", env=env).returncode == 0
    normal = time.perf_counter() - t0
    for region in ["KZ-11", "KZ-15", "KZ-23", "KZ-27", "KZ-31", "KZ-35", "KZ-39", "KZ-43"]:
        proc = subprocess.Popen(
            [BILIM, "ingest", str(files[region]), "--who", "test"],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        moment = rng.uniform(0.0, 1.0) * normal
        time.sleep(moment)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        print(f"{region}: killed at {moment:.2f} s of {normal:.2f} s (exit {proc.returncode})")
        again = run_bilim("ingest", str(files[region]), "--who", "test", env=env)
        assert again.returncode == 0, again.stderr
        assert _gaps_values(region, env) > 0, f"{region} not published after the same ingest ran again"
        doctor = run_bilim("doctor", env=env)
        assert doctor.returncode == 0, doctor.stdout


FAULT_CASES = [
    (ARCHIVE_WRITE, "enospc", "Nothing was changed"),
    (ARCHIVE_WRITE, "eio", "Nothing was changed"),
    (LEDGER_APPEND, "enospc", "Nothing was changed"),
    (LEDGER_APPEND, "eio", "Nothing was changed"),
    (WAREHOUSE_WRITE, "enospc", "recorded in the ledger but not yet published"),
    (WAREHOUSE_WRITE, "eio", "recorded in the ledger but not yet published"),
    (PUBLISH_WRITE, "enospc", "recorded in the ledger but not yet published"),
    (PUBLISH_WRITE, "eio", "recorded in the ledger but not yet published"),
    (PUBLISH_WRITE, "erofs", "recorded in the ledger but not yet published"),
]
CAUSES = {"enospc": "The disk is full", "eio": "input/output error", "erofs": "read-only"}


@pytest.mark.slow
@pytest.mark.parametrize(("point", "fault", "state"), FAULT_CASES, ids=[f"{p}:{f}" for p, f, _ in FAULT_CASES])
def test_a_full_or_failing_disk_ends_in_one_line_and_the_next_run_finishes(point, fault, state, home, files):
    env = {"BILIM_HOME": str(home.home)}
    failed = run_bilim("ingest", str(files["KZ-19"]), "--who", "test", env={**env, "BILIM_FAILPOINT": f"{point}:{fault}"})
    assert failed.returncode == 1
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert CAUSES[fault] in lines[0] and state in lines[0] and str(home.log_file) in lines[0]
    assert "Traceback" in home.log_file.read_text(encoding="utf-8")
    assert _gaps_values("KZ-19", env) == 0
    again = run_bilim("ingest", str(files["KZ-19"]), "--who", "test", env=env)
    assert again.returncode == 0, again.stderr
    assert _gaps_values("KZ-19", env) > 0
    assert run_bilim("doctor", env=env).returncode == 0


@pytest.mark.slow
def test_a_build_on_a_full_disk_says_so_in_russian_and_leaves_the_published_build(home):
    env = {"BILIM_HOME": str(home.home), "BILIM_LANG": "ru"}
    before = home.current_build_id()
    failed = run_bilim("build", env={**env, "BILIM_FAILPOINT": f"{PUBLISH_WRITE}:enospc"})
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert failed.stderr.startswith("error: Диск заполнен") and f"сборка {before}" in failed.stderr
    assert home.current_build_id() == before
