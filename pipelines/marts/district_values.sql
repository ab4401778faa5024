-- district_values: one row per indicator, region, district, year and settlement: the district's actual,
-- re-aggregated from the accepted sub-regional rows (unit_kato: a school's or settlement's 9-digit KATO code
-- AABBCCDDD) inside it. A row belongs to the district whose code shares its first four digits (region AA, district
-- BB) and which existed on 1 September of the year (the census date, as in ref_region_years). Rates are
-- 100 * summed numerators / summed denominators and counts are summed, exactly as actuals sums the same rows to
-- their region; other kinds are not summable and are left out. Rows whose code names no district are left out here
-- (they still count in their region's actual).
with staged as (
    select
        v.indicator_code, v.region_code, v.year, v.settlement, v.unit_kato,
        v.value, v.numerator, v.denominator, v.submission_id,
        i.kind
    from stg_returns__values as v
    join programme_indicators as i on i.code = v.indicator_code
    where v.unit_kato is not null
      and v.cycle is null
      and i.kind in ('share', 'ratio', 'count')
),

districts as (
    select kato9 as district_kato, region_code, left(kato9, 4) as district_prefix, valid_from, valid_to
    from ref_districts
),

placed as (
    select
        s.indicator_code, s.region_code, d.district_kato, s.year, s.settlement, s.kind,
        s.value, s.numerator, s.denominator, s.submission_id
    from staged as s
    join districts as d
        on d.district_prefix = left(s.unit_kato, 4)
       and d.region_code = s.region_code
       and (d.valid_from is null or d.valid_from <= census_date(s.year))
       and (d.valid_to is null or census_date(s.year) < d.valid_to)
),

sums as (
    select
        p.indicator_code, p.region_code, p.district_kato, p.year, p.settlement, p.kind,
        sum(p.numerator) as numerator,
        sum(p.denominator) as denominator,
        sum(p.value) as value_sum,
        count(*) as n_units,
        bool_or(coalesce(sub.who = 'demo-synthetic', false)) as is_synthetic
    from placed as p
    left join submissions as sub on sub.submission_id = p.submission_id
    group by p.indicator_code, p.region_code, p.district_kato, p.year, p.settlement, p.kind
),

final as (
    select
        indicator_code, region_code, district_kato, cast(year as bigint) as year, settlement,
        case
            when kind in ('share', 'ratio') and denominator > 0 then numerator / denominator * 100
            when kind = 'count' then value_sum
        end as value,
        case when kind in ('share', 'ratio') then numerator end as numerator,
        case when kind in ('share', 'ratio') and denominator > 0 then denominator end as denominator,
        n_units,
        is_synthetic
    from sums
)

select
    indicator_code, region_code, district_kato, year, settlement, value, numerator, denominator, n_units, is_synthetic
from final
order by indicator_code, region_code, district_kato, year, settlement
