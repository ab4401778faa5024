-- indicator_changes: one row per indicator, region, settlement and year with a value: the change against the
-- region's previous value. A unit's first year has no comparison ('new_region' for the units created in 2022);
-- a comparison across a boundary change of the unit ('territory_changed', e.g. East Kazakhstan 2021 -> 2023)
-- is flagged, never silently compared. pre_split_territories carries the comparable pre-split aggregate.
with values as (
    select indicator_code, region_code, settlement, year, value
    from actuals
    where region_code <> 'KZ' and cycle is null and source <> 'derived'
),

ordered as (
    select
        *,
        lag(year) over w as previous_year,
        lag(value) over w as previous_value
    from values
    window w as (partition by indicator_code, region_code, settlement order by year)
),

changes as (
    select from_region as region_code, changed_on from region_changes where change = 'split_off'
    union all
    select to_region as region_code, changed_on from region_changes where change = 'split_off'
),

flagged as (
    select
        o.*,
        exists (
            select 1 from changes as c
            where c.region_code = o.region_code
              and o.previous_year is not null
              and census_date(o.previous_year) < c.changed_on and c.changed_on <= census_date(o.year)
        ) as crosses_change,
        r.valid_from,
        case
            when r.valid_from is null then null
            when r.valid_from <= census_date(year(r.valid_from)) then year(r.valid_from)
            else year(r.valid_from) + 1
        end as first_school_year
    from ordered as o
    join regions as r on r.region_code = o.region_code
)

select
    indicator_code, region_code, settlement, year, value, previous_year, previous_value,
    case when previous_value is not null and not crosses_change then value - previous_value end as change,
    case
        when previous_year is null and valid_from is not null and year = first_school_year then 'new_region'
        when previous_year is null then 'first_value'
        when crosses_change then 'territory_changed'
    end as flag
from flagged
order by indicator_code, region_code, settlement, year
