"""Pandera contracts of the returns layer: the submissions ledger as a table and the staged values."""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

from contracts.programme import BASELINE_YEAR, LAST_YEAR, SETTLEMENTS


class Submissions(pa.DataFrameModel):
    """One row per (region, year) submission in ledger order, with its review state; superseded ones included."""

    submission_id: str = pa.Field(unique=True, description="Received time, file hash prefix and group number")
    sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="Content hash of the archived file")
    file_name: str = pa.Field(description="The file's name as uploaded")
    archive_path: str = pa.Field(description="Path inside the archive")
    region_code: str = pa.Field(str_matches=r"^KZ(-\d{2})?$", description="Region, or KZ for the national return")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year of the return")
    who: str = pa.Field(description="Who submitted it")
    received_at: pl.Datetime(time_zone="UTC") = pa.Field(description="When it was accepted (UTC)")
    values: int = pa.Field(ge=0, description="Values accepted")
    expected: int = pa.Field(ge=0, description="Rows the return asked for")
    warnings: int = pa.Field(ge=0, description="Warnings raised")
    kind: str = pa.Field(isin=["template", "flat"], description="Template workbook or flat file")
    supersedes: Optional[str] = pa.Field(nullable=True, description="The submission it replaced")
    review_state: str = pa.Field(
        isin=["submitted", "accepted", "returned", "reopened", "superseded"],
        description="Where the submission stands in review: only accepted submissions count",
    )
    reviewed_by: Optional[str] = pa.Field(nullable=True, description="Who took the last review decision on it")
    reviewed_at: Optional[pl.Datetime(time_zone="UTC")] = pa.Field(nullable=True, description="When (UTC)")
    review_reason: Optional[str] = pa.Field(nullable=True, description="The reviewer's reason (return, reopen)")
    accepted_at: Optional[pl.Datetime(time_zone="UTC")] = pa.Field(
        nullable=True, description="When a reviewer first accepted it (kept when it was later reopened and replaced)"
    )
    is_current: bool = pa.Field(description="Whether it is the official submission of its return (newest accepted)")
    is_pending: bool = pa.Field(description="Whether it is the submission of its return awaiting review")

    class Config:
        strict = True


class StgReturnsValues(pa.DataFrameModel):
    """One row per value of the current submission of each region and year, 1:1 with what was typed (sub-regional
    rows kept with their ``unit_kato``), with the archive hash, sheet and cell it came from."""

    submission_id: str = pa.Field(description="The submission the value belongs to")
    sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="Archive hash of the file")
    region_code: str = pa.Field(str_matches=r"^KZ(-\d{2})?$", description="Region, or KZ")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year of the return")
    cycle: Optional[str] = pa.Field(nullable=True, description="Assessment cycle, for assessment series")
    indicator_code: str = pa.Field(description="Series code")
    settlement: str = pa.Field(isin=SETTLEMENTS, description="total, urban or rural")
    unit_kato: Optional[str] = pa.Field(nullable=True, str_matches=r"^\d{9}$", description="Sub-regional unit, if any")
    value: Optional[float] = pa.Field(nullable=True, description="The rate computed from its parts, or the value typed")
    numerator: Optional[float] = pa.Field(nullable=True, ge=0, description="Numerator as typed")
    denominator: Optional[float] = pa.Field(nullable=True, gt=0, description="Denominator as typed")
    value_typed: Optional[float] = pa.Field(nullable=True, description="The value typed beside the parts (a cross-check)")
    comment: Optional[str] = pa.Field(nullable=True, description="The officer's comment")
    sheet: str = pa.Field(description="Sheet (or CSV file) the value was read from")
    cell: str = pa.Field(description="Where it was typed: data!E14 or file.csv:14:value")
    received_at: pl.Datetime(time_zone="UTC") = pa.Field(description="When the submission was accepted (UTC)")

    class Config:
        strict = True
        unique = ["region_code", "year", "indicator_code", "settlement", "unit_kato"]

    @pa.dataframe_check(description="numerator and denominator come together or not at all")
    def parts_together(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select(c("numerator").is_null() == c("denominator").is_null())
