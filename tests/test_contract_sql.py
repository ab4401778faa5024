"""The staging contract checked in DuckDB (``validate_table``) reports exactly what Pandera (``validate_frame``)
reports, row, field, value and words, on a frame that breaks every rule of StgReturnsValues; and both refuse a
submissions table (programme or indicator set) whose columns are not its contract's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import polars as pl
import pytest

from contracts.returns import SetSubmissions, StgReturnsValues, Submissions
from pipelines.tables import Problem, model_dtypes, validate_frame, validate_table


def _frame() -> pl.DataFrame:
    row = dict(
        submission_id="s",
        sha256="a" * 64,
        region_code="KZ-75",
        year=2023,
        cycle=None,
        indicator_code="G1",
        settlement="total",
        unit_kato=None,
        value=1.0,
        numerator=1.0,
        denominator=2.0,
        value_typed=None,
        comment=None,
        sheet="data",
        cell="data!E1",
        received_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    rows = [dict(row) for _ in range(6)]
    rows[1].update(sha256="XYZ", settlement="town", year=2030, unit_kato="12")  # pattern, code list, bound, pattern
    rows[2].update(numerator=None, denominator=0.0, settlement="urban")  # parts apart; denominator not > 0
    rows[3].update(settlement="rural", numerator=-1.0, sheet=None)  # negative numerator; required field empty
    rows[4].update(region_code="Almaty", settlement="urban", indicator_code="G2")
    return pl.DataFrame(rows, schema=model_dtypes(StgReturnsValues))  # rows 0 and 5: the same key


def _table(frame: pl.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("_incoming", frame.to_arrow())
    con.execute("create table stg as select * from _incoming")
    return con


def test_sql_contract_reports_what_pandera_reports():
    frame = _frame()
    expected = validate_frame(frame, StgReturnsValues, "stg")
    assert validate_table(_table(frame), "stg", StgReturnsValues, "stg") == expected
    assert Problem("stg", 3, "year", "2030 expected at most 2025") in expected
    assert Problem("stg", 7, None, "fails rule: multiple_fields_uniqueness") in expected
    assert len(expected) == 11


def test_sql_contract_passes_a_clean_table_and_caps_what_it_lists():
    frame = _frame()
    assert validate_table(_table(frame.slice(4, 1)), "stg", StgReturnsValues, "stg") == [
        Problem("stg", 2, "region_code", "'Almaty' expected the pattern ^KZ(-\\d{2})?$")
    ]
    assert validate_table(_table(frame.slice(0, 1)), "stg", StgReturnsValues, "stg") == []
    many = pl.concat([frame.slice(1, 1)] * 5).with_columns(pl.Series("indicator_code", [f"G{i}" for i in range(5)]))
    problems = validate_table(_table(many), "stg", StgReturnsValues, "stg", limit=2)
    assert Problem("stg", None, "year", "3 more rows fail less_than_or_equal_to(2025)") in problems
    assert sum(p.field == "year" for p in problems) == 3


def test_sql_contract_names_a_wrong_type():
    con = _table(_frame().with_columns(pl.col("year").cast(pl.Int32)))
    assert validate_table(con, "stg", StgReturnsValues, "stg") == [Problem("stg", 1, "year", "has type INTEGER; expected BIGINT")]


_LEDGER = dict(
    submission_id="20240301T090000Z-aaaaaaaa-1",
    sha256="a" * 64,
    file_name="return_2023.xlsx",
    archive_path="2024/aaaa.xlsx",
    who="officer",
    received_at=datetime(2024, 3, 1, 9, tzinfo=UTC),
    values=3,
    expected=3,
    warnings=0,
    kind="template",
    supersedes=None,
    review_state="accepted",
    reviewed_by="reviewer",
    reviewed_at=datetime(2024, 3, 2, 9, tzinfo=UTC),
    review_reason=None,
    accepted_at=datetime(2024, 3, 2, 9, tzinfo=UTC),
    is_current=True,
    is_pending=False,
)
_RETURN = {
    Submissions: dict(region_code="KZ-75", year=2023),
    SetSubmissions: dict(
        set_id="schools", unit_code="KZ-75", region_code="KZ-75", year=2024, return_kind="interim", as_of=date(2024, 9, 5)
    ),
}


@pytest.mark.parametrize("model", [Submissions, SetSubmissions], ids=lambda m: m.__name__)
def test_submissions_contracts_refuse_an_extra_and_a_missing_shared_column(model):
    """Both submissions tables take their shared columns and ``strict`` from one base model: each still passes a
    whole row, and refuses a column it does not have and the lack of a shared one, in Pandera and in SQL."""
    frame = pl.DataFrame([{**_LEDGER, **_RETURN[model]}], schema=model_dtypes(model))
    assert validate_frame(frame, model, "subs") == []
    assert validate_table(_table(frame), "stg", model, "subs") == []

    extra = frame.with_columns(pl.lit("x").alias("note"))
    assert validate_frame(extra, model, "subs") == [Problem("subs", None, None, "fails rule: column_in_schema")]
    assert validate_table(_table(extra), "stg", model, "subs") == [Problem("subs", 1, None, "unexpected column note")]

    missing = frame.drop("review_state")
    assert validate_frame(missing, model, "subs") == [Problem("subs", None, None, "fails rule: column_in_dataframe")]
    assert validate_table(_table(missing), "stg", model, "subs") == [Problem("subs", 1, None, "missing column review_state")]
