-- us_forces: US military and DoD civilian personnel assigned to each host country on the newest
-- DMDC location report: active duty, National Guard and reserve, DoD civilians, and in all.
-- Unit: persons (head counts on the report's as-of date).
-- Source: table us_forces (DMDC, "Military and Civilian Personnel by Service/Agency by
--   State/Country", quarterly), its rows of kind 'foreign' and each component's TOTAL column;
--   country names from table country (REST Countries), else as DMDC prints them.
-- Parameters: none.
-- Assigned personnel only: DMDC leaves out personnel on temporary duty and those deployed in
-- support of contingency operations, so rotational forces are not in these figures (Poland
-- shows a few hundred assigned while thousands of US troops rotate through it). US territories
-- (Guam, Puerto Rico, ...), the military-mail 'states' (ARMED FORCES EUROPE, PACIFIC) and
-- DMDC's ZZ-UNKNOWN are not host countries and are left out; the total rows too.

with

newest as (
    select max(us_forces.edition) as edition from us_forces
),

hosts as (
    select
        us_forces.iso3,
        string_agg(distinct us_forces.location, ' + ' order by us_forces.location) as location,
        max(us_forces.as_of) as as_of,
        max(us_forces.edition) as edition,
        -- bigint: a sum of integers is a 128-bit integer, which clients read as a decimal
        cast(sum(us_forces.personnel) filter (where us_forces.component = 'active_duty')
            as bigint) as active_duty,
        cast(sum(us_forces.personnel) filter (where us_forces.component = 'guard_reserve')
            as bigint) as guard_reserve,
        cast(sum(us_forces.personnel) filter (where us_forces.component = 'civilian')
            as bigint) as civilian,
        cast(sum(us_forces.personnel) filter (where us_forces.component = 'all')
            as bigint) as total,
    from us_forces
    inner join newest on newest.edition = us_forces.edition
    where us_forces.kind = 'foreign' and us_forces.service = 'total'
    group by us_forces.iso3
),

final as (
    select
        hosts.iso3,
        coalesce(country.name, hosts.location) as country,
        hosts.location,
        hosts.as_of,
        hosts.edition,
        hosts.active_duty,
        hosts.guard_reserve,
        hosts.civilian,
        hosts.total,
    from hosts
    left join country on country.iso3 = hosts.iso3
)

select * from final
order by final.active_duty desc, final.iso3
