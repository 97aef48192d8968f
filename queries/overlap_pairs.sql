-- overlap_pairs: for every pair of groupings, their members in common on $as_of, the size of
-- each and of their union, the Jaccard index, and the share of each grouping's members that
-- also belong to the other.
-- Unit: counts; Jaccard index 0-1; shares in percent.
-- Source: macro members_on($as_of) (view membership_spell, derived NATO_EUROPE_CANADA left
--   out; view alliance_grouping).
-- Parameters:
--   $as_of  the date (member on D: joined <= D and (departed is null or departed > D))
-- Pairs are listed once (alliance_a < alliance_b) for groupings with members on $as_of.

with

current_members as (
    select * from members_on($as_of)
),

sizes as (
    select
        current_members.alliance,
        count(*) as n_members,
    from current_members
    group by current_members.alliance
),

pairs as (
    select
        a.alliance as alliance_a,
        b.alliance as alliance_b,
        a.n_members as n_a,
        b.n_members as n_b,
    from sizes as a
    inner join sizes as b
        on a.alliance < b.alliance
),

common as (
    select
        a.alliance as alliance_a,
        b.alliance as alliance_b,
        count(*) as n_both,
        string_agg(a.iso3, ', ' order by a.iso3) as members_both,
    from current_members as a
    inner join current_members as b
        on a.iso3 = b.iso3
        and a.alliance < b.alliance
    group by a.alliance, b.alliance
),

final as (
    select
        $as_of as as_of,
        pairs.alliance_a,
        pairs.alliance_b,
        pairs.n_a,
        pairs.n_b,
        coalesce(common.n_both, 0) as n_both,
        pairs.n_a + pairs.n_b - coalesce(common.n_both, 0) as n_union,
        coalesce(common.n_both, 0) / (pairs.n_a + pairs.n_b - coalesce(common.n_both, 0))
            as jaccard,
        100 * coalesce(common.n_both, 0) / pairs.n_a as share_of_a_in_b_pct,
        100 * coalesce(common.n_both, 0) / pairs.n_b as share_of_b_in_a_pct,
        coalesce(common.members_both, '') as members_both,
    from pairs
    left join common using (alliance_a, alliance_b)
)

select * from final
order by final.alliance_a, final.alliance_b
