-- national_values: one row per indicator, year, cycle and settlement: the national value. The national return
-- when there is one (the roll-up beside it as a cross-check); otherwise the roll-up over the regions that reported:
-- the ratio of summed numerators and denominators for rates, the sum for counts, never an average of rates.
-- Coverage is the share of the expected denominator covered by the regions that reported (a missing region's
-- denominator estimated by its own nearest reported year), or, where that cannot be estimated, the share of the
-- expected regions. The programme's urban/rural series that are shares of all pupils (split_denominator = 'all',
-- derived in actuals) roll up the same way; a city, wholly urban, adds its whole numerator to the urban series and
-- nothing to the rural one, over its whole denominator.
with series as (
    select code as indicator_code, kind, rollup, settlement_split
    from programme_indicators
    where reporting = 'regional' and rollup in ('ratio_of_sums', 'sum')
      and (settlement = 'total' or split_denominator = 'all')
),

settlements as (
    select settlement from _settlements
),

expected as (
    select s.indicator_code, s.kind, ry.year, st.settlement, ry.region_code
    from series as s
    cross join ref_region_years as ry
    cross join settlements as st
    where st.settlement = 'total' or (s.settlement_split = 'yes' and not ry.is_city)
),

city_parts as (
    select
        p.code as indicator_code, a.region_code, a.year, 'total' as settlement,
        case when p.settlement = 'urban' then a.numerator else 0 end as numerator,
        a.denominator,
        a.is_synthetic
    from programme_indicators as p
    join actuals as a
        on a.indicator_code = regexp_replace(p.code, '\.(urban|rural)$', '.total')
       and a.settlement = 'total' and a.source = 'reported' and a.denominator > 0
    join ref_region_years as ry on ry.region_code = a.region_code and ry.year = a.year and ry.is_city
    where p.settlement in ('urban', 'rural') and p.split_denominator = 'all'
),

regional as (
    select indicator_code, region_code, year, settlement, value, numerator, denominator, is_synthetic
    from actuals
    where region_code <> 'KZ' and source in ('reported', 'derived')
    union all
    select indicator_code, region_code, year, settlement, numerator / denominator * 100 as value, numerator, denominator, is_synthetic
    from city_parts
),

joined as (
    select
        e.indicator_code, e.kind, e.year, e.settlement, e.region_code,
        r.value, r.numerator, r.denominator, r.is_synthetic,
        r.region_code is not null as reported
    from expected as e
    left join regional as r
        on r.indicator_code = e.indicator_code and r.region_code = e.region_code
       and r.year = e.year and r.settlement = e.settlement
),

estimates as (
    select
        j.indicator_code, j.year, j.settlement, j.region_code,
        arg_min(r.denominator, abs(r.year - j.year) * 2 + case when r.year > j.year then 1 else 0 end) as est_denominator
    from joined as j
    join regional as r
        on r.indicator_code = j.indicator_code and r.region_code = j.region_code and r.settlement = j.settlement
    where not j.reported
    group by j.indicator_code, j.year, j.settlement, j.region_code
),

rolled as (
    select
        j.indicator_code, j.kind, j.year, j.settlement,
        count(*) as n_expected,
        count(*) filter (where j.reported) as n_reported,
        sum(j.numerator) filter (where j.reported) as numerator,
        sum(j.denominator) filter (where j.reported) as denominator,
        sum(j.value) filter (where j.reported) as value_sum,
        coalesce(bool_or(j.is_synthetic), false) as is_synthetic,
        count(*) filter (where not j.reported) as n_missing,
        count(e.est_denominator) as n_estimated,
        sum(e.est_denominator) as est_missing_denominator
    from joined as j
    left join estimates as e
        on e.indicator_code = j.indicator_code and e.year = j.year and e.settlement = j.settlement
       and e.region_code = j.region_code
    group by j.indicator_code, j.kind, j.year, j.settlement
),

rolled_values as (
    select
        indicator_code, year, settlement, n_expected, n_reported, numerator, denominator, is_synthetic,
        case
            when kind in ('share', 'ratio') and denominator > 0 then numerator / denominator * 100
            when kind = 'count' then value_sum
        end as value,
        n_reported / n_expected as region_coverage,
        case
            when kind in ('share', 'ratio') and n_missing = n_estimated and denominator > 0
                then denominator / (denominator + coalesce(est_missing_denominator, 0))
        end as denominator_coverage
    from rolled
    where n_reported > 0
),

reported as (
    select indicator_code, year, cycle, settlement, value, numerator, denominator, is_synthetic
    from actuals
    where region_code = 'KZ'
),

final as (
    select
        coalesce(p.indicator_code, r.indicator_code) as indicator_code,
        coalesce(p.year, r.year) as year,
        p.cycle,
        coalesce(p.settlement, r.settlement) as settlement,
        coalesce(p.value, r.value) as value,
        case when p.indicator_code is not null then p.numerator else r.numerator end as numerator,
        case when p.indicator_code is not null then p.denominator else r.denominator end as denominator,
        case when p.indicator_code is not null then 'reported' else 'rolled_up' end as source,
        r.value as rolled_up_value,
        r.n_reported,
        r.n_expected,
        r.region_coverage,
        r.denominator_coverage,
        case when p.indicator_code is null then coalesce(r.denominator_coverage, r.region_coverage) end as coverage,
        coalesce(p.is_synthetic, r.is_synthetic, false) as is_synthetic
    from reported as p
    full outer join rolled_values as r
        on r.indicator_code = p.indicator_code and r.year = p.year and r.settlement = p.settlement
       and p.cycle is null
)

select * from final
order by indicator_code, year, settlement
