-- Scalar macro is_member_on(joined, departed, on_date): whether a membership spell covers the
-- day on_date. Spells are half-open (see membership_spell: departed is the first day outside),
-- so a member on D when joined <= D and (departed is null or departed > D).
create or replace macro is_member_on(joined, departed, on_date) as
    joined <= on_date and (departed is null or departed > on_date);

-- Table macro members_on(on_date): the groupings' members on one day, one row per (alliance,
-- iso3) with a spell covering on_date (is_member_on), and the grouping's is_minilateral. The
-- derived NATO_EUROPE_CANADA is left out: a count of groupings counts NATO once. The
-- membership the overlap queries (matrix, multi-members, pairs) read.
-- Parameters: on_date (date).
create or replace macro members_on(on_date) as table
select distinct
    spells.alliance,
    spells.iso3,
    alliance_grouping.is_minilateral,
from membership_spell as spells
inner join alliance_grouping
    on alliance_grouping.code = spells.alliance
where not spells.is_derived
    and is_member_on(spells.joined, spells.departed, on_date);

-- Table macro members_in: the membership selection every grouping indicator makes, stated once.
-- members_in(grouping_code, membership_rule, on_date, year_list) returns one row per
-- (alliance, iso3, year) for the years in year_list (a list of integers, usually the years
-- the indicator's source covers):
--   membership_rule = 'historical': the countries that were members on at least one day of
--     that year (first_year <= year <= last_year; see membership_spell);
--   membership_rule = 'current': the countries that are members on on_date, for every year.
-- grouping_code NULL means every grouping (alliance tells them apart).
-- A table macro (not a view) because the rule takes the caller's bound parameters; it is
-- stored in the database with the views and runs on a read-only connection.
create or replace macro members_in(grouping_code, membership_rule, on_date, year_list) as table
select distinct
    spells.alliance,
    spells.iso3,
    years.year,
from membership_spell as spells
inner join (select unnest(year_list) as year) as years
    on case
        when membership_rule = 'current'
            then is_member_on(spells.joined, spells.departed, on_date)
        else years.year >= spells.first_year
            and (spells.last_year is null or years.year <= spells.last_year)
    end
where grouping_code is null or spells.alliance = grouping_code;

-- Table macro member_panel_at: the members of a grouping beside their defence_panel rows, the
-- opening of every indicator on the panel. member_panel_at(grouping_code, membership_rule,
-- on_date, panel_source) gives one row per member-year of members_in(grouping_code,
-- membership_rule, on_date, ...) over every year panel_source covers in defence_panel_at(on_date)
-- (the editions published by on_date): alliance, iso3, year, then every other column of that
-- member's panel row of source panel_source (edition, is_estimate, me_current_usd_m,
-- share_gdp_pct, ...), NULL where the source prints no row for the member that year (Iceland in
-- NATO's ME tables), so gaps stay visible.
-- Parameters: grouping_code, membership_rule, on_date as members_in; panel_source 'nato' or
-- 'sipri' (defence_panel_at's source).
create or replace macro member_panel_at(grouping_code, membership_rule, on_date, panel_source)
as table

with

-- one CTE read twice (the year list, the join): the panel is computed once
panel as (
    select * from defence_panel_at(on_date)
    where source = panel_source
),

members as (
    select * from members_in(
        grouping_code,
        membership_rule,
        on_date,
        (select list(distinct panel.year) from panel)
    )
)

select
    members.alliance,
    members.iso3,
    members.year,
    panel.* exclude (source, iso3, year),
from members
left join panel
    on panel.iso3 = members.iso3
    and panel.year = members.year;
