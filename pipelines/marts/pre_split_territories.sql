-- pre_split_territories: one row per indicator, pre-2022 territory, settlement and year: a unit split in 2022
-- (East Kazakhstan, Almaty Region, Karaganda) compared with itself across the split. Before the split it is the
-- parent's value; from the split on, the parent and the new unit together, from summed numerators and
-- denominators (rates) or summed values (counts) -- never an average.
with splits as (
    select from_region as parent, to_region as child, changed_on
    from region_changes
    where change = 'split_off' and extract(year from changed_on) = 2022
),

series as (
    select code as indicator_code, kind from programme_indicators where kind in ('share', 'ratio', 'count')
),

members as (
    select parent, parent as region_code, changed_on from splits
    union all
    select parent, child as region_code, changed_on from splits
),

joined as (
    select
        m.parent, a.indicator_code, s.kind, a.settlement, a.year, a.region_code,
        a.value, a.numerator, a.denominator,
        census_date(a.year) >= m.changed_on as after_split
    from members as m
    join actuals as a on a.region_code = m.region_code
    join series as s on s.indicator_code = a.indicator_code
    where a.source = 'reported'
),

aggregated as (
    select
        parent, indicator_code, kind, settlement, year, after_split,
        count(distinct region_code) as n_units,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(value) as value_sum
    from joined
    where after_split or region_code = parent
    group by parent, indicator_code, kind, settlement, year, after_split
)

select
    parent || '+' || (select child from splits where splits.parent = aggregated.parent) as territory_code,
    parent as parent_region,
    indicator_code, settlement, year,
    case
        when kind in ('share', 'ratio') and denominator > 0 then numerator / denominator * 100
        when kind = 'count' then value_sum
    end as value,
    numerator, denominator,
    n_units,
    (not after_split) or n_units = 2 as complete
from aggregated
order by territory_code, indicator_code, settlement, year
