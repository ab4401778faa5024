"""`bilim build` end to end in a subprocess: it publishes a build and records the run in the Dagster instance;
a broken catalogue row makes it exit 1 with ``file:row:field`` and leaves warehouse and published data as they were."""

import csv
import shutil
from pathlib import Path

import polars as pl
import pytest
from dagster import DagsterInstance

from contracts.home import Layout, repo_raw
from pipelines.warehouse import Warehouse
from tests.conftest import run_bilim

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built_home(tmp_path_factory) -> Path:
    """A BILIM_HOME with one good build, made once for this module."""
    home = tmp_path_factory.mktemp("built")
    result = run_bilim("build", env={"BILIM_HOME": str(home), "BILIM_RAW": str(repo_raw())})
    assert result.returncode == 0, result.stderr
    return home


def test_build_publishes_every_catalogue_table_and_records_the_run(built_home):
    layout = Layout(built_home)
    build = layout.current_build_id()
    assert build is not None
    published = pl.read_parquet(layout.build_dir(build) / "programme_indicators.parquet")
    curated = pl.read_csv(repo_raw() / "programme" / "indicators.csv", infer_schema=False)
    assert published["code"].to_list() == curated["code"].to_list()
    assert pl.read_parquet(layout.build_dir(build) / "regions.parquet").height == 21
    with DagsterInstance.from_config(str(built_home / "dagster")) as instance:
        runs = instance.get_runs()
    assert len(runs) == 1 and runs[0].is_success


def _copy_home(built_home: Path, dest: Path) -> Path:
    shutil.copytree(built_home, dest)
    return dest


def _edit(path: Path, match: dict[str, str], field: str, value: str, duplicate: bool = False) -> int:
    """Change ``field`` of the first row matching ``match`` (or append a copy of it); returns the CSV row number."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    idx = next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items()))
    if duplicate:
        copy = dict(rows[idx])
        copy[field] = value
        rows.insert(idx + 1, copy)
        idx += 1
    else:
        rows[idx][field] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return idx + 2


BROKEN = {
    "unknown direction": (
        "indicators.csv",
        {"code": "G1.K3.R2"},
        "direction",
        "sideways",
        False,
        "'sideways' expected one of ['up', 'down']",
    ),
    "target out of bounds": (
        "targets.csv",
        {"indicator_code": "G1.K3.R2", "year": "2025"},
        "value",
        "115",
        False,
        "115 is outside the series' hard bounds 0..100",
    ),
    "duplicated code": (
        "indicators.csv",
        {"code": "G1.K3.R2"},
        "name_en",
        "A second row with the same code",
        True,
        "'G1.K3.R2' duplicated: must be unique",
    ),
    "year 2026": (
        "targets.csv",
        {"indicator_code": "G1.K3.R2", "year": "2025"},
        "year",
        "2026",
        False,
        "2026 expected at most 2025",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_row_is_refused_with_its_location_and_nothing_changes(case, built_home, tmp_path):
    file, match, field, value, duplicate, expected = BROKEN[case]
    home = _copy_home(built_home, tmp_path / "home")
    raw = tmp_path / "raw"
    shutil.copytree(repo_raw(), raw)
    row = _edit(raw / "programme" / file, match, field, value, duplicate)
    layout = Layout(home)
    before = (Warehouse(layout).content_hash(), layout.current_build_id(), sorted(p.name for p in layout.builds.iterdir()))

    result = run_bilim("build", env={"BILIM_HOME": str(home), "BILIM_RAW": str(raw)})

    assert result.returncode == 1
    located_field = "code" if duplicate else field
    assert f"programme/{file}:{row}:{located_field}: {expected}" in result.stderr
    after = (Warehouse(layout).content_hash(), layout.current_build_id(), sorted(p.name for p in layout.builds.iterdir()))
    assert after == before
