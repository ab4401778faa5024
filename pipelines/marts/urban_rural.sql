-- urban_rural: one row per indicator, region (or KZ) and year: the urban and rural rates side by side, the gap
-- between them (urban - rural, in the unit: p.p. for percentages) and the location parity index rural/urban
-- (SDG 4.5.1; parity between the configured bounds). For a direction-down series the index reads inversely: more
-- of the bad thing in villages means villages are behind. Cities are wholly urban: 'n/a'.
with series as (
    select code as indicator_code, case when direction = 'up' then 1 else -1 end as d
    from programme_indicators
    where settlement_split = 'yes' and kind in ('share', 'ratio') and settlement = 'total'
),

regional as (
    select
        a.indicator_code, a.region_code, a.year,
        max(a.value) filter (where a.settlement = 'urban') as urban,
        max(a.value) filter (where a.settlement = 'rural') as rural,
        max(a.value) filter (where a.settlement = 'total') as total
    from actuals as a
    join series as s on s.indicator_code = a.indicator_code
    where a.region_code <> 'KZ'
    group by a.indicator_code, a.region_code, a.year
),

national as (
    select
        n.indicator_code, 'KZ' as region_code, n.year,
        max(n.value) filter (where n.settlement = 'urban') as urban,
        max(n.value) filter (where n.settlement = 'rural') as rural,
        max(n.value) filter (where n.settlement = 'total') as total
    from national_values as n
    join series as s on s.indicator_code = n.indicator_code
    group by n.indicator_code, n.year
),

combined as (
    select * from regional
    union all
    select * from national
),

final as (
    select
        c.indicator_code, c.region_code, c.year, c.total, c.urban, c.rural,
        c.urban - c.rural as gap_urban_rural,
        case when c.urban > 0 then c.rural / c.urban end as parity_index,
        case
            when coalesce(ry.is_city, false) then 'n/a'
            when c.urban is null or c.rural is null or c.urban = 0 then 'n/a'
            when c.rural / c.urban between cfg.parity_low and cfg.parity_high then 'parity'
            when (c.rural / c.urban < cfg.parity_low) = (s.d = 1) then 'rural_behind'
            else 'urban_behind'
        end as parity_status
    from combined as c
    join series as s on s.indicator_code = c.indicator_code
    left join ref_region_years as ry on ry.region_code = c.region_code and ry.year = c.year
    cross join _config as cfg
)

select * from final
order by indicator_code, region_code, year
