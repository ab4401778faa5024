"""Regions: canonical KZ-NN codes that pycountry knows, and the units that existed on a given day."""

from datetime import date

import polars as pl
import pycountry
import pytest

from contracts.home import repo_raw
from pipelines.catalogue.load import load_regions


@pytest.fixture(scope="module")
def regions() -> pl.DataFrame:
    return load_regions(repo_raw())["regions"]


def existing_on(regions: pl.DataFrame, day: date) -> set[str]:
    live = regions.filter(
        (pl.col("valid_from").is_null() | (pl.col("valid_from") <= day))
        & (pl.col("valid_to").is_null() | (pl.lit(day) < pl.col("valid_to")))
    )
    return set(live["region_code"].to_list())


def test_current_codes_are_pycountrys(regions):
    known = {s.code for s in pycountry.subdivisions.get(country_code="KZ")}
    current = existing_on(regions, date(2025, 1, 1))
    assert len(current) == 20
    assert current == known


def test_seventeen_units_before_the_2022_split_and_twenty_after(regions):
    before = existing_on(regions, date(2022, 6, 7))
    after = existing_on(regions, date(2022, 6, 8))
    assert len(before) == 17 and len(after) == 20
    assert after - before == {"KZ-10", "KZ-33", "KZ-62"}


def test_south_kazakhstan_existed_until_june_2018(regions):
    assert "KZ-51" in existing_on(regions, date(2018, 1, 1))
    assert {"KZ-61", "KZ-79"}.isdisjoint(existing_on(regions, date(2018, 1, 1)))
    assert "KZ-51" not in existing_on(regions, date(2018, 9, 1))


def test_cities_are_the_three_of_republican_significance(regions):
    assert set(regions.filter(pl.col("region_type") == "city")["region_code"]) == {"KZ-71", "KZ-75", "KZ-79"}


def test_2022_changes_name_the_parent_units():
    changes = load_regions(repo_raw())["region_changes"].filter(pl.col("changed_on") == date(2022, 6, 8))
    assert set(zip(changes["from_region"], changes["to_region"], strict=True)) == {
        ("KZ-63", "KZ-10"),
        ("KZ-19", "KZ-33"),
        ("KZ-35", "KZ-62"),
    }


def test_units_alive_at_once_never_share_a_map_tile(regions):
    for day in (date(2018, 1, 1), date(2020, 1, 1), date(2025, 1, 1)):
        live = regions.filter(pl.col("region_code").is_in(list(existing_on(regions, day))))
        assert live.select("tile_row", "tile_col").is_duplicated().sum() == 0, day
