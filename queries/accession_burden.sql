-- accession_burden: the defence burden, year by year, of every European state that was not a
-- NATO member when the Cold War ended, as SIPRI's release in use on $as_of prints it, with the
-- day each joined NATO (by $as_of): the panel the claim C3 compares allies that joined with
-- states that stayed out on (a difference in differences around each accession).
-- Unit: percent of GDP (SIPRI's own share of GDP).
-- Source: macro sipri_at($as_of) (the newest SIPRI release published on or before $as_of, used
--   whole), table membership (NATO accession days), table country (region: REST Countries).
-- Parameters:
--   $as_of  the evaluation date: which SIPRI release, and which accessions had happened
-- States: region 'Europe' and no NATO membership before 1991-12-26 (the founders, Greece,
--   Türkiye, West Germany and Spain are left out; so is the GDR's territory, which came in
--   through unification). Years with no SIPRI share of GDP are left out, not NULL.

with

sipri as (
    select * from sipri_at(as_of := $as_of)
),

nato as (
    select
        membership.iso3,
        min(membership.joined) as nato_joined,
    from membership
    where membership.alliance = 'NATO'
    group by membership.iso3
),

europe as (
    select country.iso3, country.name
    from country
    left join nato
        on nato.iso3 = country.iso3
    where country.region = 'Europe'
        and (nato.nato_joined is null or nato.nato_joined > date '1991-12-26')
),

final as (
    select
        europe.iso3,
        europe.name as country,
        sipri.year,
        sipri.share_gdp_pct as burden_pct,
        sipri.is_estimate,
        sipri.edition,
        case when nato.nato_joined <= $as_of then nato.nato_joined end as nato_joined,
    from europe
    inner join sipri
        on sipri.iso3 = europe.iso3
    left join nato
        on nato.iso3 = europe.iso3
    where sipri.share_gdp_pct is not null
)

select * from final
order by final.iso3, final.year
