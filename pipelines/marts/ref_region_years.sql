-- ref_region_years: one row per region and year of the programme (2018-2025) for every unit that existed on the
-- census date of that year's school year (1 September), with whether it is a city (wholly urban). The years and the
-- census date come from contracts.programme (table _programme_years, macro census_date).
with years as (
    select year from _programme_years
),

alive as (
    select
        r.region_code,
        y.year,
        r.region_type = 'city' as is_city
    from regions as r
    cross join years as y
    where (r.valid_from is null or r.valid_from <= census_date(y.year))
      and (r.valid_to is null or census_date(y.year) < r.valid_to)
)

select region_code, year, is_city from alive
