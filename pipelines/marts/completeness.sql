-- completeness: one row per region and year: whether a return was expected (the unit existed on 1 September of
-- the year), whether it arrived, when (first and latest submission accepted by a reviewer, shown in Asia/Almaty time), whether
-- the first arrived by the deadline (configured, with its source), how many revisions followed, and how many of
-- the expected values it holds.
with subs as (
    select
        region_code, year,
        min(received_at) as first_received_at,
        max(received_at) as last_received_at,
        count(*) - 1 as revisions
    from submissions
    where accepted_at is not null  -- every submission a reviewer accepted, revisions replaced since included
    group by region_code, year
),

current_subs as (
    select region_code, year, "values", expected, who = 'demo-synthetic' as is_synthetic
    from submissions
    where is_current
),

expected as (
    select region_code, year from ref_region_years
    union
    select region_code, year from submissions where region_code = 'KZ' and review_state = 'accepted'
),

final as (
    select
        e.region_code, e.year,
        s.first_received_at is not null as arrived,
        s.first_received_at,
        s.last_received_at,
        coalesce(s.revisions, 0) as revisions,
        make_date(e.year + 1, cfg.deadline_month, cfg.deadline_day) as deadline,
        case
            when s.first_received_at is null then null
            else cast(timezone('Asia/Almaty', s.first_received_at) as date) <= make_date(e.year + 1, cfg.deadline_month, cfg.deadline_day)
        end as on_time,
        c."values" as values_reported,
        c.expected as values_expected,
        case when c.expected > 0 then c."values" / c.expected end as share_complete,
        coalesce(c.is_synthetic, false) as is_synthetic
    from expected as e
    left join subs as s on s.region_code = e.region_code and s.year = e.year
    left join current_subs as c on c.region_code = e.region_code and c.year = e.year
    cross join _config as cfg
)

select * from final
order by year, region_code
