-- indicator_gaps: one row per indicator, region (or KZ), year and settlement: actual against target.
-- gap = d * (T - A) (positive is a shortfall, in the indicator's unit), achievement = (A - B) / (T - B), compared
-- after rounding to the series' decimals. Assessment series are keyed by cycle and sit in the year the cycle was
-- held (a PISA-2021 target is compared with the PISA-2021 result, held in 2022). National targets apply to a region
-- only for shares, ratios, scores and indices. A region's baseline is its own 2018 value if reported, else the
-- national one (0 for growth measured from the 2018 level). Status thresholds come from data/raw/config/monitoring.toml (table _config).
with series as (
    select
        code as indicator_code, kind, reporting, settlement_split, reference_period, cast(decimals as integer) as decimals,
        case when direction = 'up' then 1 else -1 end as d,
        -- growth measured from the 2018 level is 0 % in 2018 by definition
        coalesce(baseline_2018, case when kind = 'growth' and growth_base_kind = 'level_2018' then 0.0 end) as baseline_2018,
        baseline_cycle
    from programme_indicators
),

target_rows as (
    select
        t.indicator_code,
        coalesce(c.held_year, t.year) as year,
        t.cycle,
        t.value as target
    from programme_targets as t
    left join ref_cycles as c on c.cycle = t.cycle
    where t.target_set = (select target_set from _programme)
),

settlements as (
    select settlement from _settlements
),

national_keys as (
    select indicator_code, year, cycle, 'total' as settlement from target_rows
    union
    select indicator_code, year, cycle, settlement from national_values
),

regional_keys as (
    select s.indicator_code, ry.region_code, ry.year, cast(null as varchar) as cycle, st.settlement
    from series as s
    cross join ref_region_years as ry
    cross join settlements as st
    where s.reporting = 'regional'
      and (st.settlement = 'total' or (s.settlement_split = 'yes' and not ry.is_city))
),

national_only_keys as (
    select s.indicator_code, ry.region_code, t.year, t.cycle, 'total' as settlement
    from series as s
    join target_rows as t on t.indicator_code = s.indicator_code
    join ref_region_years as ry on ry.year = t.year
    where s.reporting = 'national'
),

national_rows as (
    select
        k.indicator_code, 'KZ' as region_code, k.year, k.cycle, k.settlement,
        n.value as actual, n.source, n.coverage, coalesce(n.is_synthetic, false) as is_synthetic,
        false as national_only
    from national_keys as k
    left join national_values as n
        on n.indicator_code = k.indicator_code and n.year = k.year and n.settlement = k.settlement
       and n.cycle is not distinct from k.cycle
),

regional_rows as (
    select
        k.indicator_code, k.region_code, k.year, k.cycle, k.settlement,
        a.value as actual,
        case when a.value is not null then 'reported' end as source,
        cast(null as double) as coverage,
        coalesce(a.is_synthetic, false) as is_synthetic,
        false as national_only
    from regional_keys as k
    left join actuals as a
        on a.indicator_code = k.indicator_code and a.region_code = k.region_code and a.year = k.year
       and a.settlement = k.settlement and a.cycle is null
),

national_only_rows as (
    select
        indicator_code, region_code, year, cycle, settlement,
        cast(null as double) as actual, cast(null as varchar) as source, cast(null as double) as coverage,
        false as is_synthetic, true as national_only
    from national_only_keys
),

all_rows as (
    select * from national_rows
    union all
    select * from regional_rows
    union all
    select * from national_only_rows
),

own_baselines as (
    select a.indicator_code, a.region_code, a.settlement, a.value as own_baseline
    from actuals as a
    join series as s on s.indicator_code = a.indicator_code
    where (s.baseline_cycle is null and a.year = (select baseline_year from _programme) and a.cycle is null)
       or (s.baseline_cycle is not null and a.cycle = s.baseline_cycle)
),

with_targets as (
    select
        r.*,
        s.kind, s.d, s.decimals,
        case
            when r.region_code = 'KZ' or s.kind in ('share', 'ratio', 'score', 'index') then t.target
        end as target,
        coalesce(ob.own_baseline, s.baseline_2018) as baseline
    from all_rows as r
    join series as s on s.indicator_code = r.indicator_code
    left join target_rows as t
        on t.indicator_code = r.indicator_code and t.year = r.year and t.cycle is not distinct from r.cycle
    left join own_baselines as ob
        on ob.indicator_code = r.indicator_code and ob.region_code = r.region_code and ob.settlement = r.settlement
),

measured as (
    select
        *,
        round(actual, decimals) as actual_r,
        round(target, decimals) as target_r,
        round(baseline, decimals) as baseline_r
    from with_targets
),

scored as (
    select
        *,
        d * (target_r - actual_r) as gap,
        case
            when baseline_r is not null and target_r <> baseline_r and actual_r is not null
                then (actual_r - baseline_r) / (target_r - baseline_r)
        end as achievement
    from measured
),

final as (
    select
        s.indicator_code, s.region_code, s.year, s.cycle, s.settlement,
        s.actual, s.target, s.baseline,
        round(s.gap, s.decimals + 2) as gap,
        s.achievement,
        case
            when s.national_only then 'national_only'
            when s.target is null then 'no_target'
            when s.actual is null then 'no_data'
            when s.source = 'rolled_up' and coalesce(s.coverage, 0) < c.min_coverage then 'incomplete'
            when s.gap <= 0 then 'met'
            when s.achievement is null then 'off_track'
            when s.achievement >= c.on_track then 'on_track'
            when s.achievement >= c.at_risk then 'at_risk'
            else 'off_track'
        end as status,
        s.source,
        s.coverage,
        s.is_synthetic
    from scored as s
    cross join _config as c
)

select * from final
order by indicator_code, region_code, year, settlement
