-- ref_cycles: one row per assessment cycle: the year it was held (PISA-2021 was held in 2022, PISA-2024 in 2025),
-- which is the year column its target and its actual sit in. Filled from pipelines.returns.spec.CYCLE_HELD_IN by build.py.
select cycle, held_year from _ref_cycles
