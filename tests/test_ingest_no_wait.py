"""`bilim ingest --no-wait` records a return and returns without a build; the inbox sensor sees the published build
lagging the ledger and its catch-up run publishes the return."""

import dagster as dg
import polars as pl
import pytest

from contracts.home import Layout
from pipelines.freshness import build_lag
from pipelines.returns.ledger import read_ledger
from pipelines.runner import prepare_dagster_home
from tests.conftest import run_bilim
from tests.returns_factory import filled_return


@pytest.mark.slow
def test_ingest_no_wait_records_and_the_sensor_publishes_it(tmp_path, bilim_home):
    good = filled_return(tmp_path / "KZ-75_2023.xlsx", "KZ-75", 2023)
    result = run_bilim("ingest", str(good), "--no-wait", "--who", "tester")
    assert result.returncode == 0, result.stderr
    assert "ACCEPTED" in result.stdout and "not published yet" in result.stdout
    layout = Layout(bilim_home)
    assert [(e.region_code, e.year) for e in read_ledger(layout)] == [("KZ-75", 2023)]
    assert layout.current_build_id() is None and build_lag(layout) is not None
    assert not (bilim_home / "dagster").exists()  # no Dagster run was started

    from pipelines.definitions import defs
    from pipelines.defs.returns import inbox_sensor
    from pipelines.resources import WarehouseResource

    prepare_dagster_home(layout)
    with dg.DagsterInstance.get() as instance:
        resources = {"warehouse": WarehouseResource()}
        request = inbox_sensor(dg.build_sensor_context(instance=instance, resources=resources))
        assert isinstance(request, dg.RunRequest) and request.run_key.startswith("catch-up-")
        run = defs.resolve_job_def("build_all").execute_in_process(instance=instance, tags={"dagster/run_key": request.run_key})
        assert run.success
        after = inbox_sensor(dg.build_sensor_context(instance=instance, resources=resources))
    assert isinstance(after, dg.SkipReason)
    build = layout.current_build_id()
    assert build is not None and build_lag(layout) is None
    published = pl.read_parquet(layout.published_table(build, "submissions"))
    assert published.filter((pl.col("region_code") == "KZ-75") & (pl.col("year") == 2023)).height == 1
