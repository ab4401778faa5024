"""The snapshot's streamed writer makes exactly the bytes ``canonical_csv`` makes, and the bounded reader reads
them back to the same table (pipelines.snapshots)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import duckdb
import polars as pl

from pipelines import snapshots
from pipelines.snapshots import _load_inputs, _type_name, canonical_csv, write_canonical


def _awkward() -> pl.DataFrame:
    """Nulls in every column, floats that format differently in every library, negatives, unicode, formula-like
    and quote-bearing text, an empty string, commas and newlines inside text, several rows equal but for one column."""
    return pl.DataFrame(
        {
            "code": [
                "b",
                "a",
                None,
                '=HYPERLINK("x")',
                "+cmd|' /c calc'!A0",
                "-",
                "'already",
                "Қазақстан, Ақмола",
                "line\nbreak",
                "",
                "a",
                "@SUM(1)",
            ],
            "value": [0.1, 1e-7, None, 123456789.123, -2.5, -0.0, 1e20, 5.0, 1 / 3, 2.0**-30, 0.1, 100.0],
            "n": [3, None, 1, -7, 0, 2**40, 5, 6, 7, 8, 3, 9],
            "flag": [True, False, None, True, False, True, True, False, None, True, False, True],
            "day": [
                date(2024, 1, 1),
                None,
                date(2019, 9, 1),
                date(2025, 12, 31),
                date(2024, 1, 1),
                None,
                date(2020, 2, 29),
                date(2021, 6, 8),
                date(2022, 6, 8),
                date(2023, 1, 1),
                date(2024, 1, 1),
                date(2024, 1, 2),
            ],
            "at": [
                datetime(2024, 3, 1, 1, 0, 0, 123456, tzinfo=UTC),
                None,
                datetime(2019, 1, 1, tzinfo=UTC),
                datetime(2025, 6, 30, 23, 59, 59, 999999, tzinfo=UTC),
                datetime(2024, 3, 1, tzinfo=UTC),
                datetime(2024, 3, 1, tzinfo=UTC),
                None,
                datetime(2020, 1, 1, 12, tzinfo=UTC),
                datetime(2021, 1, 1, tzinfo=UTC),
                datetime(2022, 1, 1, tzinfo=UTC),
                datetime(2024, 3, 1, tzinfo=UTC),
                datetime(2023, 5, 5, 5, 5, 5, 5, tzinfo=UTC),
            ],
        },
        schema_overrides={"at": pl.Datetime("us", "UTC")},
    )


def test_streamed_csv_is_byte_for_byte_canonical_csv(tmp_path, monkeypatch):
    """Through Parquet and DuckDB's sort, in batches of 5 rows (so the header is written once across batches)."""
    frame = _awkward()
    frame.write_parquet(tmp_path / "t.parquet")
    monkeypatch.setattr(snapshots, "BATCH_ROWS", 5)
    out = tmp_path / "t.csv"
    with duckdb.connect() as con, out.open("wb") as fh:
        write_canonical(con, f"read_parquet('{tmp_path / 't.parquet'}')", fh)
    assert out.read_bytes() == canonical_csv(pl.read_parquet(tmp_path / "t.parquet"))
    assert b"'=HYPERLINK" in out.read_bytes() and "Қазақстан".encode() in out.read_bytes()


def test_streamed_csv_of_an_empty_table_is_its_header(tmp_path):
    frame = _awkward().clear()
    frame.write_parquet(tmp_path / "e.parquet")
    out = tmp_path / "e.csv"
    with duckdb.connect() as con, out.open("wb") as fh:
        write_canonical(con, f"read_parquet('{tmp_path / 'e.parquet'}')", fh)
    assert out.read_bytes() == canonical_csv(frame) == b"code,value,n,flag,day,at\n"


def test_bounded_reader_reads_back_what_polars_reads(tmp_path, monkeypatch):
    """``_load_inputs`` (DuckDB, for verify) and ``_read_input`` (Polars) agree, and writing it again gives the same bytes."""
    frame = _awkward()
    inputs = tmp_path / "snap" / "inputs"
    inputs.mkdir(parents=True)
    monkeypatch.setattr(snapshots, "INPUT_TABLES", ["t"])
    (inputs / "t.csv").write_bytes(canonical_csv(frame))
    (inputs / "t.schema.json").write_text(json.dumps({n: _type_name(t) for n, t in frame.schema.items()}))
    with duckdb.connect() as con:
        _load_inputs(con, tmp_path / "snap")
        out = tmp_path / "again.csv"
        with out.open("wb") as fh:
            write_canonical(con, '"t"', fh)
    assert out.read_bytes() == canonical_csv(frame)
    assert out.read_bytes() == canonical_csv(snapshots._read_input(inputs / "t.csv"))
