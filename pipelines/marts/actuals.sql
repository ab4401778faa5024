-- actuals: one row per indicator, region (or KZ), year, cycle and settlement: the latest accepted value.
-- Rates are computed from numerators and denominators; sub-regional rows (unit_kato) are summed to their region
-- (numerators and denominators for rates, values for counts; other kinds are not summable and are left out);
-- the programme's urban/rural series that are shares of all pupils (split_denominator = 'all') are derived from
-- the urban or rural numerator of their total series over its total denominator.
with staged as (
    select
        v.indicator_code, v.region_code, v.year, v.cycle, v.settlement, v.unit_kato,
        v.value, v.numerator, v.denominator, v.submission_id, v.sha256, v.sheet, v.cell, v.received_at,
        i.kind
    from stg_returns__values as v
    join programme_indicators as i on i.code = v.indicator_code
),

region_rows as (
    select
        indicator_code, region_code, year, cycle, settlement,
        value, numerator, denominator,
        cast(null as bigint) as n_units,
        submission_id, sha256, sheet, cell, received_at,
        'reported' as source
    from staged
    where unit_kato is null
),

unit_sums as (
    select
        indicator_code, region_code, year, cycle, settlement, kind,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(value) as value_sum,
        count(*) as n_units,
        min(submission_id) as submission_id,
        min(sha256) as sha256,
        min(sheet) as sheet,
        min(received_at) as received_at
    from staged
    where unit_kato is not null
    group by indicator_code, region_code, year, cycle, settlement, kind
),

unit_rows as (
    select
        u.indicator_code, u.region_code, u.year, u.cycle, u.settlement,
        case
            when u.kind in ('share', 'ratio') and u.denominator > 0 then u.numerator / u.denominator * 100
            when u.kind = 'count' then u.value_sum
        end as value,
        case when u.kind in ('share', 'ratio') then u.numerator end as numerator,
        case when u.kind in ('share', 'ratio') then u.denominator end as denominator,
        u.n_units,
        u.submission_id, u.sha256, u.sheet,
        u.n_units || ' sub-regional rows' as cell,
        u.received_at,
        'reported' as source
    from unit_sums as u
    where u.kind in ('share', 'ratio', 'count')
      and not exists (
          select 1 from region_rows as r
          where r.indicator_code = u.indicator_code and r.region_code = u.region_code and r.year = u.year
            and r.settlement = u.settlement and r.cycle is not distinct from u.cycle
      )
),

combined as (
    select * from region_rows
    union all
    select * from unit_rows
),

split_series as (
    select
        code as indicator_code,
        settlement as part,
        regexp_replace(code, '\.(urban|rural)$', '.total') as total_code
    from programme_indicators
    where settlement in ('urban', 'rural') and split_denominator = 'all'
),

derived as (
    select
        s.indicator_code, part_row.region_code, part_row.year, part_row.cycle, 'total' as settlement,
        part_row.numerator / total_row.denominator * 100 as value,
        part_row.numerator, total_row.denominator,
        cast(null as bigint) as n_units,
        part_row.submission_id, part_row.sha256, part_row.sheet, part_row.cell, part_row.received_at,
        'derived' as source
    from split_series as s
    join combined as part_row
        on part_row.indicator_code = s.total_code and part_row.settlement = s.part
    join combined as total_row
        on total_row.indicator_code = s.total_code and total_row.settlement = 'total'
       and total_row.region_code = part_row.region_code and total_row.year = part_row.year
    where total_row.denominator > 0
),

final as (
    select * from combined
    union all
    select * from derived
)

select
    f.indicator_code, f.region_code, f.year, f.cycle, f.settlement,
    f.value, f.numerator, f.denominator, f.n_units, f.source,
    f.submission_id, f.sha256, f.sheet, f.cell, f.received_at,
    coalesce(s.who = 'demo-synthetic', false) as is_synthetic
from final as f
left join submissions as s on s.submission_id = f.submission_id
order by f.indicator_code, f.region_code, f.year, f.settlement
