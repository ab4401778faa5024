"""Dagster's real definitions: the graph as committed, and a real materialization against a real instance."""

import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from contracts.home import Layout, repo_raw
from pipelines.definitions import defs
from pipelines.resources import CatalogueResource, WarehouseResource
from pipelines.runner import prepare_dagster_home, run_all
from pipelines.warehouse import Warehouse

EXPECTED = Path(__file__).with_name("expected_graph.txt")


def loaded_graph() -> list[str]:
    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        parents = sorted(p.to_user_string() for p in graph.get(key).parent_keys)
        lines.append(f"{key.to_user_string()} <- {', '.join(parents)}".rstrip())
    for check_key in sorted(graph.asset_check_keys, key=lambda k: k.name):
        lines.append(f"check {check_key.name} on {check_key.asset_key.to_user_string()}")
    return lines


def test_graph_matches_the_committed_list():
    expected = [ln.rstrip() for ln in EXPECTED.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    assert loaded_graph() == expected


def test_runs_use_the_in_process_executor():
    """One writer: Dagster runs must not fan out into parallel processes writing the warehouse."""
    for name in ("build_all", "kpi_snapshot_job"):
        assert defs.resolve_job_def(name).executor_def.name == "in_process"


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
def test_materialize_all_against_a_real_instance(bilim_home):
    prepare_dagster_home(Layout.current())
    ok, build_id, message = run_all()
    assert ok, message
    layout = Layout.current()
    assert layout.current_build_id() == build_id
    targets = pl.read_parquet(layout.build_dir(build_id) / "programme_targets.parquet")
    orphans = targets.filter((pl.col("indicator_code") == "G1.K3.R2") & (pl.col("year") == 2025))
    assert orphans["value"].to_list() == [15.0]  # seed 1664: children in orphan institutions, 20.1 -> ... -> 15 in 2025
    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey("programme_indicators"))
    assert event is not None and event.asset_materialization.metadata["row_count"].value == pl.read_csv(
        repo_raw() / "programme" / "indicators.csv", infer_schema=False
    ).height


def test_the_catalogue_asset_itself_refuses_a_broken_row(bilim_home, tmp_path):
    """Even when launched from the UI (no CLI pre-flight), a broken catalogue writes nothing."""
    layout = Layout.current()
    warehouse = WarehouseResource(home=str(layout.home))
    good = dg.materialize(
        [_asset("programme_catalogue")], resources={"warehouse": warehouse, "catalogue": CatalogueResource()}
    )
    assert good.success
    before = Warehouse(layout).content_hash()
    raw = tmp_path / "raw"
    shutil.copytree(repo_raw(), raw)
    path = raw / "programme" / "targets.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text.append("decree_988_2019,G9.T1,2024,,50,")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    bad = dg.materialize(
        [_asset("programme_catalogue")],
        resources={"warehouse": warehouse, "catalogue": CatalogueResource(raw_dir=str(raw))},
        raise_on_error=False,
    )
    assert not bad.success
    assert Warehouse(layout).content_hash() == before


def _asset(name: str):
    from pipelines.defs import catalogue

    return getattr(catalogue, name)


@pytest.mark.slow  # a real Dagster run builds its home (its compute-log capture starts subprocesses)
@pytest.mark.parametrize("name", ["every_series_targeted", "region_counts"])
def test_checks_pass_on_the_real_build(bilim_home, name):
    prepare_dagster_home(Layout.current())
    ok, _, message = run_all()
    assert ok, message
    with dg.DagsterInstance.get() as instance:
        records = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(dg.AssetKey("regions" if name == "region_counts" else "programme_targets"), name), limit=1
        )
    assert records and records[0].status.value == "SUCCEEDED"
