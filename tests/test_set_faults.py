"""Faults during an indicator set's return (DESIGN §9): a killed `bilim ingest --set` and a full or failing disk at
each named write never leave a set's return recorded twice, recorded but unpublished in silence, or missing from the
audit log; the same command run again finishes and publishes it. The counterpart of the programme's tests in
``tests/test_faults.py``.

The returns are real filled templates (``pipelines.returns.set_template.make_template``, filled with openpyxl by
``tests.test_set_validate.fill``). One home is made once per module by the real commands: ``bilim build``, then
``bilim ingest --set inclusive_higher_ed`` of SYN-HEI-01's 2025 return (awaiting review; its duration is the
"normal" ingest the kills are spread over). Each test works on a copy of it.

Hand-worked values published after the reviews (the only accepted return of each set, so the region and the nation
equal the unit; counts of 1..9 people are shown "<10"):
  school_registration, Akmola (KZ-11), 2023 (``sr_good``): registered at the start 30 (20 urban + 10 rural): "30";
    registered during the year in towns 7: "<10".
  inclusive_higher_ed, SYN-HEI-04 (Karaganda region, KZ-35), 2025 (``IHE_GOOD``): students with special needs 40:
    "40" for the institution, KZ-35 and KZ.
  road_to_school_2023, Akmola (KZ-11), interim return as of 2023-08-20 (``RTS_GOOD``): distinct children helped 100:
    "100"; orphans helped 5: "<10".
"""

from __future__ import annotations

import contextlib
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
from contracts.home import Layout
from pipelines.failpoints import AFTER_ARCHIVE, AFTER_PUBLISH, ARCHIVE_WRITE, LEDGER_APPEND, PUBLISH_WRITE, WAREHOUSE_WRITE
from pipelines.returns.ledger import read_ledger
from pipelines.returns.verdict import file_hash
from tests.conftest import run_bilim
from tests.test_set_validate import IHE_GOOD, RTS_GOOD, fill, sr_good

BILIM = str(Path(sys.executable).parent / "bilim")
SR, IHE, RTS = "school_registration", "inclusive_higher_ed", "road_to_school_2023"
OFFICER = {"prepared_by": "Test officer", "phone": "+7 700 000 00 00"}

# (set, unit, year, return_kind, as_of): a set's return as the ledger and the review name it.
RETURNS = {
    "base": (IHE, "SYN-HEI-01", 2025, None, None),
    "sr": (SR, "KZ-11", 2023, None, None),
    "ihe": (IHE, "SYN-HEI-04", 2025, None, None),
    "rts": (RTS, "KZ-11", 2023, "interim", "2023-08-20"),
    "fault": (SR, "KZ-35", 2023, None, None),
}
VALUES = {SR: sr_good(), IHE: IHE_GOOD, RTS: RTS_GOOD}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """Each return of RETURNS as an officer fills in its real template."""
    from pipelines.returns.set_template import make_template

    folder = tmp_path_factory.mktemp("set_fault_returns")
    out = {}
    for name, (set_id, unit, year, kind, as_of) in RETURNS.items():
        template = folder / f"template_{name}.xlsx"
        make_template(set_id, unit, kind or year, template, as_of=as_of)
        out[name] = fill(template, folder / f"{name}_{unit}.xlsx", VALUES[set_id], meta=OFFICER)
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory, files) -> tuple[Path, float]:
    """Published: a build holding SYN-HEI-01's return awaiting review (after an empty first build); and how long
    that ingest took."""
    home = tmp_path_factory.mktemp("set_fault_base")
    env = {"BILIM_HOME": str(home)}
    built = run_bilim("build", env=env)
    assert built.returncode == 0, built.stderr
    t0 = time.perf_counter()
    result = run_bilim("ingest", "--set", IHE, str(files["base"]), "--who", "test", env=env)
    normal = time.perf_counter() - t0
    assert result.returncode == 0, result.stderr
    return home, normal


@pytest.fixture
def home(base, bilim_home, monkeypatch) -> Layout:
    """A copy of the base home as this test's BILIM_HOME."""
    shutil.rmtree(bilim_home)
    shutil.copytree(base[0], bilim_home)
    monkeypatch.setenv("DAGSTER_HOME", str(bilim_home / "dagster"))
    return Layout(bilim_home)


def ingest_args(name: str, files: dict[str, Path]) -> list[str]:
    """The one `bilim ingest --set` command of a return, as the officer runs it (again)."""
    return ["ingest", "--set", RETURNS[name][0], str(files[name]), "--who", "test"]


def ledger_entries(layout: Layout, name: str) -> list:
    """The ledger's entries of one set's return (by its key: set, unit, year, and a campaign's kind and date)."""
    return [e for e in read_ledger(layout) if (e.set_id, e.unit_code, e.year, e.return_kind, e.as_of) == RETURNS[name]]


def submits(layout: Layout, name: str) -> list[dict]:
    """The audit log's submit entries of one set's return."""
    fields = ("set", "unit_code", "year", "return_kind", "as_of")
    return [
        e
        for e in chain.read(layout.audit_log).entries
        if e["action"] == "submit" and tuple(e["target"].get(k) for k in fields) == RETURNS[name]
    ]


def published_submissions(layout: Layout, name: str) -> pl.DataFrame:
    """The published build's set_submissions rows of one set's return."""
    set_id, unit, year, kind, as_of = RETURNS[name]
    rows = pl.read_parquet(layout.published_table(layout.current_build_id(), "set_submissions"))
    rows = rows.filter((pl.col("set_id") == set_id) & (pl.col("unit_code") == unit) & (pl.col("year") == year))
    if kind is not None:
        rows = rows.filter(pl.col("return_kind") == kind)
    if as_of is not None:
        rows = rows.filter(pl.col("as_of").cast(pl.Utf8) == as_of)
    return rows


def assert_recorded_once_and_published(layout: Layout, name: str, env: dict[str, str]) -> None:
    """Once in the ledger (chain intact), its submit once in the audit log (chain intact), published as awaiting
    review, and `bilim doctor` finds the home healthy."""
    ledger = chain.read(layout.ledger)
    assert ledger.intact, ledger
    [entry] = ledger_entries(layout, name)
    audit = chain.read(layout.audit_log)
    assert audit.intact, audit
    [submit] = submits(layout, name)
    assert submit["target"]["submission_id"] == entry.submission_id
    published = published_submissions(layout, name)
    assert published.select("submission_id", "review_state", "is_pending").rows() == [
        (entry.submission_id, "submitted", True)
    ], f"{name} {RETURNS[name]} is not published awaiting review"
    doctor = run_bilim("doctor", env=env)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr


def shown(set_id: str, env: dict[str, str]) -> dict[tuple, tuple]:
    """`bilim values --set`: (unit, indicator, settlement) -> (shown, as_of)."""
    result = run_bilim("values", "--set", set_id, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return {(r["unit_code"], r["indicator_code"], r["settlement"]): (r["shown"], r["as_of"]) for r in json.loads(result.stdout)}


# --- kill -9 at random moments, then the same command again -------------------------------------------------------


@pytest.mark.slow  # starts subprocesses
def test_set_ingest_killed_at_random_moments_then_run_again_publishes(home, base, files):
    """Three set returns, each killed at a random moment of its `bilim ingest --set` (one in each third of a normal
    ingest: early, while validating or recording; in the middle and late, while building and publishing), then the
    same command again: each return is recorded exactly once, published awaiting review, and once accepted its
    hand-worked values are what `bilim values --set` shows."""
    from contracts.audit import Actor
    from pipelines.review import decide

    env = {"BILIM_HOME": str(home.home)}
    normal = base[1]
    seed = int(os.environ.get("BILIM_FAULT_SEED", time.time_ns() % 100_000))
    print(f"random seed: {seed} (BILIM_FAULT_SEED={seed} repeats this run)")
    rng = random.Random(seed)
    moments = [rng.uniform(k / 3, (k + 1) / 3) * normal for k in range(3)]
    rng.shuffle(moments)
    for name, moment in zip(["sr", "ihe", "rts"], moments, strict=True):
        proc = subprocess.Popen(
            [BILIM, *ingest_args(name, files)],
            env={k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(moment)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        left = "in the ledger" if ledger_entries(home, name) else "not in the ledger"
        print(f"{name}: killed at {moment:.2f} s of {normal:.2f} s (exit {proc.returncode}); the return was {left}")
        again = run_bilim(*ingest_args(name, files), env=env)
        assert again.returncode == 0, again.stderr
        # Published by this run ("build B published"), or already by the killed one when it was killed after its
        # publish ("the published build B already holds every recorded return"): either way the run names the build.
        build = home.current_build_id()
        assert f"build {build} published" in again.stdout or (
            f"the published build {build} already holds every recorded return" in again.stdout
        ), again.stdout
        assert_recorded_once_and_published(home, name, env)

    # Accepted by a reviewer (two in this process, the last by `bilim review accept`, whose build publishes all).
    reviewer = Actor("rev-1", "Reviewer One")
    decide(home, "accept", "KZ-11", 2023, reviewer, set_id=SR)
    decide(home, "accept", "SYN-HEI-04", 2025, reviewer, set_id=IHE)
    campaign = ["--set", RTS, "--region", "KZ-11", "--year", "2023", "--return-kind", "interim", "--as-of", "2023-08-20"]
    accepted = run_bilim("review", "accept", *campaign, env=env)
    assert accepted.returncode == 0, accepted.stderr
    for name in ("sr", "ihe", "rts"):
        [entry] = ledger_entries(home, name)
        assert published_submissions(home, name).select("submission_id", "review_state").rows() == [
            (entry.submission_id, "accepted")
        ]
    sr = shown(SR, env)
    for unit in ("KZ-11", "KZ"):
        assert sr[(unit, "SR.registered.start", "total")][0] == "30"
        assert sr[(unit, "SR.registered.during", "urban")][0] == "<10"  # 7
    ihe = shown(IHE, env)
    sen = {unit: v[0] for (unit, code, _), v in ihe.items() if code == "IHE.students.sen"}
    assert sen == {"SYN-HEI-04": "40", "KZ-35": "40", "KZ": "40"}  # SYN-HEI-01 awaits review: not shown
    rts = shown(RTS, env)
    for unit in ("KZ-11", "KZ"):
        assert rts[(unit, "RTS.children.distinct", "total")] == ("100", "2023-08-20")
        assert rts[(unit, "RTS.children.orphans", "total")] == ("<10", "2023-08-20")  # 5
    assert run_bilim("doctor", env=env).returncode == 0


# --- a full or failing disk at each named write, then the same command again --------------------------------------

CAUSES = {"enospc": "The disk is full", "eio": "input/output error", "erofs": "read-only"}
# In the order they are met: the archive's write is skipped once the file is archived (by its content hash), so its
# faults come first; after the ledger's append the return is recorded and each later run fails in the build.
BEFORE_THE_LEDGER = [(ARCHIVE_WRITE, "enospc"), (ARCHIVE_WRITE, "eio"), (LEDGER_APPEND, "enospc"), (LEDGER_APPEND, "eio")]
AFTER_THE_LEDGER = [(WAREHOUSE_WRITE, "enospc"), (PUBLISH_WRITE, "eio")]


def _killed_at(home: Layout, files: dict[str, Path], point: str) -> None:
    """The return's `bilim ingest --set` stopped dead (kill -9) once it reaches the named point."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | {
        "BILIM_HOME": str(home.home), "BILIM_FAILPOINT": point, "BILIM_FAILPOINT_WAIT_S": "120"
    }
    marker = home.failpoint_marker(point)
    proc = subprocess.Popen(
        [BILIM, *ingest_args("fault", files)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        # Generous: a later point (after the publish) needs a whole ingest and build first, on a loaded CI machine.
        deadline = time.monotonic() + 300
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), f"{point} was never reached (exit {proc.poll()})"
    finally:
        # Killed whether or not the point was reached: no stray ingest goes on writing into the home.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    marker.unlink()


def _failed_once(home: Layout, files: dict[str, Path], point: str, fault: str, state: str) -> None:
    env = {"BILIM_HOME": str(home.home), "BILIM_FAILPOINT": f"{point}:{fault}"}
    failed = run_bilim(*ingest_args("fault", files), env=env)
    assert failed.returncode == 1, (point, fault, failed.stdout, failed.stderr)
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert CAUSES[fault] in lines[0] and state in lines[0] and str(home.log_file) in lines[0], (point, fault, lines[0])
    assert published_submissions(home, "fault").is_empty(), (point, fault)


@pytest.mark.slow  # starts subprocesses
def test_a_full_or_failing_disk_during_a_set_ingest_ends_in_one_line_and_the_next_run_publishes(home, files):
    """School registration, Karaganda region (KZ-35) 2023, its one `bilim ingest --set` run while each named write
    fails in turn. Before the ledger's append: one line saying nothing was changed, and nothing was (ledger and
    audit log as they were). From the ledger's append on: one line saying the return is recorded but not yet
    published, and it is recorded once. Between the two, the run is killed once the file is archived (before the
ledger's append): the ledger and audit log are as they were, and the next runs still record the return once. The
same command without a fault then finishes and publishes it."""
    env = {"BILIM_HOME": str(home.home)}
    ledger_before, audit_before = home.ledger.read_bytes(), home.audit_log.read_bytes()
    for point, fault in BEFORE_THE_LEDGER:
        _failed_once(home, files, point, fault, "Nothing was changed")
        assert home.ledger.read_bytes() == ledger_before, (point, fault)
        assert home.audit_log.read_bytes() == audit_before, (point, fault)
        if point == ARCHIVE_WRITE and fault == "eio":
            # Killed once the file is archived, before the ledger's append: an archived file no entry names.
            _killed_at(home, files, AFTER_ARCHIVE)
            assert (home.archive / home.archive_name(file_hash(files["fault"]), ".xlsx")).is_file()
            assert home.ledger.read_bytes() == ledger_before and home.audit_log.read_bytes() == audit_before
    for point, fault in AFTER_THE_LEDGER:
        _failed_once(home, files, point, fault, "recorded in the ledger but not yet published")
        assert len(ledger_entries(home, "fault")) == 1, (point, fault)
    assert "Traceback" in home.log_file.read_text(encoding="utf-8")
    again = run_bilim(*ingest_args("fault", files), env=env)
    assert again.returncode == 0, again.stderr
    assert "-> unchanged" in again.stdout and "published" in again.stdout, again.stdout
    assert_recorded_once_and_published(home, "fault", env)


@pytest.mark.slow  # starts subprocesses
def test_killed_after_its_publish_the_same_ingest_says_unchanged_and_names_the_build_that_holds_it(home, files):
    """The late kill of the random test, made exact: `bilim ingest --set` is killed once its build is published but
    before it prints anything, so the officer saw no verdict. Run again, it changes nothing (no second entry, no new
    build) and says which published build already holds the return."""
    env = {"BILIM_HOME": str(home.home)}
    _killed_at(home, files, AFTER_PUBLISH)
    build = home.current_build_id()
    assert_recorded_once_and_published(home, "fault", env)
    again = run_bilim(*ingest_args("fault", files), env=env)
    assert again.returncode == 0, again.stderr
    assert "-> unchanged" in again.stdout, again.stdout
    assert f"the published build {build} already holds every recorded return" in again.stdout, again.stdout
    assert home.current_build_id() == build
    assert_recorded_once_and_published(home, "fault", env)
