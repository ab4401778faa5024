"""Pandera contracts of the returns layer: the submissions ledger as a table and the staged values."""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

from contracts.programme import BASELINE_YEAR, LAST_YEAR, SETTLEMENTS


class _LedgerSubmission(pa.DataFrameModel):
    """The columns every submissions table shares, whichever indicator set its return belongs to: the ledger entry
    (the archived file, who sent it, when, what it held) and where it stands in review. Not a table of its own:
    ``Submissions`` and ``SetSubmissions`` add the identity of their returns, and inherit ``strict`` from here
    (Pandera merges ``Config`` and fields along the classes' bases). Columns are matched by name, not position
    (``ordered`` is off); a table's column order is its frame's (``pipelines.returns.staging``)."""

    submission_id: str = pa.Field(unique=True, description="Received time, file hash prefix and group number")
    sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="Content hash of the archived file")
    file_name: str = pa.Field(description="The file's name as uploaded")
    archive_path: str = pa.Field(description="Path inside the archive")
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


class Submissions(_LedgerSubmission):
    """One row per (region, year) submission in ledger order, with its review state; superseded ones included."""

    region_code: str = pa.Field(str_matches=r"^KZ(-\d{2})?$", description="Region, or KZ for the national return")
    year: int = pa.Field(ge=BASELINE_YEAR, le=LAST_YEAR, description="Year of the return")


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


class SetSubmissions(_LedgerSubmission):
    """One row per submission of an indicator set's return (DESIGN §9; sets other than the programme) in ledger
    order, superseded ones included, with its review state: the programme's ``Submissions`` with the set's return
    identity. ``unit_code`` is the reporting unit (a region code, or an institution code from the set's registry;
    ``region_code`` is then the region it is in); a campaign's returns are told apart by ``return_kind`` and
    ``as_of`` (every dated interim return and the final return are separate returns)."""

    set_id: str = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$", description="The indicator set")
    unit_code: str = pa.Field(description="Reporting unit: region code or institution code")
    region_code: str = pa.Field(str_matches=r"^KZ(-\d{2})?$", description="The region the unit is in, or KZ")
    year: int = pa.Field(ge=2000, le=2100, description="Year (school/academic year's first year; campaign's year)")
    return_kind: Optional[str] = pa.Field(nullable=True, isin=["interim", "final"], description="Campaign only")
    as_of: Optional[pl.Date] = pa.Field(nullable=True, description="Campaign only: the date the values stand at")


class StgSetValues(pa.DataFrameModel):
    """The true (unsuppressed) values of the official submission of every indicator set's return: the columns of
    ``pipelines.returns.spec.SET_PARSED_SCHEMA`` with the submission and when it was received. Every accepted dated
    return of a campaign is kept (the campaign's progress by date). Kept in the warehouse, never published: the
    ``set_values`` mart (``contracts.sets.SetValues``) is what leaves it, suppressed."""

    submission_id: str = pa.Field(description="The submission the value belongs to")
    sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="Archive hash of the file")
    set_id: str = pa.Field(str_matches=r"^[a-z][a-z0-9_]*$", description="The indicator set")
    unit_code: str = pa.Field(description="Reporting unit: region code or institution code")
    region_code: str = pa.Field(str_matches=r"^KZ(-\d{2})?$", description="The region the unit is in, or KZ")
    year: int = pa.Field(ge=2000, le=2100, description="Year (school/academic year's first year; campaign's year)")
    return_kind: Optional[str] = pa.Field(nullable=True, isin=["interim", "final"], description="Campaign only")
    as_of: Optional[pl.Date] = pa.Field(nullable=True, description="Campaign only: the date the values stand at")
    indicator_code: str = pa.Field(str_matches=r"^[A-Z]{2,4}(\.[a-z0-9_]+)+$", description="Indicator code of the set")
    settlement: str = pa.Field(isin=SETTLEMENTS, description="total, urban or rural")
    value: Optional[float] = pa.Field(nullable=True, description="Counts and tenge as typed, a share 0..100, a flag 1/0")
    numerator: Optional[float] = pa.Field(nullable=True, ge=0, description="Numerator as typed")
    denominator: Optional[float] = pa.Field(nullable=True, gt=0, description="Denominator as typed")
    comment: Optional[str] = pa.Field(nullable=True, description="The officer's comment")
    sheet: str = pa.Field(description="Sheet the value was read from")
    cell: str = pa.Field(description="Where it was typed: data!C14")
    received_at: pl.Datetime(time_zone="UTC") = pa.Field(description="When the submission was accepted (UTC)")

    class Config:
        strict = True
        unique = ["set_id", "unit_code", "year", "return_kind", "as_of", "indicator_code", "settlement"]
