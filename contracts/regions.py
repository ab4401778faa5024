"""Pandera contracts of the regions and their boundary changes."""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

REGION_TYPES = ["oblys", "city"]
ISO_PATTERN = r"^KZ-\d{2}$"


class Regions(pa.DataFrameModel):
    """One row per first-level unit that existed 2018-2025 (20 current plus historic South Kazakhstan)."""

    region_code: str = pa.Field(
        unique=True, str_matches=r"^(KZ-\d{2}|KZ-51)$", description="Canonical code KZ-NN, NN = KATO prefix"
    )
    kato2: int = pa.Field(unique=True, ge=10, le=99, description="KATO first-level prefix")
    kato9: str = pa.Field(str_matches=r"^\d{9}$", description="9-digit KATO code")
    iso_before_2022: Optional[str] = pa.Field(
        nullable=True, str_matches=r"^KZ-[A-Z]{3}$", description="ISO 3166-2 letter code before 29 Nov 2022"
    )
    name_kk: str = pa.Field(description="Name, Kazakh")
    name_ru: str = pa.Field(description="Name, Russian")
    name_en: str = pa.Field(description="Name, English")
    region_type: str = pa.Field(isin=REGION_TYPES, description="oblys, or city of republican significance (wholly urban)")
    valid_from: Optional[pl.Date] = pa.Field(nullable=True, description="First day the unit existed (empty: before 2018)")
    valid_to: Optional[pl.Date] = pa.Field(
        nullable=True, description="The day the unit ceased to exist, exclusive (empty: still exists)"
    )
    tile_row: int = pa.Field(ge=0, le=9, description="Row in the tile-grid map")
    tile_col: int = pa.Field(ge=0, le=9, description="Column in the tile-grid map")
    notes: Optional[str] = pa.Field(nullable=True, description="What changed")

    class Config:
        strict = True

    @pa.dataframe_check(description="valid_from precedes valid_to")
    def validity_ordered(cls, data) -> pl.LazyFrame:
        c = pl.col
        return data.lazyframe.select(c("valid_from").is_null() | c("valid_to").is_null() | (c("valid_from") < c("valid_to")))


class RegionChanges(pa.DataFrameModel):
    """One row per (date, from-unit, to-unit) boundary change."""

    changed_on: pl.Date = pa.Field(description="Date the change took effect")
    from_region: str = pa.Field(str_matches=r"^KZ-\d{2}$", description="The unit territory came from")
    to_region: str = pa.Field(str_matches=r"^KZ-\d{2}$", description="The unit territory went to")
    change: str = pa.Field(isin=["renamed_recoded", "split_off"], description="What happened")
    note: str = pa.Field(description="What moved")

    class Config:
        strict = True
        unique = ["changed_on", "from_region", "to_region"]
