"""Issue 10: the indicator sets in the warehouse (real Dagster definitions, real DuckDB file) and on the command line
(`bilim sets`, `bilim catalogue --set ID`)."""

import csv
import io
import json
import shutil

import dagster as dg
import polars as pl
import pytest

from contracts.home import Layout, repo_raw
from contracts.marts import MART_CONTRACTS
from pipelines import cli
from pipelines.catalogue.load import SET_TABLES, load_set_tables
from pipelines.definitions import defs
from pipelines.tables import TableError, validate_frame
from pipelines.warehouse import Warehouse, fetch
from tests.conftest import run_bilim

# The counts the set catalogues were written with (data/raw/<set_id>/indicators.csv); the programme's is read from
# its own catalogue, so a series added there does not break this test.
SET_COUNTS = {"road_to_school_2023": 21, "school_registration": 15, "inclusive_higher_ed": 11}


def _programme_count() -> int:
    return pl.read_csv(repo_raw() / "programme" / "indicators.csv", infer_schema=False).height


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.slow  # the real `bilim` in a subprocess
def test_bilim_sets_lists_the_four_sets_with_their_indicator_counts(bilim_home):
    assert not any(bilim_home.iterdir())  # a fresh home: the sets come from the repository's catalogue
    done = run_bilim("sets", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = _csv_rows(done.stdout)
    assert [r["set_id"] for r in rows] == ["programme", *SET_COUNTS]  # the registry's order, the default set first
    counts = {r["set_id"]: int(r["indicators"]) for r in rows}
    assert counts == {"programme": _programme_count(), **SET_COUNTS}
    by_id = {r["set_id"]: r for r in rows}
    assert by_id["school_registration"]["ranking_forbidden"] == "yes"  # §26 of order 398
    assert by_id["programme"]["has_targets"] == "yes" and by_id["road_to_school_2023"]["has_targets"] == "no"
    assert by_id["inclusive_higher_ed"]["reporting_unit"] == "institution"
    assert by_id["road_to_school_2023"]["period"] == "2023-08-01..2023-09-30"
    table = run_bilim("sets")
    assert table.returncode == 0 and all(sid in table.stdout for sid in counts)


@pytest.mark.slow  # the real `bilim` in a subprocess
def test_catalogue_of_school_registration_has_the_ten_grounds_of_section_22():
    done = run_bilim("catalogue", "--set", "school_registration", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = _csv_rows(done.stdout)
    assert len(rows) == SET_COUNTS["school_registration"]
    grounds = [r for r in rows if r["breakdown"] == "ground"]
    assert [g["breakdown_key"] for g in grounds] == [f"{n:02d}" for n in range(1, 11)]
    # §22's list is lines 119-128 of seed 003, one ground a line, under the heading on line 117
    assert [g["seed_lines"] for g in grounds] == [f"117-117;{line}-{line}" for line in range(119, 129)]
    assert {(g["relation"], g["parent_code"], g["design"]) for g in grounds} == {
        ("not_additive", "SR.registered.during", "transcribed")
    }
    assert all(g["name_kk"] and g["name_ru"] and g["name_en"] for g in grounds)


@pytest.mark.slow  # the real `bilim` in a subprocess
def test_an_unknown_set_is_a_usage_error_naming_the_known_sets():
    done = run_bilim("catalogue", "--set", "no_such_set")
    assert done.returncode == cli.EXIT_USAGE
    assert done.stdout == ""
    assert "no_such_set" in done.stderr
    assert all(sid in done.stderr for sid in ["programme", *SET_COUNTS])


def test_catalogue_without_set_and_with_the_programme_is_unchanged(capsys):
    assert cli.main(["catalogue", "--format", "json"]) == cli.EXIT_OK
    default = json.loads(capsys.readouterr().out)
    assert cli.main(["catalogue", "--set", "programme", "--format", "json"]) == cli.EXIT_OK
    assert json.loads(capsys.readouterr().out) == default
    assert len(default) == _programme_count()
    assert "t2025" in default[0]  # the programme's own listing, with its targets


def test_sets_names_follow_the_language(capsys):
    assert cli.main(["sets", "--lang", "kk", "--format", "json"]) == cli.EXIT_OK
    names = {r["set_id"]: r["name"] for r in json.loads(capsys.readouterr().out)}
    assert names["road_to_school_2023"] == "2023 жылғы «Мектепке жол» республикалық акциясы"
    assert cli.main(["sets", "--lang", "ru", "--format", "json"]) == cli.EXIT_OK
    names = {r["set_id"]: r["name"] for r in json.loads(capsys.readouterr().out)}
    assert names["road_to_school_2023"] == "Республиканская акция «Дорога в школу» 2023 года"


def _materialize(raise_on_error=True):
    """The catalogue group's assets and their checks exactly as the code location defines them, with its resources
    (the warehouse of $BILIM_HOME, the catalogue of $BILIM_RAW or the repository)."""
    job = defs.resolve_implicit_global_asset_job_def()
    selection = sorted(dg.AssetSelection.groups("catalogue").resolve(defs.resolve_asset_graph()))
    assert {dg.AssetKey(k) for k in SET_TABLES} <= set(selection)
    return job.execute_in_process(asset_selection=selection, raise_on_error=raise_on_error)


def test_the_real_definitions_write_the_set_tables_and_they_pass_their_contracts():
    result = _materialize()
    assert result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["set_indicators_match_seed"] is True  # every set's document and cited seed lines re-read
    assert all(checks.values()), checks
    layout = Layout.current()
    assert layout.warehouse.exists()
    with Warehouse(layout).connect(read_only=True) as con:
        tables = {name: fetch(con, f'select * from "{name}"') for name in SET_TABLES}
        programme_rows = con.execute("select count(*) from programme_indicators").fetchall()[0][0]
    for name, df in tables.items():
        assert validate_frame(df, MART_CONTRACTS[name], name) == [], name
    assert tables["indicator_sets"]["set_id"].to_list() == ["programme", *SET_COUNTS]
    counts = dict(tables["set_indicators"].group_by("set_id").len().iter_rows())
    assert counts == SET_COUNTS
    assert tables["institutions"]["set_id"].unique().to_list() == ["inclusive_higher_ed"]
    assert tables["institutions"].height == pl.read_csv(repo_raw() / "inclusive_higher_ed" / "institutions.csv").height
    assert programme_rows == _programme_count()  # the programme's own tables are still written as before


def test_a_broken_set_file_writes_nothing(tmp_path, monkeypatch):
    """A contract failure in one set's file fails the asset, and the warehouse keeps what it had."""
    assert _materialize().success
    layout = Layout.current()
    before = Warehouse(layout).content_hash()
    raw = tmp_path / "raw"
    shutil.copytree(repo_raw(), raw)
    path = raw / "school_registration" / "indicators.csv"
    original = path.read_text(encoding="utf-8")
    text = original.replace(",transcribed,,", ",designed,,", 1)  # designed without a design_note
    assert text != original
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TableError, match="designed indicator says why"):
        load_set_tables(raw)
    monkeypatch.setenv("BILIM_RAW", str(raw))
    bad = _materialize(raise_on_error=False)
    assert not bad.success
    assert Warehouse(layout).content_hash() == before


@pytest.mark.slow  # a real Dagster run of build_all (its compute-log capture starts subprocesses)
def test_the_published_build_carries_the_set_tables():
    from pipelines.runner import prepare_dagster_home, run_all

    layout = Layout.current()
    prepare_dagster_home(layout)
    ok, build_id, message = run_all()
    assert ok, message
    for name in SET_TABLES:
        df = pl.read_parquet(layout.build_dir(build_id) / f"{name}.parquet")
        assert validate_frame(df, MART_CONTRACTS[name], name) == [], name
    published = pl.read_parquet(layout.build_dir(build_id) / "set_indicators.parquet")
    assert dict(published.group_by("set_id").len().iter_rows()) == SET_COUNTS
