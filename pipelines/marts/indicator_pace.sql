-- indicator_pace: one row per indicator, region (or KZ) and settlement 'total': the observed pace against the one
-- required to reach the series' last target, as Statistics Canada's ratio R = d * CAGR_observed / |CAGR_required|
-- (used by Open SDG): CAGRs from the first observed value; the linear rule (rates of change instead of growth
-- rates) when a value or the target is zero or negative; at least two observed points; a target already met at the
-- first point is 'met'. Once the last target year has a value, the end-of-programme verdict: met or missed, by how
-- much (in the unit).
with gaps as (
    select indicator_code, region_code, year, actual, target
    from indicator_gaps
    where settlement = 'total' and status <> 'national_only'
),

series as (
    select code as indicator_code, case when direction = 'up' then 1 else -1 end as d, cast(decimals as integer) as decimals
    from programme_indicators
),

last_target as (
    select indicator_code, region_code, arg_max(target, year) as target, max(year) as target_year
    from gaps
    where target is not null
    group by indicator_code, region_code
),

observed as (
    select
        indicator_code, region_code,
        count(*) as n_points,
        arg_min(actual, year) as first_value, min(year) as first_year,
        arg_max(actual, year) as last_value, max(year) as last_year,
        bool_or(actual <= 0) as has_non_positive
    from gaps
    where actual is not null
    group by indicator_code, region_code
),

at_target_year as (
    select g.indicator_code, g.region_code, g.actual as actual_at_target_year
    from gaps as g
    join last_target as t on t.indicator_code = g.indicator_code and t.region_code = g.region_code and t.target_year = g.year
    where g.actual is not null
),

joined as (
    select
        t.indicator_code, t.region_code, t.target, t.target_year,
        o.n_points, o.first_value, o.first_year, o.last_value, o.last_year,
        coalesce(o.has_non_positive, false) or t.target <= 0 as linear,
        a.actual_at_target_year,
        s.d, s.decimals
    from last_target as t
    join series as s on s.indicator_code = t.indicator_code
    left join observed as o on o.indicator_code = t.indicator_code and o.region_code = t.region_code
    left join at_target_year as a on a.indicator_code = t.indicator_code and a.region_code = t.region_code
),

rates as (
    select
        *,
        case
            when n_points >= 2 and last_year > first_year and not linear
                then pow(last_value / first_value, 1.0 / (last_year - first_year)) - 1
            when n_points >= 2 and last_year > first_year
                then (last_value - first_value) / (last_year - first_year)
        end as observed_rate,
        case
            when first_year is not null and target_year > first_year and not linear
                then pow(target / first_value, 1.0 / (target_year - first_year)) - 1
            when first_year is not null and target_year > first_year
                then (target - first_value) / (target_year - first_year)
        end as required_rate
    from joined
),

scored as (
    select
        *,
        case when observed_rate is not null and required_rate <> 0 then d * observed_rate / abs(required_rate) end as pace_ratio
    from rates
),

final as (
    select
        s.indicator_code, s.region_code, 'total' as settlement,
        s.first_year, s.first_value, s.last_year, s.last_value,
        s.target_year, s.target,
        case when s.linear then 'linear' else 'cagr' end as method,
        s.observed_rate, s.required_rate, s.pace_ratio,
        case
            when s.first_value is not null and s.d * (round(s.first_value, s.decimals) - round(s.target, s.decimals)) >= 0 then 'met'
            when coalesce(s.n_points, 0) < cfg.pace_min_points or s.pace_ratio is null then 'insufficient_data'
            when s.pace_ratio >= cfg.pace_on_track then 'on_track'
            when s.pace_ratio >= cfg.pace_acceleration_needed then 'acceleration_needed'
            when s.pace_ratio >= cfg.pace_limited then 'limited'
            else 'deterioration'
        end as pace_status,
        case
            when s.target_year > cfg.as_of_year then null
            when s.actual_at_target_year is null then 'no_data'
            when s.d * (round(s.target, s.decimals) - round(s.actual_at_target_year, s.decimals)) <= 0 then 'met'
            else 'missed'
        end as verdict,
        case
            when s.actual_at_target_year is not null
                then round(s.d * (round(s.target, s.decimals) - round(s.actual_at_target_year, s.decimals)), s.decimals + 2)
        end as verdict_gap
    from scored as s
    cross join _config as cfg
)

select * from final
order by indicator_code, region_code
