"""KPI snapshots of a real published build: reproducible to the byte, never rewritten, and compared row by row.

One module-scoped home: Almaty City's 2023 return (G1.T1.age3_6 typed as 10 000 of 10 000) is ingested and built,
snapshot A taken; then a revision of that return (G1.T1.age3_6 = 4 750 of 5 000, nothing else changed) is
ingested and built, snapshot B taken.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from contracts.home import Layout
from contracts.snapshots import diff_gaps, list_snapshots, read_output
from pipelines.returns.ingest import ACCEPTED, load_context
from pipelines.runner import prepare_dagster_home, run_all
from pipelines.snapshots import take_snapshot, verify
from tests.conftest import home_at, run_bilim, submit_and_accept
from tests.returns_factory import edit_cells, filled_return

pytestmark = pytest.mark.slow

CODE = "G1.T1.age3_6"
TAKEN_A = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)
TAKEN_B = datetime(2024, 4, 1, 1, 0, tzinfo=UTC)


def _ingest_and_build(path: Path, who: str, reopen: tuple[str, int] | None = None) -> str:
    layout = Layout.current()
    result = submit_and_accept(path, load_context(layout), layout, who=who, reopen=reopen)
    assert result.status == ACCEPTED, result.verdict
    prepare_dagster_home(layout)
    ok, build_id, message = run_all()
    assert ok, message
    return build_id


@pytest.fixture(scope="module")
def two_snapshots(tmp_path_factory) -> dict:
    """(home, snapshot A id, snapshot B id), made once for the module under its own BILIM_HOME."""
    home = tmp_path_factory.mktemp("snap_home")
    work = tmp_path_factory.mktemp("snap_files")
    with home_at(home):
        layout = Layout.current()
        base = filled_return(work / "base.xlsx", "KZ-75", 2023)
        first = edit_cells(
            base, work / "KZ-75_2023.xlsx", {(CODE, "total", 3): None, (CODE, "total", 4): 10000, (CODE, "total", 5): 10000}
        )
        build_a = _ingest_and_build(first, "officer-75")
        a = take_snapshot(layout, now=TAKEN_A)
        revised = edit_cells(first, work / "KZ-75_2023_rev.xlsx", {(CODE, "total", 4): 4750, (CODE, "total", 5): 5000})
        build_b = _ingest_and_build(revised, "officer-75", reopen=("KZ-75", 2023))  # reopened, revised, accepted
        assert build_b != build_a
        b = take_snapshot(layout, now=TAKEN_B)
    return {"home": home, "a": a, "b": b, "build_a": build_a}


@pytest.fixture
def snap_env(two_snapshots, monkeypatch):
    monkeypatch.setenv("BILIM_HOME", str(two_snapshots["home"]))
    return two_snapshots


def test_snapshot_recomputes_to_the_same_bytes(snap_env):
    layout = Layout.current()
    for key in ("a", "b"):
        meta = snap_env[key]
        assert verify(layout, meta["snapshot_id"]) == []
    assert [m["snapshot_id"] for m in list_snapshots(layout)] == [snap_env["a"]["snapshot_id"], snap_env["b"]["snapshot_id"]]


def test_snapshot_id_manifest_and_contents(snap_env):
    """The id is the UTC time plus the content hash; the manifest names the build, the catalogue hash and the code."""
    layout = Layout.current()
    a = snap_env["a"]
    assert a["snapshot_id"] == f"20240301T010000Z-{a['content_hash'][:12]}"
    assert a["build_id"] == snap_env["build_a"] and a["taken_at"] == "2024-03-01T01:00:00+00:00"
    assert len(a["catalogue_hash"]) == 64 and "+sql." in a["code_version"]
    folder = layout.snapshots / a["snapshot_id"]
    assert json.loads((folder / "manifest.json").read_text(encoding="utf-8")) == a
    for name in ("inputs/stg_returns__values.csv", "inputs/programme_targets.csv", "outputs/indicator_gaps.csv", "config.json"):
        assert (folder / name).is_file(), name
    assert json.loads((folder / "config.json").read_text(encoding="utf-8"))["min_coverage"] == 0.8


def test_snapshot_is_never_rewritten(snap_env):
    """Taking one again with the same time and the same build gives the same id and is refused; every file is
    read-only."""
    layout = Layout.current()
    a = snap_env["a"]
    with pytest.raises(FileExistsError):
        take_snapshot(layout, build_id=a["build_id"], now=TAKEN_A)
    folder = layout.snapshots / a["snapshot_id"]
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH), path
    assert not [p for p in layout.snapshots.iterdir() if p.name.startswith(".incoming")]


def test_verify_names_a_tampered_output(snap_env, tmp_path):
    """A copy of snapshot A with one gap changed no longer recomputes to its bytes: verify names the file."""
    import shutil

    layout = Layout.current()
    src = layout.snapshots / snap_env["a"]["snapshot_id"]
    fake_home = tmp_path / "home"
    dest = Layout(fake_home).snapshots / "tampered"
    shutil.copytree(src, dest)
    path = dest / "outputs" / "indicator_gaps.csv"
    os.chmod(path, 0o644)
    path.write_text(path.read_text(encoding="utf-8").replace(",met,", ",off_track,", 1), encoding="utf-8")
    assert verify(Layout(fake_home), "tampered") == ["outputs/indicator_gaps.csv"]


def test_diff_names_the_revised_value_and_its_status(snap_env):
    """Almaty City 2023, G1.T1.age3_6 (target 100, national baseline 95.2, 1 decimal):
    A: 10 000/10 000 = 100.0 -> gap 0 -> met.
    B: 4 750/5 000 = 95.0 -> gap = 100 - 95.0 = 5.0, achievement (95.0 - 95.2)/(100 - 95.2) = -0.042 -> off_track.
    The national roll-up (Almaty City alone, 1 of 20 regions: incomplete in both) moves the same way, status
    unchanged. Nothing else moved."""
    layout = Layout.current()
    a, b = snap_env["a"]["snapshot_id"], snap_env["b"]["snapshot_id"]
    gaps_b = read_output(layout, b, "indicator_gaps")
    row = gaps_b.filter(
        (pl.col("indicator_code") == CODE) & (pl.col("region_code") == "KZ-75") & (pl.col("year") == 2023)
    ).to_dicts()[0]
    assert row["gap"] == pytest.approx(5.0) and row["achievement"] == pytest.approx(-0.2 / 4.8)
    diff = diff_gaps(read_output(layout, a, "indicator_gaps"), gaps_b)
    got = {(r["indicator_code"], r["region_code"], r["year"], r["settlement"]): r for r in diff.to_dicts()}
    assert set(got) == {(CODE, "KZ-75", 2023, "total"), (CODE, "KZ", 2023, "total")}
    city = got[(CODE, "KZ-75", 2023, "total")]
    assert (city["actual_before"], city["status_before"]) == (100.0, "met")
    assert (city["actual_after"], city["status_after"]) == (95.0, "off_track")
    assert city["change"] == pytest.approx(-5.0) and city["status_changed"] is True
    nat = got[(CODE, "KZ", 2023, "total")]
    assert (nat["status_before"], nat["status_after"], nat["status_changed"]) == ("incomplete", "incomplete", False)
    assert nat["change"] == pytest.approx(-5.0)


def test_bilim_snapshot_diff_json(snap_env):
    a, b = snap_env["a"]["snapshot_id"], snap_env["b"]["snapshot_id"]
    result = run_bilim("snapshot", "--diff", a, b, "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert len(out) == 2
    city = next(r for r in out if r["region_code"] == "KZ-75")
    assert city["indicator_code"] == CODE and city["year"] == 2023
    assert (city["status_before"], city["status_after"], city["change"]) == ("met", "off_track", -5.0)
    bad = run_bilim("snapshot", "--diff", a, "no-such-snapshot", "--format", "json")
    assert bad.returncode == 2 and "no snapshot" in bad.stderr
