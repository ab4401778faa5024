"""The programme's own facts (State Programme 2020–2025, Government decree No. 988 of 27 December 2019), each
written once and imported or passed everywhere else — in Python, and in SQL through the reference tables
``pipelines.marts.build.register_inputs`` makes from these constants (``_programme``, ``_programme_years``,
``_settlements``) and its ``census_date(year)`` macro. A new year is one edit here.

Only the programme's set lives here; other indicator sets are data (``contracts.sets``). Nothing else of ours is
imported (contracts are the shared layer) and nothing runs at import time.
"""

from __future__ import annotations

from datetime import date

# The target set of the decree in ``programme_targets.target_set`` (later sets, e.g. decree No. 726, add their own).
TARGET_SET = "decree_988_2019"

# The 2018 fact is the programme's baseline; the decree sets targets for 2020–2025. A return may be for any year from
# the baseline to the last (2018 returns carry regions' own baselines; 2019 values are reported, not targeted).
BASELINE_YEAR = 2018
FIRST_TARGET_YEAR = 2020
LAST_YEAR = 2025
YEARS = range(BASELINE_YEAR, LAST_YEAR + 1)
TARGET_YEARS = range(FIRST_TARGET_YEAR, LAST_YEAR + 1)

# Where a value was counted: the whole region, its towns or its villages (a city of republican significance is wholly
# urban). In this order everywhere they are listed.
SETTLEMENTS = ("total", "urban", "rural")

# A return describes the school year starting in its year: which regions existed is decided on the school-year
# census date, 1 September (so 2022 has the 20 units created on 8 June 2022).
CENSUS_MONTH, CENSUS_DAY = 9, 1


def census_date(year: int) -> date:
    """The census date of ``year``'s school year (1 September)."""
    return date(year, CENSUS_MONTH, CENSUS_DAY)
