-- ref_region_years: one row per region and year 2018-2025 for every unit that existed on 1 September of that
-- year (the school-year census date), with whether it is a city (wholly urban).
with years as (
    select unnest(range(2018, 2026)) as year
),

alive as (
    select
        r.region_code,
        y.year,
        r.region_type = 'city' as is_city
    from regions as r
    cross join years as y
    where (r.valid_from is null or r.valid_from <= make_date(y.year, 9, 1))
      and (r.valid_to is null or make_date(y.year, 9, 1) < r.valid_to)
)

select region_code, year, is_city from alive
