-- capability_balance: the Correlates of War composite index of national capability (CINC) and
-- its two military components, military expenditure and military personnel, summed over the
-- members of each grouping (NATO, the Warsaw Pact, today's groupings) per year, with each
-- sum's share of the world total COW records that year.
-- Unit: CINC is a share of the world's capabilities (0-1; a grouping's sum too); expenditure in
--   thousand current US$; personnel in thousands; world shares in percent.
-- Source: cow_nmc (COW National Material Capabilities 6.0, 1816-2016), view
--   membership_spell (data/memberships.csv plus the derived NATO_EUROPE_CANADA), view
--   alliance_grouping (names).
-- Members join COW on iso3, so historical states count under their own codes (SUN, CSK, DDR,
--   YUG) and DEU is the Federal Republic until 1989 and unified Germany from 1990 (COW's 1990
--   row for the Federal Republic has no iso3; see etl/cow.py). A member with no COW row in a
--   year counts in n_members but not in the sums (n_members_in_cow, members_not_in_cow).
-- World totals: sums over every state COW lists that year (all rows of cow_nmc), so
--   cinc_world_sum is about 1 (COW's rounding) and the shares need no renormalising.
-- Parameters:
--   $alliance    one grouping code, or NULL for every grouping
--   $membership  'historical' (members in that year: a member on at least one day of it) or
--                'current' (members on $as_of, applied to every year)
--   $as_of       date for 'current' membership
--   $year_from   first year (default 1949, the North Atlantic Treaty)
--   $year_to     last year (NULL = COW's last, 2016)

with

cow as (
    select * from cow_nmc
    where cow_nmc.year >= $year_from
        and ($year_to is null or cow_nmc.year <= $year_to)
),

world as (
    select
        cow.year,
        count(*) as n_states,
        sum(cow.cinc) as cinc,
        sum(cow.milex_current_kusd) as milex_current_kusd,
        sum(cow.milper_k) as milper_k,
    from cow
    group by cow.year
),

members as (
    select selected.alliance, selected.iso3, selected.year
    from members_in($alliance, $membership, $as_of, (select list(year) from world))
        as selected
),

joined as (
    select
        members.alliance,
        members.iso3,
        members.year,
        cow.ccode,
        cow.cinc,
        cow.milex_current_kusd,
        cow.milper_k,
    from members
    left join cow using (iso3, year)
),

totals as (
    select
        joined.alliance,
        joined.year,
        count(*) as n_members,
        count(joined.ccode) as n_members_in_cow,
        count(joined.milex_current_kusd) as n_members_with_milex,
        count(joined.milper_k) as n_members_with_milper,
        sum(joined.cinc) as cinc,
        sum(joined.milex_current_kusd) as milex_current_kusd,
        sum(joined.milper_k) as milper_k,
        string_agg(joined.iso3, ',' order by joined.iso3) filter (where joined.ccode is null)
            as members_not_in_cow,
        string_agg(joined.iso3, ',' order by joined.iso3) as members,
    from joined
    group by joined.alliance, joined.year
),

final as (
    select
        totals.alliance,
        alliance_grouping.name as alliance_name,
        $membership as membership,
        totals.year,
        totals.n_members,
        totals.n_members_in_cow,
        totals.n_members_with_milex,
        totals.n_members_with_milper,
        totals.cinc as cinc_sum,
        100 * totals.cinc / nullif(world.cinc, 0) as cinc_world_share_pct,
        totals.milex_current_kusd as milex_current_kusd_sum,
        100 * totals.milex_current_kusd / nullif(world.milex_current_kusd, 0)
            as milex_world_share_pct,
        totals.milper_k as milper_k_sum,
        100 * totals.milper_k / nullif(world.milper_k, 0) as milper_world_share_pct,
        world.n_states as world_n_states,
        world.cinc as cinc_world_sum,
        totals.members,
        totals.members_not_in_cow,
    from totals
    inner join world
        on world.year = totals.year
    left join alliance_grouping
        on alliance_grouping.code = totals.alliance
)

select * from final
order by final.alliance, final.year
