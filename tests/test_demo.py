"""`bilim demo --no-serve`: the demo returns go through the real template and ingest path, labelled, and the
real published national figures arrive with their source."""

import polars as pl
import pytest

from contracts.home import Layout
from pipelines.returns.ledger import read_ledger
from tests.conftest import run_bilim

pytestmark = pytest.mark.slow


def test_demo_builds_a_labelled_warehouse(bilim_home):
    result = run_bilim("demo", "--no-serve")
    assert result.returncode == 0, result.stderr[-2000:]
    entries = read_ledger(Layout.current())
    synthetic = [e for e in entries if e.who == "demo-synthetic" and not e.set_id]  # the programme's
    assert sum(e.who == "demo-synthetic" and bool(e.set_id) for e in entries) == 119  # the sets' (test_demo_sets)
    published = [e for e in entries if e.who == "demo-published"]
    # 17 regions a year for 2019-2021, 20 for 2022-2025, less KZ-10's missing 2025 return, plus one revision
    assert len(synthetic) == 17 * 3 + 20 * 4 - 1 + 1
    assert {e.year for e in published} == {2018, 2019, 2022, 2024}
    assert all(e.file_name.startswith("DEMO-SYNTHETIC_") for e in synthetic)
    layout = Layout.current()
    build = layout.build_dir(layout.current_build_id())
    gaps = pl.read_parquet(build / "indicator_gaps.parquet")
    pisa = gaps.filter(
        (pl.col("indicator_code") == "G1.T2.math") & (pl.col("region_code") == "KZ") & (pl.col("cycle") == "PISA-2021")
    )
    # OECD: Kazakhstan's PISA 2022 (the PISA-2021 cycle) maths score 425 against the programme's target 470
    assert pisa.select("year", "actual", "target", "gap", "status").row(0) == (2022, 425.0, 470.0, 45.0, "off_track")
    assert pisa["is_synthetic"].to_list() == [False]
    regional = gaps.filter((pl.col("region_code") == "KZ-19") & pl.col("actual").is_not_null())
    assert regional["is_synthetic"].all()
