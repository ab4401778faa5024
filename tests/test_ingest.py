"""Ingest loses nothing: archive by hash, append-only ledger, whole-return supersession, identical re-upload as a
no-op, rejected attempts logged without contents, personal data kept nowhere, the warehouse rebuilt from the
archive and the ledger to the same marts, and the inbox sensor."""

import hashlib
import json
import os
import shutil
import stat

import dagster as dg
import openpyxl
import polars as pl
import pytest

from contracts.home import Layout
from pipelines.returns.ingest import ACCEPTED, REJECTED, UNCHANGED, accept_file, load_context
from pipelines.returns.ledger import read_ledger, rejected_path
from pipelines.runner import prepare_dagster_home, run_all
from tests.conftest import accept_pending, run_bilim
from tests.returns_factory import IIN, data_row, edit_cells, filled_return


@pytest.fixture
def good(tmp_path):
    return filled_return(tmp_path / "KZ-75_2023.xlsx", "KZ-75", 2023)


def _build():
    prepare_dagster_home(Layout.current())
    ok, build_id, message = run_all()
    assert ok, message
    return build_id


def test_accepted_file_is_archived_by_hash_read_only_and_recorded(good):
    layout = Layout.current()
    result = accept_file(good, load_context(layout), layout, who="officer-75")
    assert result.status == ACCEPTED
    sha = hashlib.sha256(good.read_bytes()).hexdigest()
    archived = layout.archive / sha[:2] / f"{sha}.xlsx"
    assert archived.read_bytes() == good.read_bytes()
    assert not os.stat(archived).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    (entry,) = read_ledger(layout)
    assert (entry.region_code, entry.year, entry.who, entry.sha256, entry.values, entry.expected) == (
        "KZ-75",
        2023,
        "officer-75",
        sha,
        27,
        27,
    )


def test_identical_reupload_is_a_no_op(good):
    layout = Layout.current()
    ctx = load_context(layout)
    accept_file(good, ctx, layout)
    before = layout.ledger.read_bytes()
    again = accept_file(good, ctx, layout)
    assert again.status == UNCHANGED
    assert "W_IDENTICAL" in again.verdict.rule_codes()
    assert layout.ledger.read_bytes() == before


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_a_new_return_supersedes_the_old_one_whole_and_warns_about_dropped_rows(good, tmp_path):
    """The revision leaves G1.K6.R1 blank: after it, the staged values for KZ-75 2023 are the revision's only,
    26 of them, and the verdict warns that one value of the replaced return is gone."""
    layout = Layout.current()
    ctx = load_context(layout)
    accept_file(good, ctx, layout)
    revised = edit_cells(good, tmp_path / "revised.xlsx", {("G1.K6.R1", "total", c): None for c in (3, 4, 5, 6)})
    result = accept_file(revised, ctx, layout)
    assert result.status == ACCEPTED
    dropped = [i for i in result.verdict.warnings if i.code == "W_DROPPED_ROWS"]
    assert len(dropped) == 1 and dropped[0].params["count"] == 1 and "G1.K6.R1 (total)" in dropped[0].params["examples"]
    first, second = read_ledger(layout)
    assert second.supersedes == first.submission_id
    accept_pending(layout, "KZ-75", 2023)  # the revision replaced the first while both awaited review
    build = _build()
    staged = pl.read_parquet(layout.build_dir(build) / "stg_returns__values.parquet")
    assert staged["submission_id"].unique().to_list() == [second.submission_id]
    assert staged.height == 26 and "G1.K6.R1" not in staged["indicator_code"].to_list()
    subs = pl.read_parquet(layout.build_dir(build) / "submissions.parquet")
    assert subs.sort("received_at")["is_current"].to_list() == [False, True]


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_every_value_keeps_its_file_and_cell(good):
    layout = Layout.current()
    accept_file(good, load_context(layout), layout)
    accept_pending(layout, "KZ-75", 2023)
    build = _build()
    staged = pl.read_parquet(layout.build_dir(build) / "stg_returns__values.parquet")
    row = data_row(good, "G1.T1.age1_6")
    rec = staged.filter(pl.col("indicator_code") == "G1.T1.age1_6").row(0, named=True)
    assert rec["cell"] == f"data!D{row}"  # a rate: traced to its numerator cell
    assert rec["sha256"] == hashlib.sha256(good.read_bytes()).hexdigest()
    ws = openpyxl.load_workbook(good)["data"]
    assert rec["numerator"] == ws.cell(row, 4).value and rec["denominator"] == ws.cell(row, 5).value
    assert rec["value"] == pytest.approx(ws.cell(row, 4).value / ws.cell(row, 5).value * 100)


def test_rejected_attempt_is_logged_without_contents_and_gets_an_annotated_copy(good, tmp_path):
    layout = Layout.current()
    row = data_row(good, "G1.K6.R3")
    bad = edit_cells(good, tmp_path / "bad.xlsx", {("G1.K6.R3", "total", 3): "много тысяч"})
    result = accept_file(bad, load_context(layout), layout)
    assert result.status == REJECTED
    assert read_ledger(layout) == [] and not layout.archive.exists()
    log = rejected_path(layout).read_text(encoding="utf-8")
    entry = json.loads(log)
    assert entry["rule_codes"] == ["R_NOT_A_NUMBER", "W_MISSING_ROWS"] and entry["region_code"] == "KZ-75"
    assert "много" not in log
    ws = openpyxl.load_workbook(result.annotated)["data"]
    cell = ws[f"C{row}"]
    assert cell.fill.start_color.rgb.endswith("F4B6B6")
    assert f"data!C{row}" in cell.comment.text and "не является числом" in cell.comment.text


@pytest.mark.slow  # starts a subprocess
def test_personal_data_is_kept_nowhere(good, tmp_path, bilim_home):
    """An ИИН in a comment: exit 1, the report names the cell, and the identifier's digits are nowhere under
    BILIM_HOME — inbox, archive, ledger, logs, reports — nor in the command's output."""
    row = data_row(good, "G1.T1.age1_6")
    bad = edit_cells(good, tmp_path / "pii.xlsx", {("G1.T1.age1_6", "total", 6): f"ученик ИИН {IIN}"})
    result = run_bilim("ingest", str(bad), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)[0]
    assert report["status"] == "rejected"
    assert [e["code"] for e in report["errors"]] == ["F_PERSONAL_DATA"]
    assert report["errors"][0]["location"] == f"data!F{row}"
    assert IIN not in result.stdout and IIN not in result.stderr
    # the inbox path too
    inbox = Layout.current().inbox
    inbox.mkdir(parents=True)
    shutil.copy(bad, inbox / "dropped.xlsx")
    _build()
    assert not any(inbox.iterdir())
    found = []
    for path in bilim_home.rglob("*"):
        if path.is_file() and (IIN.encode() in path.read_bytes() or IIN.encode("utf-16-le") in path.read_bytes()):
            found.append(path)
    assert found == []
    assert not (bilim_home / "raw" / "returns" / "reports").exists()


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_warehouse_rebuilt_from_archive_and_ledger_gives_the_same_marts(good, tmp_path):
    layout = Layout.current()
    ctx = load_context(layout)
    accept_file(good, ctx, layout)
    accept_file(filled_return(tmp_path / "KZ-19.xlsx", "KZ-19", 2022), ctx, layout)
    first = _build()
    shutil.rmtree(layout.warehouse.parent)
    shutil.rmtree(layout.parsed_dir)  # derived: re-read from the archived files
    second = _build()
    for table in ("stg_returns__values", "submissions"):
        a = pl.read_parquet(layout.build_dir(first) / f"{table}.parquet")
        b = pl.read_parquet(layout.build_dir(second) / f"{table}.parquet")
        assert a.equals(b), table


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_inbox_sensor_requests_one_run_per_content_and_nothing_when_done(good):
    from pipelines.definitions import defs
    from pipelines.defs.returns import inbox_sensor
    from pipelines.resources import WarehouseResource

    layout = Layout.current()
    prepare_dagster_home(layout)
    layout.inbox.mkdir(parents=True)
    shutil.copy(good, layout.inbox / "KZ-75_2023.xlsx")
    with dg.DagsterInstance.get() as instance:
        resources = {"warehouse": WarehouseResource()}
        first = inbox_sensor(dg.build_sensor_context(instance=instance, resources=resources))
        again = inbox_sensor(dg.build_sensor_context(instance=instance, resources=resources))
        assert isinstance(first, dg.RunRequest) and again.run_key == first.run_key
        job = defs.resolve_job_def("build_all")
        run = job.execute_in_process(instance=instance, tags={"dagster/run_key": first.run_key})
        assert run.success
        after = inbox_sensor(dg.build_sensor_context(instance=instance, resources=resources))
    assert isinstance(after, dg.SkipReason)
    assert [e.region_code for e in read_ledger(layout)] == ["KZ-75"]
    assert not any(layout.inbox.iterdir())


def test_sensor_and_schedule_start_running_by_default():
    from pipelines.defs.returns import inbox_sensor

    assert inbox_sensor.default_status == dg.DefaultSensorStatus.RUNNING


@pytest.mark.slow  # starts a subprocess
def test_cli_validate_is_a_dry_run_and_reports_json(good, bilim_home):
    result = run_bilim("validate", str(good), "--json")
    assert result.returncode == 0
    report = json.loads(result.stdout)[0]
    assert report["accepted"] and report["submissions"] == [{"region_code": "KZ-75", "year": 2023, "values": 27, "expected": 27}]
    assert not (bilim_home / "raw").exists()


@pytest.mark.slow  # starts a subprocess
def test_cli_exit_codes(good, tmp_path):
    bad = edit_cells(good, tmp_path / "bad.xlsx", {("G1.K6.R3", "total", 3): "x y"})
    assert run_bilim("validate", str(bad)).returncode == 1
    assert run_bilim("validate", str(tmp_path / "missing.xlsx")).returncode == 2
    assert run_bilim("validate").returncode == 2
